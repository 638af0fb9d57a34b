"""Type checks: ``is UNSET`` narrows a field that may be Unset, and set_fields is a dict."""

import datetime as dt
from typing import Any, Literal

import attrs
from typing_extensions import assert_type

from resourceful import UNSET, Unset, set_fields


@attrs.define
class Patch:
    due: dt.date | Unset | None = UNSET


def narrowed(patch: Patch) -> None:
    if patch.due is not UNSET:
        assert_type(patch.due, dt.date | None)
    else:
        assert_type(patch.due, Literal[Unset.UNSET])
    assert_type(set_fields(patch), dict[str, Any])
