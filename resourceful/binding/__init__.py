r"""Binding: from the request to the typed arguments of a handler.

Where each parameter's value comes from follows one rule:

    A parameter named in the URL rule comes from the path; one annotated
    ``Request`` receives the request; one annotated with an attrs class (or a
    list or union of attrs classes) is the JSON body; every other parameter
    comes from the query string; wrap the annotation in ``Query[...]``,
    ``Header[...]``, ``Cookie[...]``, ``Form[...]``, ``File[...]`` or
    ``Body[...]`` to say otherwise.

``Query[Filters]``, ``Header[...]``, ``Cookie[...]`` and ``Form[...]`` of an
attrs class gather many values into one object (a *group*); a list field of
a group takes every value of a repeated key. Values are structured by the
app's converter: the strict JSON rules for the body, the text rules for
everything else (see :mod:`resourceful.convert`).

Errors: a body that is not JSON (or not a form) when one is expected is a
415; malformed JSON is a 400, and so is JSON that I-JSON (RFC 7493) refuses:
a key repeated in one object, ``NaN`` or ``Infinity``, a lone surrogate
escape (a lone ``\uD800`` to ``\uDFFF``), or nesting too deep to parse.
Everything that parses but does not validate is collected, every location
at once, into one :class:`RequestValidationError` whose status is the
``VALIDATION_ERROR_STATUS`` setting (422 by default).
Unknown JSON body fields, and fields marked ``field(read_only=True)``, are
rejected when ``REJECT_UNKNOWN_FIELDS`` is true and ignored otherwise; a
form ignores both, and a query, header or cookie group cannot declare a
read-only field. A
``MergePatch[T]`` parameter is the body as a JSON merge patch (RFC 7396).

A :class:`Binder` is compiled once per operation and app; per request it
only runs the steps it prepared.

The package follows the two times of a handler's life: :mod:`.markers` (the
``Query[...]``-style markers) and :mod:`.signature` (reading a signature into
:class:`~resourceful.operation.Param` records) at definition time;
:mod:`.body` (reading and strictly decoding the body), :mod:`.binder` (the
compiled steps) and :mod:`.merge_patch` (merge-patch bodies) per request.
"""

from ..rules import rule_variables as rule_variables
from .binder import Binder as Binder
from .body import RefusedJSON as RefusedJSON
from .body import read_body as read_body
from .body import strict_json_loads as strict_json_loads
from .markers import Body as Body
from .markers import Cookie as Cookie
from .markers import File as File
from .markers import Form as Form
from .markers import Header as Header
from .markers import Path as Path
from .markers import Query as Query
from .markers import Source as Source
from .merge_patch import MergePatch as MergePatch
from .signature import handler_hints as handler_hints
from .signature import params_from_signature as params_from_signature

__all__ = [
    "Binder",
    "Body",
    "Cookie",
    "File",
    "Form",
    "Header",
    "MergePatch",
    "Path",
    "Query",
    "Source",
    "params_from_signature",
]
