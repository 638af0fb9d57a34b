"""Run regexes in a real ECMA 262 engine (Node), to compare them with Python's ``re``.

The OpenAPI document publishes patterns that JSON Schema readers run as ECMA
regexes; tests use :func:`ecma_matches` to check that binding accepts
exactly the strings such an engine matches. Without Node the tests that need
it are skipped locally (CI installs it).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Sequence

import pytest

NODE = shutil.which("node")

_SCRIPT = """
const input = JSON.parse(require("fs").readFileSync(0, "utf8"));
const results = input.patterns.map((pattern) => {
  const re = new RegExp(pattern, "u");
  return input.strings.map((s) => re.test(s));
});
process.stdout.write(JSON.stringify(results));
"""


def ecma_matches(pattern: str, strings: Sequence[str]) -> list[bool]:
    """Return, for each string, whether the ECMA regex ``pattern`` matches it."""
    return ecma_matches_each([pattern], strings)[0]


def ecma_matches_each(patterns: Sequence[str], strings: Sequence[str]) -> list[list[bool]]:
    """Return, per pattern and string, whether ``new RegExp(pattern, "u").test(string)``.

    One Node process runs every pattern (starting one costs more than the tests).

    The ``u`` flag makes the engine read code points, as JSON Schema
    validators do and as Python does (without it a character outside the
    BMP is two units, so ``^\\W$`` would not match it).
    """
    if NODE is None:
        message = "Node is not installed (apt-get install -y nodejs, or .ci/install-nodejs)."
        if os.environ.get("CI") == "true":
            pytest.fail(message + " CI must check patterns in an ECMA engine.")
        pytest.skip(message)
    # Lone surrogates cannot cross UTF-8; the strings tested are valid text.
    payload = json.dumps({"patterns": list(patterns), "strings": list(strings)})
    done = subprocess.run(
        [NODE, "-e", _SCRIPT],
        input=payload.encode(),
        capture_output=True,
        check=True,
        timeout=60,
    )
    results: list[list[bool]] = json.loads(done.stdout)
    return results
