"""Comparing schemas: recursion, spellings of one schema, and documents against themselves."""

from __future__ import annotations

import copy
import random
from typing import Any

import pytest
from diff_builders import api, obj, rows
from hypothesis import given, settings
from hypothesis import strategies as st

from resourceful.openapi.diff import diff_documents

# -- recursive schemas -----------------------------------------------------------------------------


def _tree(name: str, **extra: Any) -> dict[str, Any]:
    node = {"$ref": f"#/components/schemas/{name}"}
    return obj(
        value={"type": "integer", **extra},
        children={"type": "array", "items": {"anyOf": [node, {"type": "null"}]}},
        parent={"anyOf": [node, {"type": "null"}]},
    )


def test_a_recursive_schema_compares_equal_to_itself() -> None:
    document = api(response={"$ref": "#/components/schemas/Node"}, schemas={"Node": _tree("Node")})
    assert diff_documents(document, copy.deepcopy(document)) == []


def test_a_change_inside_a_recursive_schema_is_reported_once() -> None:
    old = api(response={"$ref": "#/components/schemas/Node"}, schemas={"Node": _tree("Node")})
    new = api(
        response={"$ref": "#/components/schemas/Node"},
        schemas={"Node": _tree("Node", maximum=9)},
    )
    assert rows(diff_documents(old, new)) == [
        (
            "bound-changed",
            False,
            "response",
            "/components/schemas/Node/properties/value",
            "/components/schemas/Node/properties/value/maximum",
        )
    ]


def test_a_renamed_recursive_schema_is_a_rename() -> None:
    old = api(response={"$ref": "#/components/schemas/Node"}, schemas={"Node": _tree("Node")})
    new = api(response={"$ref": "#/components/schemas/Tree"}, schemas={"Tree": _tree("Tree")})
    (change,) = diff_documents(old, new)
    assert change.kind == "schema-renamed"
    assert change.message.startswith("schema 'Node' renamed to 'Tree'")


# -- the property: a document against a reshuffled copy of itself --------------------------------

_names = st.text(alphabet="abcdefgh", min_size=1, max_size=4)
_scalars = st.one_of(
    st.fixed_dictionaries({"type": st.sampled_from(["string", "integer", "number", "boolean"])}),
    st.fixed_dictionaries(
        {"type": st.just("string")},
        optional={
            "minLength": st.integers(0, 5),
            "maxLength": st.integers(5, 50),
            "pattern": st.sampled_from(["^a", "b$"]),
            "format": st.sampled_from(["date", "uuid"]),
        },
    ),
    st.fixed_dictionaries(
        {"type": st.sampled_from(["integer", "number"])},
        optional={"minimum": st.integers(-5, 0), "maximum": st.integers(1, 9)},
    ),
    st.builds(
        lambda values: {"enum": values}, st.lists(_names, min_size=1, max_size=4, unique=True)
    ),
    st.builds(lambda t: {"type": [t, "null"]}, st.sampled_from(["string", "integer", "boolean"])),
    st.just({"$ref": "#/components/schemas/Leaf"}),
    st.just({"$ref": "#/components/schemas/Node"}),
)


def _extend(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    objects = st.builds(
        lambda props, data: {
            "type": "object",
            "properties": props,
            "required": data.draw(st.lists(st.sampled_from(sorted(props)), unique=True))
            if props
            else [],
        },
        st.dictionaries(_names, children, max_size=4),
        st.data(),
    )
    return st.one_of(
        objects,
        st.builds(lambda items: {"type": "array", "items": items}, children),
        st.builds(lambda alts: {"anyOf": alts}, st.lists(children, min_size=1, max_size=3)),
        st.builds(
            lambda alts: {"oneOf": [*alts, {"type": "null"}]},
            st.lists(children, min_size=1, max_size=2),
        ),
        st.builds(lambda parts: {"allOf": parts}, st.lists(objects, min_size=1, max_size=2)),
    )


_schemas = st.recursive(_scalars, _extend, max_leaves=5)


@st.composite
def documents(draw: st.DrawFn) -> dict[str, Any]:
    paths: dict[str, Any] = {}
    for path in draw(st.lists(_names, min_size=1, max_size=3, unique=True)):
        item = {}
        for method in draw(
            st.lists(st.sampled_from(["get", "post", "put"]), min_size=1, unique=True)
        ):
            params = [
                {
                    "name": name,
                    "in": where,
                    "required": draw(st.booleans()),
                    "schema": draw(_schemas),
                }
                for name, where in draw(
                    st.lists(
                        st.tuples(_names, st.sampled_from(["query", "header", "cookie"])),
                        max_size=3,
                        unique_by=lambda p: (p[1], p[0].lower()),
                    )
                )
            ]
            op: dict[str, Any] = {
                "parameters": params,
                "responses": {
                    status: {
                        "description": "x",
                        "content": {"application/json": {"schema": draw(_schemas)}},
                    }
                    for status in draw(
                        st.lists(st.sampled_from(["200", "201", "4XX"]), min_size=1, unique=True)
                    )
                },
            }
            if draw(st.booleans()):
                op["requestBody"] = {"content": {"application/json": {"schema": draw(_schemas)}}}
            if draw(st.booleans()):
                op["security"] = [{"key": []}, {"oauth": draw(st.lists(_names, unique=True))}]
            item[method] = op
        paths["/" + path] = item
    node = {
        "type": "object",
        "properties": {
            "next": {"anyOf": [{"$ref": "#/components/schemas/Node"}, {"type": "null"}]},
            "v": draw(_schemas),
        },
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": "Generated", "version": "1"},
        "paths": paths,
        "components": {
            "schemas": {"Leaf": draw(_scalars.filter(lambda s: "$ref" not in s)), "Node": node}
        },
    }


_SHUFFLED_LISTS = {"enum", "required", "type", "anyOf", "oneOf", "parameters", "security"}


def _reshuffle(value: Any, rng: random.Random, key: str | None = None) -> Any:
    """Return ``value`` with every object's keys and the order-free lists permuted."""
    if isinstance(value, dict):
        keys = list(value)
        rng.shuffle(keys)
        return {k: _reshuffle(value[k], rng, k) for k in keys}
    if isinstance(value, list):
        items = [_reshuffle(v, rng) for v in value]
        if key in _SHUFFLED_LISTS:
            rng.shuffle(items)
        return items
    return value


# NOTE: few but rich examples (each document has several operations and nested
# schemas), and one test for both properties: generating documents is what costs.
@settings(max_examples=30)
@given(documents(), st.randoms(use_true_random=False))
@pytest.mark.slow
def test_a_document_has_no_change_against_itself_reordered_or_not(
    document: dict[str, Any], rng: random.Random
) -> None:
    assert diff_documents(document, copy.deepcopy(document)) == []
    assert diff_documents(document, _reshuffle(document, rng)) == []
