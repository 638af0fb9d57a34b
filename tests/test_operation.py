import attrs
import pytest

from resourceful.operation import (
    Operation,
    OperationOptions,
    OperationsView,
    Param,
    ResponseSpec,
    frozen_security,
    operations_of,
    response_specs,
)


class Things:
    pass


def make_operation(*params: Param) -> Operation:
    return Operation(
        method="POST",
        rule="/things/",
        endpoint="thing_list",
        handler_name="create",
        resource=Things,
        params=params,
        response_type=int,
        status=201,
        responses=response_specs(201, int),
    )


def test_operation_is_frozen() -> None:
    operation = make_operation()
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        operation.status = 200  # type: ignore[misc]


def test_qualname_names_class_and_handler() -> None:
    assert make_operation().qualname == "Things.create"


def test_body_is_the_body_form_or_files_parameter() -> None:
    query = Param("q", "query", str, "q", False)
    body = Param("thing", "body", dict, "", True)
    assert make_operation(query, body).body is body
    assert make_operation(query).body is None


def test_params_in_filters_by_location() -> None:
    query = Param("q", "query", str, "q", False)
    header = Param("x_id", "header", str, "x-id", True)
    assert make_operation(query, header).params_in("header", "cookie") == (header,)


def test_response_specs_describe_success_and_no_content() -> None:
    assert response_specs(200, int) == (ResponseSpec(200, int, "Success."),)
    assert response_specs(204, None) == (ResponseSpec(204, None, "No content.", media_type=None),)


def test_response_specs_carry_the_declared_media_type() -> None:
    assert response_specs(200, int, "text/csv") == (
        ResponseSpec(200, int, "Success.", media_type="text/csv"),
    )


def test_frozen_security_makes_requirements_immutable() -> None:
    assert frozen_security([{"oauth": ["read", "write"]}]) == ({"oauth": ("read", "write")},)
    assert frozen_security(None) is None


def test_operation_options_default_to_unset() -> None:
    assert OperationOptions().status is None
    assert OperationOptions().decorators == ()


def test_operations_of_a_typed_view_are_its_operations() -> None:
    class View(OperationsView):
        def __init__(self) -> None:
            self.operations = {"POST": make_operation()}

    assert operations_of(View()) == {"POST": make_operation()}


def test_operations_of_a_plain_view_are_empty_even_with_an_operations_attribute() -> None:
    def view() -> str:
        return ""

    view.operations = {"POST": make_operation()}  # type: ignore[attr-defined]
    assert operations_of(view) == {}
    assert operations_of(None) == {}


def test_resource_views_are_typed_views() -> None:
    from resourceful import App, Resource

    app = App(__name__)

    @app.resource("/things/<int:thing_id>")
    class Thing(Resource):
        def get(self, thing_id: int) -> int:
            return thing_id

    (method, operation), *rest = operations_of(app.view_functions["thing"]).items()
    assert (method, operation.handler_name, rest) == ("GET", "get", [])
