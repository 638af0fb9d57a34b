"""Real tools read the OpenAPI documents of examples/todo and of the rich test app.

Each tool is run as its users run it, on the 3.1 document (``app.openapi()``)
and on its 3.0.3 downgrade (``to_openapi_30``):

- openapi-python-client (a dev dependency) generates a Python client with no
  warnings, every module of the client imports, and the client generated
  for the todo example drives the example served on a real werkzeug server
  on 127.0.0.1: created, listed, read, and a 404 and a 422 come back as
  typed objects;
- openapi-typescript writes TypeScript types that ``tsc --strict`` accepts,
  together with real responses of the app typed with them;
- redocly's ``recommended`` ruleset and spectral's ``spectral:oas`` ruleset
  find no errors in the rich app's documents (their warnings are printed).

The Node tools are pinned in .ci/node-tools (``bash .ci/install-node-tools``,
part of ``just test``). Without Node.js or those packages the Node tests are
skipped, except when ``CI`` is ``true``: there they fail.

Generating code takes seconds, so those tests are marked ``slow``.
"""

from __future__ import annotations

import importlib
import json
import os
import pkgutil
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any, Literal

import attrs
import node_tools
import pytest
import rich_app
from node_tools import find_node_tool
from werkzeug.serving import make_server

from resourceful import App
from resourceful.binding import Form
from resourceful.openapi.downgrade import to_openapi_30
from resourceful.resources import Resource

BIN = Path(sys.executable).parent

Version = Literal["3.1", "3.0"]
VERSIONS: tuple[Version, ...] = ("3.1", "3.0")


def document(app: App, version: Version) -> dict[str, Any]:
    """Return ``app``'s document in OpenAPI ``version``."""
    return app.openapi() if version == "3.1" else to_openapi_30(app.openapi())


def write_json(path: Path, value: Any) -> Path:
    path.write_text(json.dumps(value, indent=2, ensure_ascii=False), encoding="utf-8")
    return path


def run(command: list[str | Path], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """Run a tool with the venv's tools (ruff for openapi-python-client) first on PATH."""
    environment = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}", **env}
    return subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


@pytest.fixture
def rich() -> App:
    return rich_app.create_app()


# -- openapi-python-client ---------------------------------------------------------------


