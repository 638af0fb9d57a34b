"""The pinned Node tools some tests run (.ci/node-tools: openapi-typescript, tsc, redocly,
spectral, pyright), installed by ``bash .ci/install-node-tools``."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NODE_TOOLS = ROOT / ".ci" / "node-tools"


def find_node_tool(name: str) -> Path:
    """Return the path of the pinned Node tool ``name``; skip without it, or fail in CI."""
    path = NODE_TOOLS / "node_modules" / ".bin" / name
    if shutil.which("node") is None or not path.exists():
        message = (
            f"The Node tool {name} is not installed (bash .ci/install-node-tools; it needs"
            " Node.js and npm)."
        )
        if os.environ.get("CI") == "true":
            pytest.fail(message + " CI must run the Node tools.")
        pytest.skip(message)
    return path
