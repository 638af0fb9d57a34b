"""Time building an app of many typed resources: ms per resource at two sizes.

Usage, from the repository root::

    python -m benchmarks.registration                 # 125 and 1,000 resources
    python -m benchmarks.registration --sizes 125 500 --framework resourceful

Each resource has four typed operations (list, create, get, replace) on a
collection rule and a member rule with an ``int`` variable, and a request
body class, defined inside the timed loop for every framework (attrs classes
for resourceful, pydantic models for FastAPI, marshmallow schemas for
APIFlask). Only building the app is timed (no request is sent). The builds
of the frameworks alternate (see :func:`measure`), and each cell is the best
of ``--repeat`` samples (a smaller size's sample is the mean of as many
builds as it goes into the largest size, so that each sample is about the
same work). Registration should scale linearly (the ms per
resource at 1,000 within 1.3 x of that at 125) and take less time than
FastAPI's (issue 17): the table gives both.

``--shape nested`` builds a harder shape, for resourceful and FastAPI: each
resource also has a ``Tag`` class held in a list by the body and the
response, and length bounds on strings (attrs validators; pydantic's
``Field`` bounds)::

    python -m benchmarks.registration --shape nested --framework resourceful --framework fastapi

``--document`` times ``app.openapi()`` instead: the first call (which builds
the document) and the calls after it, on an app of ``--document-size``
resources (250: 1,000 operations), for resourceful and FastAPI::

    python -m benchmarks.registration --document
"""

import argparse
import gc
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any

SIZES = (125, 1000)

#: Resources of the app whose document ``--document`` times (four operations each).
DOCUMENT_SIZE = 250


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


def build_resourceful_nested(count: int) -> Any:
    import attrs
    from attrs import validators

    from resourceful import App, Resource

    app = App("bench_registration_nested")
    for number in range(count):

        @attrs.define
        class Tag:
            name: str = attrs.field(validator=validators.max_len(20))

        @attrs.define
        class Body:
            title: str = attrs.field(validator=[validators.min_len(1), validators.max_len(100)])
            tags: list[Tag] = attrs.Factory(list)
            done: bool = False

        @attrs.define
        class Item:
            id: int
            title: str
            tags: list[Tag]
            done: bool

        class Items(Resource):
            def list(self) -> list[Item]:
                return []

            def create(self, body: Body) -> Item:
                return Item(1, body.title, body.tags, body.done)

            def get(self, item_id: int) -> Item:
                return Item(item_id, "", [], False)

            def replace(self, item_id: int, body: Body) -> Item:
                return Item(item_id, body.title, body.tags, body.done)

        Items.__name__ = Items.__qualname__ = f"Items{number}"
        for cls in (Tag, Body, Item):
            cls.__name__ = cls.__qualname__ = f"{cls.__name__}{number}"
        app.add_resource(Items, f"/section{number}/items/<int:item_id>")
    return app


def build_fastapi_nested(count: int) -> Any:
    from typing import Annotated

    from fastapi import FastAPI
    from pydantic import Field, create_model

    app = FastAPI()
    for number in range(count):
        tag = create_model(f"Tag{number}", name=(Annotated[str, Field(max_length=20)], ...))
        body = create_model(
            f"Body{number}",
            title=(Annotated[str, Field(min_length=1, max_length=100)], ...),
            tags=(list[tag], []),  # type: ignore[valid-type]
            done=(bool, False),
        )
        item = create_model(
            f"Item{number}",
            id=(int, ...),
            title=(str, ...),
            tags=(list[tag], ...),  # type: ignore[valid-type]
            done=(bool, ...),
        )
        base = f"/section{number}/items"

        def list_items() -> list[Any]:
            return []

        def create(payload: body) -> Any:  # type: ignore[valid-type]
            return {"id": 1, "title": payload.title, "tags": payload.tags, "done": payload.done}

        def get(item_id: int) -> Any:
            return {"id": item_id, "title": "", "tags": [], "done": False}

        def replace(item_id: int, payload: body) -> Any:  # type: ignore[valid-type]
            return {
                "id": item_id,
                "title": payload.title,
                "tags": payload.tags,
                "done": payload.done,
            }

        app.add_api_route(base, list_items, methods=["GET"], response_model=list[item])  # type: ignore[valid-type]
        app.add_api_route(base, create, methods=["POST"], response_model=item)
        app.add_api_route(f"{base}/{{item_id}}", get, methods=["GET"], response_model=item)
        app.add_api_route(f"{base}/{{item_id}}", replace, methods=["PUT"], response_model=item)
    return app


