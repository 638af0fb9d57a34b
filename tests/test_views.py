import asyncio
from collections.abc import Callable
from typing import Any

import pytest

from resourceful import App, g, request
from resourceful.views import MethodView, View


@pytest.fixture
def app() -> App:
    app = App(__name__)
    app.config["TESTING"] = True
    return app


class Greeting(View):
    methods = ("GET", "POST")

    def __init__(self, greeting: str = "Hello") -> None:
        self.greeting = greeting

    def dispatch_request(self, name: str) -> str:  # type: ignore[override]
        return f"{self.greeting}, {name}!"


def test_view_dispatches_with_url_variables_and_class_arguments(app: App) -> None:
    app.add_url_rule("/hello/<name>", view_func=Greeting.as_view("hello", "Hi"))
    assert app.test_client().get("/hello/ann").get_data(as_text=True) == "Hi, ann!"


def test_view_methods_are_used_for_the_rule(app: App) -> None:
    app.add_url_rule("/hello/<name>", view_func=Greeting.as_view("hello"))
    client = app.test_client()
    assert client.post("/hello/bob").status_code == 200
    assert client.delete("/hello/bob").status_code == 405


def test_as_view_carries_class_name_doc_module_and_options() -> None:
    class Documented(View):
        """Say hello."""

        methods = ("GET",)
        provide_automatic_options = False

    view: Any = Documented.as_view("documented")
    assert view.view_class is Documented
    assert view.__name__ == "documented"
    assert view.__doc__ == "Say hello."
    assert view.__module__ == __name__
    assert view.methods == ("GET",)
    assert view.provide_automatic_options is False


def test_unimplemented_dispatch_request_explains_itself(app: App) -> None:
    class Empty(View):
        pass

    app.add_url_rule("/", view_func=Empty.as_view("empty"))
    with pytest.raises(NotImplementedError, match=r"Empty must implement dispatch_request\(\)"):
        app.test_client().get("/")


def test_decorators_are_applied_in_order_to_the_view_function(app: App) -> None:
    calls: list[str] = []

    def tag(label: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
            def wrapper(**kwargs: Any) -> Any:
                calls.append(label)
                return view(**kwargs)

            return wrapper

        return decorator

    class Decorated(View):
        decorators = (tag("inner"), tag("outer"))

        def dispatch_request(self) -> str:  # type: ignore[override]
            return "ok"

    view: Any = Decorated.as_view("decorated")
    assert view.view_class is Decorated
    assert view.__name__ == "decorated"
    app.add_url_rule("/", view_func=view)
    assert app.test_client().get("/").get_data(as_text=True) == "ok"
    assert calls == ["outer", "inner"]


def test_init_every_request_creates_a_new_instance_each_time(app: App) -> None:
    created: list[object] = []

    class Counting(View):
        def __init__(self) -> None:
            created.append(self)

        def dispatch_request(self) -> str:  # type: ignore[override]
            return str(len(created))

    app.add_url_rule("/", view_func=Counting.as_view("counting"))
    client = app.test_client()
    assert client.get("/").get_data(as_text=True) == "1"
    assert client.get("/").get_data(as_text=True) == "2"


def test_init_every_request_false_reuses_one_instance(app: App) -> None:
    created: list[object] = []

    class Shared(View):
        init_every_request = False

        def __init__(self) -> None:
            created.append(self)

        def dispatch_request(self) -> str:  # type: ignore[override]
            return str(len(created))

    app.add_url_rule("/", view_func=Shared.as_view("shared"))
    client = app.test_client()
    assert client.get("/").get_data(as_text=True) == "1"
    assert client.get("/").get_data(as_text=True) == "1"


class Counter(MethodView):
    def get(self) -> str:
        return "get"

    def post(self) -> str:
        return "post"


def test_method_view_infers_methods_from_handlers() -> None:
    assert set(Counter.methods or ()) == {"GET", "POST"}


def test_method_view_inherits_methods_from_bases() -> None:
    class WithDelete(Counter):
        def delete(self) -> str:
            return "delete"

    assert set(WithDelete.methods or ()) == {"GET", "POST", "DELETE"}


def test_method_view_keeps_explicit_methods() -> None:
    class Explicit(MethodView):
        methods = ("GET",)

        def get(self) -> str:
            return "get"

        def post(self) -> str:
            return "post"

    assert Explicit.methods == ("GET",)


def test_method_view_dispatches_by_method(app: App) -> None:
    app.add_url_rule("/counter", view_func=Counter.as_view("counter"))
    client = app.test_client()
    assert client.get("/counter").get_data(as_text=True) == "get"
    assert client.post("/counter").get_data(as_text=True) == "post"


def test_method_view_head_falls_back_to_get(app: App) -> None:
    seen: list[str] = []

    class Page(MethodView):
        def get(self) -> str:
            seen.append("get")
            return "body"

    app.add_url_rule("/page", view_func=Page.as_view("page"))
    response = app.test_client().head("/page")
    assert response.status_code == 200
    assert response.data == b""
    assert seen == ["get"]


def test_method_view_other_methods_give_405_with_allow(app: App) -> None:
    app.add_url_rule("/counter", view_func=Counter.as_view("counter"))
    response = app.test_client().put("/counter")
    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) == {"GET", "POST", "HEAD", "OPTIONS"}


