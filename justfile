# Recipes shared by people and CI. Run them with the venv's `just` (.venv/bin/just),
# or with any `just` once `.venv` exists: the venv's tools come first on PATH.

set shell := ["bash", "-euo", "pipefail", "-c"]

export PATH := justfile_directory() + "/.venv/bin:" + env_var("PATH")

host := "127.0.0.1"
port := "5000"

# List the recipes.
default:
    @just --list

# Serve the example todo API and its docs page on http://{{host}}:{{port}}/docs.
serve:
    resourceful --app examples/todo/app.py run --host {{host}} --port {{port}}

# Everything CI checks: lint, types, the test suite (with the browser and Node tools), the docs.
test: lint typecheck browser node node-tools pytest docs

# Ruff: lint and formatting.
lint:
    ruff check resourceful tests examples benchmarks docs/conf.py
    ruff format --check resourceful tests examples benchmarks docs/conf.py

# mypy --strict on the package, and on the typing checks of its public API.
typecheck:
    mypy
    mypy --strict tests/typing

# The pytest suite, on every core (pytest-xdist; -n 0 runs it in one process). A test file
# stays on one worker (loadfile), so module fixtures and module state are as in one process.
# The arguments go through as given: `just pytest -m "not slow and not live"` works.
[positional-arguments]
pytest *args:
    pytest -n auto --dist loadfile "$@"

# Make sure headless Chromium is there for the docs-page browser test.
browser:
    bash .ci/install-chromium

# Node.js (Debian's), for the ECMA regex tests and the Node tools below.
node:
    bash .ci/install-nodejs

# Install the pinned Node tools that the OpenAPI tests run (.ci/node-tools), if Node.js is there.
node-tools:
    bash .ci/install-node-tools

# Build the docs offline, warnings as errors.
docs:
    sphinx-build -W --keep-going -q -b html docs docs/_build/html

# Side-by-side benchmark against Flask, Falcon and raw WSGI (ratios to Flask).
bench *args:
    python -m benchmarks {{args}}
