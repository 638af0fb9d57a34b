"""Run a script in a fresh interpreter, for tests of ``resourceful.flask_patch``.

The alias changes ``sys.modules`` and ``sys.meta_path`` for the whole process,
so each script runs in its own interpreter, with warnings as errors like the
suite. A script reports what it saw by printing one JSON value as its last
line; :func:`run_script` returns it decoded.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any


def run_script(directory: Path, source: str, *, expect_failure: bool = False) -> Any:
    """Run ``source`` as ``app.py`` in ``directory``; return its last printed line as JSON.

    With ``expect_failure`` the script must exit non-zero, and its standard
    error is returned instead.
    """
    script = directory / "app.py"
    script.write_text(textwrap.dedent(source), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-W", "error", str(script)],
        cwd=directory,
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )
    if expect_failure:
        assert result.returncode != 0, result.stdout
        return result.stderr
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])
