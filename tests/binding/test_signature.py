"""Reading a handler's signature: parameter sources and definition mistakes."""

from collections.abc import Sequence
from typing import Any

import attrs
import pytest
from models import Item, Order

from resourceful import App
from resourceful.binding import (
    Form,
    params_from_signature,
    rule_variables,
)
from resourceful.errors import DefinitionError
from resourceful.resources import Resource

# -- the parameter source rule ----------------------------------------------------------


def test_sequence_of_attrs_classes_is_the_body_like_a_list() -> None:
    def create(self: Any, items: Sequence[Item], names: frozenset[str] = frozenset()) -> None:
        pass

    body, query = params_from_signature(create, "Items.create", {})
    assert (body.location, query.location) == ("body", "query")


# -- definition mistakes -------------------------------------------------------------


def signature_error(func: Any, rule: str = "/x") -> str:
    with pytest.raises(DefinitionError) as info:
        params_from_signature(func, "Res.get", rule_variables(rule))
    return str(info.value)


def test_parameter_without_annotation_is_a_definition_error() -> None:
    def get(self: Any, limit) -> None:  # type: ignore[no-untyped-def]
        pass

    assert signature_error(get) == (
        "Res.get: parameter 'limit' has no annotation, so resourceful cannot tell where it"
        " comes from or what type it is. Annotate it, for example `limit: str` (query),"
        " `limit: Header[str]` or a body attrs class."
    )


def test_rule_variable_without_parameter_is_a_definition_error() -> None:
    def get(self: Any) -> None:
        pass

    assert signature_error(get, "/todos/<int:todo_id>") == (
        "Res.get: the rule variable <todo_id> has no parameter. Add a parameter"
        " `todo_id: int` to the handler, or remove the variable from the rule."
    )


def test_path_marker_without_rule_variable_is_a_definition_error() -> None:
    from resourceful.binding import Path

    def get(self: Any, todo_id: Path[int]) -> None:
        pass

    assert signature_error(get, "/todos/") == (
        "Res.get: parameter 'todo_id' is marked Path[...] but the rule has no <todo_id>"
        " variable. Add it to the rule or read the value from elsewhere."
    )


def test_converter_that_disagrees_with_annotation_is_a_definition_error() -> None:
    def get(self: Any, todo_id: str) -> None:
        pass

    assert signature_error(get, "/todos/<int:todo_id>") == (
        "Res.get: parameter 'todo_id' is annotated str but the rule's <int:todo_id> converter"
        " produces int. Annotate it `todo_id: int` or change the converter in the rule."
    )


def test_numeric_annotation_on_string_variable_is_a_definition_error() -> None:
    def get(self: Any, todo_id: int) -> None:
        pass

    assert signature_error(get, "/todos/<todo_id>") == (
        "Res.get: parameter 'todo_id' is annotated int but the rule's <todo_id> variable is a"
        " string. Write <int:todo_id> in the rule so that non-numbers do not match."
    )


def test_two_json_bodies_are_a_definition_error() -> None:
    def create(self: Any, first: Item, second: Order) -> None:
        pass

    assert signature_error(create) == (
        "Res.get: parameters 'first' and 'second' both read the JSON body; a request has one"
        " body. Combine them into one attrs class."
    )


def test_json_body_and_form_together_are_a_definition_error() -> None:
    def create(self: Any, first: Item, name: Form[str]) -> None:
        pass

    assert "reads both a JSON body and form data" in signature_error(create)


def test_var_keyword_parameters_are_a_definition_error() -> None:
    def get(self: Any, **extra: str) -> None:
        pass

    assert "**extra parameters cannot be bound" in signature_error(get)


def test_query_parameter_of_unparsable_type_is_a_definition_error(app: App) -> None:
    class Resourceless(Resource):
        def get(self, payload: dict[str, int]) -> None:
            pass

    with pytest.raises(DefinitionError) as info:
        app.add_resource(Resourceless, "/x")
    message = str(info.value)
    assert message.startswith(
        "Resourceless.get: parameter 'payload' (query) has the type dict[str, int], which"
        " cannot be structured:"
    )
    assert message.endswith("If it is the JSON body, mark it Body[...].")


def test_body_of_unsupported_type_is_a_definition_error_at_registration(app: App) -> None:
    class Opaque:
        pass

    @attrs.define
    class Holder:
        thing: Opaque

    class Holders(Resource):
        def create(self, holder: Holder) -> None:
            pass

    with pytest.raises(DefinitionError) as info:
        app.add_resource(Holders, "/holders")
    message = str(info.value)
    assert message.startswith("Holders.create: parameter 'holder' (JSON body) has the type Holder")
    assert "Cannot structure field" in message and "Holder.thing" in message


@attrs.frozen
class Range:
    lo: int
    hi: int


@attrs.frozen
class Search:
    text: str
    range: Range | None = None


def test_nested_attrs_class_in_a_query_group_is_a_definition_error() -> None:
    from resourceful.binding import Query

    def get(self: Any, search: Query[Search]) -> None:
        pass

    assert signature_error(get) == (
        "Res.get: the field 'range' of Query[Search] (parameter 'search') is an attrs class,"
        " but query values are flat text. Put its fields into the group itself, or send the"
        " data as a JSON body."
    )


def test_one_header_read_twice_in_two_spellings_is_a_definition_error() -> None:
    from typing import Annotated

    from resourceful.binding import Header, Source

    def get(
        self: Any,
        x_request_id: Header[str],
        request_id: Annotated[str, Source("header", name="X-REQUEST-ID")],
    ) -> None:
        pass

    assert signature_error(get) == (
        "Res.get: 'x_request_id' and 'request_id' both read the header 'X-REQUEST-ID' (header"
        " names are case-insensitive). Read it once."
    )


def test_authorization_as_a_plain_header_points_to_the_security_schemes() -> None:
    from resourceful.binding import Header

    def get(self: Any, authorization: Header[str]) -> None:
        pass

    message = signature_error(get)
    assert message.startswith(
        "Res.get: 'authorization' reads the Authorization header as a plain header;"
    )
    assert "resourceful.security: HTTPBearer, HTTPBasic, OAuth2" in message
