"""``app.openapi()``: one document, built once, shared read-only by every caller."""

from __future__ import annotations

import copy
import json
import pickle
from collections.abc import Callable, Iterator
from typing import Any

import attrs
import pytest
from werkzeug.routing import Map

from resourceful import App
from resourceful.errors import DefinitionError
from resourceful.openapi import document as module
from resourceful.openapi.document import build_document, document_json
from resourceful.openapi.readonly import ReadOnlyDict, ReadOnlyDocumentError, ReadOnlyList
from resourceful.resources import Resource


@attrs.define
class Note:
    id: int
    text: str


class NoteResource(Resource):
    """Notes to self."""

    def list(self) -> list[Note]:
        return []

    def get(self, note_id: int) -> Note:
        return Note(note_id, "")


class TagResource(Resource):
    def get(self, tag_id: int) -> Note:
        return Note(tag_id, "")


@pytest.fixture
def notes(app: App) -> App:
    app.add_resource(NoteResource, "/notes/<int:note_id>")
    return app


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Count the document builds: the name of the app of each one."""
    found: list[str] = []
    real = module._Builder.build

    def counting(self: Any) -> dict[str, Any]:
        found.append(self.app.name)
        return real(self)

    monkeypatch.setattr(module._Builder, "build", counting)
    yield found


# -- one shared document -----------------------------------------------------------------------


@pytest.mark.parametrize("version", ["3.1", "3.0"])
def test_every_call_returns_the_same_document(notes: App, version: str) -> None:
    assert notes.openapi(version) is notes.openapi(version)


@pytest.mark.parametrize("version", ["3.1", "3.0"])
def test_the_shared_document_equals_and_serialises_as_a_fresh_copy(
    notes: App, version: str
) -> None:
    shared, fresh = notes.openapi(version), build_document(notes, version)
    assert type(fresh) is dict
    assert shared == fresh
    assert json.dumps(shared) == json.dumps(fresh)
    assert json.dumps(shared, indent=2, sort_keys=True) == json.dumps(
        fresh, indent=2, sort_keys=True
    )
    assert json.dumps(shared, separators=(",", ":"), ensure_ascii=False).encode() == document_json(
        notes, version
    )


def test_handing_out_the_document_again_does_not_walk_the_rules(
    notes: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = notes.openapi()

    def refuse(*args: Any) -> Any:
        raise AssertionError("the rules were listed again")

    monkeypatch.setattr(notes.url_map, "iter_rules", refuse)
    assert notes.openapi() is first


# -- read-only, with a message that says what to do -------------------------------------------

MUTATIONS: dict[str, Callable[[dict[str, Any]], object]] = {
    "set a key": lambda d: d["info"].__setitem__("title", "x"),
    "delete a key": lambda d: d["info"].__delitem__("title"),
    "pop a key": lambda d: d["info"].pop("title"),
    "popitem": lambda d: d["info"].popitem(),
    "setdefault": lambda d: d["info"].setdefault("summary", "x"),
    "update": lambda d: d["info"].update(title="x"),
    "in-place or": lambda d: d["info"].__ior__({"title": "x"}),
    "clear a dict": lambda d: d["paths"].clear(),
    "set an item": lambda d: d["tags"].__setitem__(0, {}),
    "delete an item": lambda d: d["tags"].__delitem__(0),
    "append": lambda d: d["tags"].append({"name": "x"}),
    "extend": lambda d: d["tags"].extend([{"name": "x"}]),
    "in-place add": lambda d: d["tags"].__iadd__([{"name": "x"}]),
    "in-place repeat": lambda d: d["tags"].__imul__(2),
    "insert": lambda d: d["tags"].insert(0, {"name": "x"}),
    "pop an item": lambda d: d["tags"].pop(),
    "remove": lambda d: d["tags"].remove(d["tags"][0]),
    "clear a list": lambda d: d["tags"].clear(),
    "sort": lambda d: d["tags"].sort(key=str),
    "reverse": lambda d: d["tags"].reverse(),
}


@pytest.mark.parametrize("mutate", MUTATIONS.values(), ids=MUTATIONS.keys())
def test_every_change_to_the_shared_document_is_refused(
    notes: App, mutate: Callable[[dict[str, Any]], object]
) -> None:
    document = notes.openapi()
    before = json.dumps(document)
    with pytest.raises(ReadOnlyDocumentError):
        mutate(document)
    assert json.dumps(notes.openapi()) == before


def test_the_refusal_says_the_document_is_shared_and_how_to_get_a_copy(notes: App) -> None:
    with pytest.raises(TypeError) as caught:
        notes.openapi()["info"]["title"] = "Mine"
    assert str(caught.value) == (
        "Cannot set 'title' in this object: it is part of the OpenAPI document that"
        " app.openapi() returns, which is built once and shared by every caller, so it is"
        " read-only. For a copy you can change (plain dicts and lists), use"
        " copy.deepcopy(app.openapi()); to change what the app documents, change the code it"
        " describes, the OPENAPI_* settings or the schema hooks (see docs/openapi.md)."
    )
    with pytest.raises(TypeError, match=r"^Cannot append to this array: it is part of"):
        notes.openapi()["tags"].append({"name": "x"})


def test_every_object_and_array_of_the_document_is_read_only(notes: App) -> None:
    def walk(node: Any) -> Iterator[Any]:
        yield node
        children = node.values() if isinstance(node, dict) else node
        for child in children:
            if isinstance(child, dict | list):
                yield from walk(child)

    kinds = {type(node) for node in walk(notes.openapi("3.0"))}
    kinds |= {type(node) for node in walk(notes.openapi())}
    assert kinds == {ReadOnlyDict, ReadOnlyList}


# -- copies are the caller's own ----------------------------------------------------------------


def plain(node: Any) -> bool:
    """Return whether ``node`` is made of plain dicts and lists only."""
    if isinstance(node, dict):
        return type(node) is dict and all(plain(child) for child in node.values())
    if isinstance(node, list):
        return type(node) is list and all(plain(child) for child in node)
    return True


def test_a_deep_copy_is_plain_dicts_and_lists_free_to_change(notes: App) -> None:
    shared = notes.openapi()
    mine = copy.deepcopy(shared)
    assert plain(mine)
    assert mine == shared
    mine["info"]["title"] = "Mine"
    mine["tags"].append({"name": "extra"})
    assert notes.openapi()["info"]["title"] == "test_app"
    assert {"name": "extra"} not in notes.openapi()["tags"]


def test_a_deep_copy_of_a_part_is_plain(notes: App) -> None:
    paths = copy.deepcopy(notes.openapi()["paths"])
    assert plain(paths)
    assert paths == notes.openapi()["paths"]


def test_a_shallow_copy_is_a_plain_dict_of_the_shared_parts(notes: App) -> None:
    shared = notes.openapi()
    mine = copy.copy(shared)
    assert type(mine) is dict
    mine["info"] = {"title": "Mine", "version": "1"}
    assert shared["info"]["title"] == "test_app"
    assert mine["paths"] is shared["paths"]
    assert type(copy.copy(shared["tags"])) is list


def test_an_unpickled_document_is_plain(notes: App) -> None:
    loaded = pickle.loads(pickle.dumps(notes.openapi()))
    assert plain(loaded)
    assert loaded == notes.openapi()


def test_build_document_still_returns_a_fresh_plain_copy(notes: App) -> None:
    first = build_document(notes)
    assert plain(first)
    assert first is not build_document(notes)


# -- rebuilt when the app changes --------------------------------------------------------------


def test_a_new_resource_gives_a_new_document_and_leaves_the_old_one_intact(notes: App) -> None:
    old = notes.openapi()
    notes.add_resource(TagResource, "/tags/<int:tag_id>")
    new = notes.openapi()
    assert new is not old
    assert "/tags/{tag_id}" in new["paths"]
    assert "/tags/{tag_id}" not in old["paths"]


def test_a_setting_changed_in_place_gives_a_new_document(notes: App) -> None:
    notes.config["OPENAPI_SERVERS"] = ["https://one.example"]
    old = notes.openapi()
    notes.config["OPENAPI_SERVERS"].append("https://two.example")
    assert [server["url"] for server in notes.openapi()["servers"]] == [
        "https://one.example",
        "https://two.example",
    ]
    assert len(old["servers"]) == 1


def test_a_plain_werkzeug_map_still_rebuilds_when_rules_are_added() -> None:
    class PlainMapApp(App):
        url_map_class = Map

    app = PlainMapApp("plain_map")
    app.add_resource(NoteResource, "/notes/<int:note_id>")
    first = app.openapi()
    assert app.openapi() is first
    app.add_resource(TagResource, "/tags/<int:tag_id>")
    assert "/tags/{tag_id}" in app.openapi()["paths"]


def test_another_rule_for_a_typed_endpoint_makes_the_document_look_again(notes: App) -> None:
    notes.openapi()
    (endpoint,) = (
        r.endpoint for r in notes.url_map.iter_rules() if r.rule == "/notes/<int:note_id>"
    )
    notes.add_url_rule(
        "/memos/<int:note_id>", endpoint=endpoint, view_func=notes.view_functions[endpoint]
    )
    # The rebuild sees the second rule of the same operations (and refuses its repeated ids).
    with pytest.raises(DefinitionError, match=r"NoteResource.get on '/memos/<int:note_id>' and"):
        notes.openapi()


# -- built once, even when serving starts -----------------------------------------------------


def test_the_first_request_for_the_document_builds_it_once(notes: App, builds: list[str]) -> None:
    client = notes.test_client()
    served = client.get("/openapi.json")
    assert served.status_code == 200
    assert client.get("/openapi-3.0.json").status_code == 200
    assert client.get("/openapi.json").data == served.data
    assert notes.openapi() == served.get_json()
    assert builds == [notes.name]


def test_asking_before_serving_then_serving_builds_it_once(notes: App, builds: list[str]) -> None:
    document = notes.openapi()
    assert notes.test_client().get("/openapi.json").get_json() == document
    assert notes.openapi() is document
    assert builds == [notes.name]


# -- callers --------------------------------------------------------------------------------------


def test_the_openapi_command_writes_the_shared_document_as_yaml(notes: App) -> None:
    yaml = pytest.importorskip("yaml")
    from resourceful.cli import cli

    result = notes.test_cli_runner().invoke(cli, ["openapi", "--format", "yaml"])
    assert result.exit_code == 0, result.output
    assert yaml.safe_load(result.stdout) == notes.openapi()
    result = notes.test_cli_runner().invoke(
        cli, ["openapi", "--format", "yaml", "--openapi-version", "3.0"]
    )
    assert result.exit_code == 0, result.output
    assert yaml.safe_load(result.stdout) == notes.openapi("3.0")