def generate_python_client(spec: dict[str, Any], folder: Path, package: str) -> Path:
    """Generate a client package ``package`` in ``folder``; fail on errors and warnings."""
    path = write_json(folder / f"{package}.json", spec)
    result = run(
        [
            BIN / "openapi-python-client",
            "generate",
            "--path",
            path,
            "--meta",
            "none",
            "--output-path",
            folder / package,
        ],
        cwd=folder,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"openapi-python-client failed:\n{output}"
    assert "Warning" not in output and "Error" not in output, output
    return folder / package


@contextmanager
def imported(folder: Path, package: str) -> Iterator[Callable[[str], ModuleType]]:
    """Make the generated ``package`` importable; forget its modules afterwards."""
    sys.path.insert(0, str(folder))
    try:
        yield lambda name: importlib.import_module(f"{package}.{name}")
    finally:
        sys.path.remove(str(folder))
        for name in [name for name in sys.modules if name.partition(".")[0] == package]:
            del sys.modules[name]


def import_every_module(folder: Path, package: str) -> list[str]:
    """Import every module of the generated ``package``; return their names."""
    with imported(folder, package):
        root = importlib.import_module(package)
        names = [info.name for info in pkgutil.walk_packages(root.__path__, package + ".")]
        for name in names:
            importlib.import_module(name)
    return names


@pytest.fixture(scope="module")
def rich_client(tmp_path_factory: pytest.TempPathFactory) -> Callable[[Version], Path]:
    """Return ``client(version)``: the rich app's generated ``rich_client`` package.

    PERF: a generation takes seconds; each version's client is generated once
    (with the no-warnings check) for the tests that read it.
    """
    clients: dict[Version, Path] = {}

    def client(version: Version) -> Path:
        if version not in clients:
            folder = tmp_path_factory.mktemp(f"rich-client-{version}")
            spec = document(rich_app.create_app(), version)
            clients[version] = generate_python_client(spec, folder, "rich_client")
        return clients[version]

    return client


@pytest.mark.slow
@pytest.mark.parametrize(
    "version",
    [
        "3.1",
        "3.0",
    ],
)
def test_python_client_of_the_rich_app_generates_and_imports(
    rich_client: Callable[[Version], Path], version: Version
) -> None:
    package = "rich_client"
    client = rich_client(version)
    modules = import_every_module(client.parent, package)
    assert f"{package}.api.pets.list_pets" in modules


@pytest.mark.slow
def test_python_client_of_the_rich_30_document_generates_without_warnings(
    rich_client: Callable[[Version], Path],
) -> None:
    # The tuple bug is a 3.1 one: the downgrade writes a plain array.
    client = rich_client("3.0")
    assert (client / "models" / "point.py").is_file()


@attrs.define
class Located:
    xy: tuple[float, float]


class LocatedResource(Resource):
    def get(self, name: str) -> Located:
        return Located((0.0, 0.0))


@attrs.define
class Credentials:
    username: str
    remember: bool = False


class LoginResource(Resource):
    def create(self, form: Form[Credentials]) -> Credentials:
        return form


@pytest.mark.slow
def test_python_client_accepts_a_fixed_tuple(app: App, tmp_path: Path) -> None:
    app.add_resource(LocatedResource, "/places/<name>")
    generate_python_client(app.openapi(), tmp_path, "tuple_client")


@pytest.mark.slow
def test_python_client_of_a_form_body_imports(app: App, tmp_path: Path) -> None:
    app.add_resource(LoginResource, "/logins")
    generate_python_client(app.openapi(), tmp_path, "form_client")
    import_every_module(tmp_path, "form_client")


@pytest.fixture
def served_todo(todo_app: App) -> Iterator[str]:
    """Serve the todo example on werkzeug's server on 127.0.0.1, in a thread; stop it after."""
    server = make_server("127.0.0.1", 0, todo_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="todo-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


@pytest.mark.slow
@pytest.mark.live
@pytest.mark.parametrize("version", VERSIONS)
def test_python_client_drives_the_served_todo_example(
    todo_app: App, served_todo: str, tmp_path: Path, version: Version
) -> None:
    package = "todo_client"
    generate_python_client(document(todo_app, version), tmp_path, package)
    assert f"{package}.api.todos.list_todos" in import_every_module(tmp_path, package)
    with imported(tmp_path, package) as module:
        models = module("models")
        todos = "api.todos."
        create_todo, list_todos = module(todos + "create_todo"), module(todos + "list_todos")
        get_todo = module(todos + "get_todo")
        with module("client").Client(base_url=served_todo) as client:
            milk = create_todo.sync(client=client, body=models.NewTodo(title="milk", tags=["shop"]))
            create_todo.sync(client=client, body=models.NewTodo(title="bread", done=True))
            assert isinstance(milk, models.Todo)
            assert (milk.title, milk.done, milk.tags) == ("milk", False, ["shop"])

            page = list_todos.sync(client=client, done=False, limit=5)
            assert isinstance(page, models.TodoPage)
            assert [todo.title for todo in page.items] == ["milk"]
            assert (page.total, page.limit) == (1, 5)

            read = get_todo.sync(todo_id=milk.id, client=client)
            assert isinstance(read, models.Todo)
            assert read.to_dict() == milk.to_dict()

            missing = get_todo.sync(todo_id=milk.id + 100, client=client)
            assert isinstance(missing, models.Problem)
            assert (missing.status, missing.title) == (404, "Todo not found")

            invalid = list_todos.sync(client=client, limit=0)
            assert isinstance(invalid, models.Problem)
            assert invalid.status == 422
            assert [(error.location.value, error.pointer) for error in invalid.errors] == [
                ("query", "/limit")
            ]


# -- Node tools ------------------------------------------------------------------------------


def test_missing_node_tools_skip_locally_and_fail_in_ci(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(node_tools, "NODE_TOOLS", tmp_path)
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="The Node tool tsc is not installed"):
        find_node_tool("tsc")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI must run the Node tools"):
        find_node_tool("tsc")


@pytest.mark.slow
def test_typescript_types_of_the_documents_type_check(
    todo_app: App, rich: App, tmp_path: Path
) -> None:
    openapi_typescript, tsc = find_node_tool("openapi-typescript"), find_node_tool("tsc")
    sources: list[Path] = []
    # One tsc run checks all four documents: starting tsc is most of its time. The types go
    # to .ts files, not .d.ts, so that --skipLibCheck skips only TypeScript's own library.
    for name, app in (("todo", todo_app), ("rich", rich)):
        samples = rich_app.response_samples(app)
        for version in VERSIONS:
            folder = tmp_path / f"{name}-{version}"
            folder.mkdir()
            spec = write_json(folder / "openapi.json", document(app, version))
            result = run([openapi_typescript, spec, "--output", folder / "api.ts"], cwd=folder)
            assert result.returncode == 0, result.stdout + result.stderr
            # Real responses, typed with the generated types: tsc checks that they fit.
            lines = ['import type { components } from "./api";']
            for index, (schema, body) in enumerate(samples):
                lines.append(
                    f'const sample{index}: components["schemas"]["{schema}"] = {json.dumps(body)};'
                )
                lines.append(f"void sample{index};")
            (folder / "samples.ts").write_text("\n".join(lines) + "\n", encoding="utf-8")
            sources += [folder / "api.ts", folder / "samples.ts"]
    options = ["--noEmit", "--strict", "--skipLibCheck", "--target", "es2020", "--module", "es2020"]
    result = run([tsc, *options, "--moduleResolution", "bundler", *sources], cwd=tmp_path)
    assert result.returncode == 0, f"tsc found errors:\n{result.stdout}{result.stderr}"


def print_warnings(tool: str, warnings: list[str]) -> None:
    print(f"{tool}: {len(warnings)} warnings")  # shown with pytest -s, or -rP
    for warning in warnings:
        print("  " + warning)


@pytest.mark.slow
@pytest.mark.parametrize("version", VERSIONS)
def test_redocly_recommended_ruleset_finds_no_errors(
    rich: App, tmp_path: Path, version: Version
) -> None:
    redocly = find_node_tool("redocly")
    spec = write_json(tmp_path / "openapi.json", document(rich, version))
    result = run(
        [redocly, "lint", "--extends", "recommended", "--format", "json", spec],
        cwd=tmp_path,
        REDOCLY_TELEMETRY="off",
        REDOCLY_SUPPRESS_UPDATE_NOTICE="true",
    )
    problems = json.loads(result.stdout)["problems"]
    described = [
        f"{problem['ruleId']} at {problem['location'][0]['pointer']}: {problem['message']}"
        for problem in problems
    ]
    print_warnings(
        "redocly",
        [text for text, p in zip(described, problems, strict=True) if p["severity"] != "error"],
    )
    errors = [text for text, p in zip(described, problems, strict=True) if p["severity"] == "error"]
    assert errors == []
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
@pytest.mark.parametrize(
    "version",
    [
        "3.1",
        "3.0",
    ],
)
def test_spectral_oas_ruleset_finds_no_errors(rich: App, tmp_path: Path, version: Version) -> None:
    spectral = find_node_tool("spectral")
    spec = write_json(tmp_path / "openapi.json", document(rich, version))
    (tmp_path / ".spectral.yaml").write_text('extends: ["spectral:oas"]\n', encoding="utf-8")
    result = run(
        [spectral, "lint", "--ruleset", ".spectral.yaml", "--format", "json", "--quiet", spec],
        cwd=tmp_path,
    )
    problems = json.loads(result.stdout or "[]")
    described = [
        f"{problem['code']} at {'.'.join(map(str, problem['path']))}: {problem['message']}"
        for problem in problems
    ]
    # Spectral's severities: 0 error, 1 warning, 2 information, 3 hint.
    print_warnings(
        "spectral", [text for text, p in zip(described, problems, strict=True) if p["severity"]]
    )
    errors = [text for text, p in zip(described, problems, strict=True) if p["severity"] == 0]
    assert errors == []