def test_method_view_answers_options_automatically(app: App) -> None:
    app.add_url_rule("/counter", view_func=Counter.as_view("counter"))
    response = app.test_client().options("/counter")
    assert response.status_code == 200
    assert set(response.headers["Allow"].split(", ")) == {"GET", "POST", "HEAD", "OPTIONS"}


def test_method_view_without_handler_for_routed_method_gives_405(app: App) -> None:
    app.add_url_rule("/counter", view_func=Counter.as_view("counter"), methods=["GET", "PUT"])
    response = app.test_client().put("/counter")
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"]


def test_http_method_funcs_is_flasks_name_for_the_dispatched_methods() -> None:
    from resourceful.views import HTTP_METHOD_FUNCS, http_method_funcs

    assert http_method_funcs is HTTP_METHOD_FUNCS
    assert http_method_funcs == frozenset(
        {"get", "post", "head", "options", "delete", "put", "trace", "patch"}
    )


# -- async def handlers --------------------------------------------------------------------------


def test_an_async_dispatch_request_is_awaited_with_the_request_available(app: App) -> None:
    class Echo(View):
        init_every_request = False

        async def dispatch_request(self, name: str) -> str:  # type: ignore[override]
            await asyncio.sleep(0)
            return f"{request.method} {name}"

    app.add_url_rule("/echo/<name>", view_func=Echo.as_view("echo"))
    assert app.test_client().get("/echo/ann").get_data(as_text=True) == "GET ann"


def test_async_method_view_handlers_are_awaited_and_mix_with_sync_ones(app: App) -> None:
    class Items(MethodView):
        async def get(self, item_id: int) -> dict[str, Any]:
            await asyncio.sleep(0)
            g.seen = item_id
            return {"id": item_id, "seen": g.seen}

        def delete(self, item_id: int) -> tuple[str, int]:
            return "", 204

    app.add_url_rule("/items/<int:item_id>", view_func=Items.as_view("items"))
    client = app.test_client()
    assert client.get("/items/3").get_json() == {"id": 3, "seen": 3}
    assert client.head("/items/3").status_code == 200
    assert client.delete("/items/3").status_code == 204


def test_an_override_of_dispatch_request_gets_the_async_handlers_value(app: App) -> None:
    class Shouting(MethodView):
        async def get(self) -> str:
            return "quiet"

        def dispatch_request(self, **kwargs: Any) -> Any:
            return super().dispatch_request(**kwargs).upper()

    app.add_url_rule("/", view_func=Shouting.as_view("shout"))
    assert app.test_client().get("/").get_data(as_text=True) == "QUIET"


def test_an_error_raised_in_an_async_handler_reaches_the_error_handler(app: App) -> None:
    class Broken(MethodView):
        async def get(self) -> str:
            raise LookupError("no such thing")

    app.add_url_rule("/", view_func=Broken.as_view("broken"))
    app.register_error_handler(LookupError, lambda e: (f"handled: {e}", 404))
    response = app.test_client().get("/")
    assert response.status_code == 404
    assert response.get_data(as_text=True) == "handled: no such thing"
