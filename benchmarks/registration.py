"""Time building an app of many typed resources: ms per resource at two sizes.

Usage, from the repository root::

    python -m benchmarks.registration                 # 125 and 1,000 resources
    python -m benchmarks.registration --sizes 125 500 --framework resourceful

Each resource has four typed operations (list, create, get, replace) on a
collection rule and a member rule with an ``int`` variable, and a request
body class. Only building the app is timed (no request is sent), so ASGI
FastAPI can be timed beside the WSGI frameworks. Registration should scale
linearly: the ms per resource at 1,000 within 1.3 x of that at 125.
"""

import argparse
import gc
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any

SIZES = (125, 1000)


def build_resourceful(count: int) -> Any:
    import attrs

    from resourceful import App, Resource

    app = App("bench_registration")
    for number in range(count):

        @attrs.define
        class Body:
            title: str
            done: bool = False

        @attrs.define
        class Item:
            id: int
            title: str
            done: bool

        class Items(Resource):
            def list(self) -> list[Item]:
                return []

            def create(self, body: Body) -> Item:
                return Item(1, body.title, body.done)

            def get(self, item_id: int) -> Item:
                return Item(item_id, "", False)

            def replace(self, item_id: int, body: Body) -> Item:
                return Item(item_id, body.title, body.done)

        Items.__name__ = Items.__qualname__ = f"Items{number}"
        Body.__name__ = Body.__qualname__ = f"Body{number}"
        Item.__name__ = Item.__qualname__ = f"Item{number}"
        app.add_resource(Items, f"/section{number}/items/<int:item_id>")
    return app


def build_fastapi(count: int) -> Any:
    from fastapi import FastAPI
    from pydantic import create_model

    app = FastAPI()
    for number in range(count):
        body = create_model(f"Body{number}", title=(str, ...), done=(bool, False))
        item = create_model(f"Item{number}", id=(int, ...), title=(str, ...), done=(bool, ...))
        base = f"/section{number}/items"

        def list_items() -> list[Any]:
            return []

        def create(payload: body) -> Any:  # type: ignore[valid-type]
            return {"id": 1, "title": payload.title, "done": payload.done}

        def get(item_id: int) -> Any:
            return {"id": item_id, "title": "", "done": False}

        def replace(item_id: int, payload: body) -> Any:  # type: ignore[valid-type]
            return {"id": item_id, "title": payload.title, "done": payload.done}

        app.add_api_route(base, list_items, methods=["GET"], response_model=list[item])
        app.add_api_route(base, create, methods=["POST"], response_model=item)
        app.add_api_route(f"{base}/{{item_id}}", get, methods=["GET"], response_model=item)
        app.add_api_route(f"{base}/{{item_id}}", replace, methods=["PUT"], response_model=item)
    return app


def build_apiflask(count: int) -> Any:
    from apiflask import APIFlask, Schema
    from apiflask.fields import Boolean, Integer, String

    app = APIFlask("bench_registration")
    for number in range(count):
        body = type(f"Body{number}", (Schema,), {"title": String(required=True), "done": Boolean()})
        item = type(
            f"Item{number}", (Schema,), {"id": Integer(), "title": String(), "done": Boolean()}
        )
        base = f"/section{number}/items"

        def list_items() -> Any:
            return []

        def create(json_data: Any) -> Any:
            return {"id": 1, **json_data}

        def get(item_id: int) -> Any:
            return {"id": item_id, "title": "", "done": False}

        def replace(item_id: int, json_data: Any) -> Any:
            return {"id": item_id, **json_data}

        app.get(base, endpoint=f"list{number}")(app.output(item(many=True))(list_items))
        app.post(base, endpoint=f"create{number}")(app.input(body)(app.output(item)(create)))
        app.get(f"{base}/<int:item_id>", endpoint=f"get{number}")(app.output(item)(get))
        app.put(f"{base}/<int:item_id>", endpoint=f"replace{number}")(
            app.input(body)(app.output(item)(replace))
        )
    return app


BUILDERS: dict[str, Callable[[int], Any]] = {
    "resourceful": build_resourceful,
    "fastapi": build_fastapi,
    "apiflask": build_apiflask,
}


def time_build(builder: Callable[[int], Any], count: int) -> float:
    """Return the seconds one build of ``count`` resources takes (collector on, as in use)."""
    gc.collect()
    begin = time.perf_counter()
    app = builder(count)
    elapsed = time.perf_counter() - begin
    del app
    return elapsed


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.registration")
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--framework", action="append", choices=list(BUILDERS))
    parser.add_argument("--repeat", type=int, default=3, help="builds per cell (best is kept)")
    args = parser.parse_args(argv)
    names = args.framework or list(BUILDERS)
    print("| framework | " + " | ".join(f"{n} resources" for n in args.sizes) + " | growth |")
    print("|---" * (len(args.sizes) + 2) + "|")
    for name in names:
        builder = BUILDERS[name]
        try:
            builder(1)
        except ImportError as exc:
            print(f"| {name} | not installed ({exc.name}) |")
            continue
        per_resource = []
        cells = []
        for count in args.sizes:
            best = min(time_build(builder, count) for _ in range(args.repeat))
            per_resource.append(best * 1000 / count)
            cells.append(f"{best:.2f} s ({best * 1000 / count:.2f} ms/resource)")
        growth = per_resource[-1] / per_resource[0]
        print(f"| {name} | " + " | ".join(cells) + f" | {growth:.2f}x |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