#: The nested shape (``--shape nested``): per resource a class held in a list of
#: the body and the response, and length bounds, the same on both frameworks.
NESTED_BUILDERS: dict[str, Callable[[int], Any]] = {
    "resourceful": build_resourceful_nested,
    "fastapi": build_fastapi_nested,
}

SHAPES = {"flat": BUILDERS, "nested": NESTED_BUILDERS}


def time_build(builder: Callable[[int], Any], count: int, builds: int = 1) -> tuple[float, float]:
    """Return the seconds one build of ``count`` resources takes: elapsed, and CPU.

    With ``builds`` over 1, the mean of that many builds in a row, each a
    fresh app after a collection (which is not timed). The collector stays on,
    as in use. The CPU time (this process's) leaves out the time the process
    waited for a core, so on a loaded machine it moves far less from run to
    run than the elapsed time.
    """
    elapsed = cpu = 0.0
    for _ in range(builds):
        gc.collect()
        begin, begin_cpu = time.perf_counter(), time.process_time()
        app = builder(count)
        elapsed += time.perf_counter() - begin
        cpu += time.process_time() - begin_cpu
        del app
    return elapsed / builds, cpu / builds


#: Per framework: per size, the best (elapsed, CPU) seconds; or why it has none.
Results = dict[str, dict[int, tuple[float, float]] | str]


def measure(
    names: Sequence[str],
    sizes: Sequence[int],
    repeat: int,
    builders: dict[str, Callable[[int], Any]] = BUILDERS,
) -> Results:
    """Return the best build times of each framework at each size (or why it has none).

    The builds alternate: for each size, each round builds every framework
    once, in an order that rotates every round, so a change in the machine's
    load falls on all of them rather than on whichever ran at that moment.
    The best elapsed and the best CPU time are kept separately.

    Every cell times about the same work: a size smaller than the largest is
    built as many times in a row as it goes into the largest, and the mean
    of those builds is one sample. A single small build lasts a fraction of a
    second, so on a shared machine the best of a few can land in a quiet
    moment that no build of the largest size, lasting seconds, can; the
    growth would then be the machine's, not the framework's.
    """
    results: Results = {}
    available = []
    for name in names:
        try:
            builders[name](1)
        except ImportError as exc:
            results[name] = f"not installed ({exc.name})"
            continue
        available.append(name)
        results[name] = {}
    largest = max(sizes, default=1)
    for count in sizes:
        builds = max(1, largest // count)
        for round_index in range(repeat):
            shift = round_index % len(available) if available else 0
            for name in available[shift:] + available[:shift]:
                cells = results[name]
                assert isinstance(cells, dict)
                elapsed, cpu = time_build(builders[name], count, builds)
                best = cells.get(count, (elapsed, cpu))
                cells[count] = (min(elapsed, best[0]), min(cpu, best[1]))
    return results


def format_table(results: Results, sizes: Sequence[int]) -> str:
    """Return a Markdown table: time and ms per resource (elapsed; CPU), growth, ratio to FastAPI.

    The growth is the ms per resource at the last size over that at the
    first; the ratio divides by FastAPI's time at the same size.
    """
    lines = [
        "| framework | " + " | ".join(f"{n} resources" for n in sizes) + " | growth |",
        "|---" * (len(sizes) + 2) + "|",
    ]
    peer = results.get("fastapi")
    for name, cells in results.items():
        if isinstance(cells, str):
            lines.append(f"| {name} | {cells} |")
            continue
        texts = []
        for count in sizes:
            elapsed, cpu = cells[count]
            text = (
                f"{elapsed:.2f} s, {elapsed * 1000 / count:.2f} ms/resource"
                f" (CPU {cpu * 1000 / count:.2f} ms)"
            )
            if isinstance(peer, dict) and name != "fastapi":
                text += (
                    f"; {elapsed / peer[count][0]:.2f}x FastAPI (CPU {cpu / peer[count][1]:.2f}x)"
                )
            texts.append(text)
        first, last = cells[sizes[0]], cells[sizes[-1]]
        growth = [(last[i] / sizes[-1]) / (first[i] / sizes[0]) for i in (0, 1)]
        lines.append(
            f"| {name} | " + " | ".join(texts) + f" | {growth[0]:.2f}x (CPU {growth[1]:.2f}x) |"
        )
    return "\n".join(lines)


#: The frameworks whose ``app.openapi()`` the document measure times.
DOCUMENT_FRAMEWORKS = ("resourceful", "fastapi")


def time_document(builder: Callable[[int], Any], count: int, calls: int) -> tuple[float, float]:
    """Return the CPU seconds of the first ``app.openapi()`` call and the mean of ``calls`` more."""
    app = builder(count)
    gc.collect()
    begin = time.process_time()
    app.openapi()
    first = time.process_time() - begin
    begin = time.process_time()
    for _ in range(calls):
        app.openapi()
    return first, (time.process_time() - begin) / calls


def measure_document(
    names: Sequence[str], count: int, calls: int, repeat: int
) -> dict[str, tuple[float, float] | str]:
    """Return per framework the best first and repeated ``app.openapi()`` CPU times.

    The frameworks alternate, as in :func:`measure`; each keeps its best of
    ``repeat`` apps.
    """
    results: dict[str, tuple[float, float] | str] = {}
    available = []
    for name in names:
        try:
            BUILDERS[name](1).openapi()
        except ImportError as exc:
            results[name] = f"not installed ({exc.name})"
            continue
        available.append(name)
    for round_index in range(repeat):
        shift = round_index % len(available) if available else 0
        for name in available[shift:] + available[:shift]:
            first, again = time_document(BUILDERS[name], count, calls)
            best = results.get(name, (first, again))
            assert isinstance(best, tuple)
            results[name] = (min(first, best[0]), min(again, best[1]))
    return results


def format_document_table(results: dict[str, tuple[float, float] | str], count: int) -> str:
    """Return a Markdown table of the first and the repeated ``app.openapi()`` calls (CPU)."""
    lines = [
        f"| framework ({count * 4} operations) | first call (builds) | every later call |",
        "|---|---|---|",
    ]
    peer = results.get("fastapi")
    for name, cell in results.items():
        if isinstance(cell, str):
            lines.append(f"| {name} | {cell} |")
            continue
        first, again = cell
        text = f"| {name} | {first * 1000:.1f} ms | {again * 1e6:.2f} us"
        if isinstance(peer, tuple) and name != "fastapi":
            text += f" ({again / peer[1]:.2f}x FastAPI)"
        lines.append(text + " |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.registration")
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--framework", action="append", choices=list(BUILDERS))
    parser.add_argument(
        "--shape",
        choices=list(SHAPES),
        default="flat",
        help="flat classes (the default), or a nested class and length bounds",
    )
    parser.add_argument("--repeat", type=int, default=3, help="builds per cell (best is kept)")
    parser.add_argument(
        "--document", action="store_true", help="time app.openapi() instead of registration"
    )
    parser.add_argument("--document-size", type=int, default=DOCUMENT_SIZE, metavar="RESOURCES")
    parser.add_argument("--calls", type=int, default=2000, help="repeated app.openapi() calls")
    args = parser.parse_args(argv)
    if args.document:
        names = [n for n in args.framework or DOCUMENT_FRAMEWORKS if n in DOCUMENT_FRAMEWORKS]
        results = measure_document(names, args.document_size, args.calls, args.repeat)
        print(format_document_table(results, args.document_size), flush=True)
        return 0
    builders = SHAPES[args.shape]
    names = [n for n in args.framework or list(builders) if n in builders]
    results = measure(names, args.sizes, args.repeat, builders)
    print(format_table(results, args.sizes), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
