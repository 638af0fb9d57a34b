"""The typing checks hold under pyright too, not only mypy (issue 16).

``just typecheck`` runs ``mypy --strict`` over the ``check_*.py`` files of
tests/typing, with ``warn_unused_ignores``: every ``# type: ignore`` there
marks a call that must be refused. This runs the same files through pyright in strict
mode with ``reportUnnecessaryTypeIgnoreComment``, so under pyright too the good
calls type-check and each marked wrong call is an error. pyright is one of the
pinned Node tools (.ci/node-tools); without it the test skips locally and fails
in CI, like the other Node tools.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from node_tools import ROOT, find_node_tool

HERE = Path(__file__).resolve().parent / "typing"
CHECKS = sorted(HERE.glob("check_*.py"))


def _pyright(tmp_path: Path, *files: Path) -> dict[str, object]:
    config = tmp_path / "pyrightconfig.json"
    config.write_text(
        json.dumps(
            {
                "typeCheckingMode": "strict",
                "reportUnnecessaryTypeIgnoreComment": "error",
                "extraPaths": [str(ROOT)],
                "pythonVersion": f"{sys.version_info.major}.{sys.version_info.minor}",
            }
        ),
        encoding="utf-8",
    )
    completed = subprocess.run(
        [
            str(find_node_tool("pyright")),
            "--project",
            str(config),
            "--pythonpath",
            sys.executable,
            "--outputjson",
            *map(str, files),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    report: dict[str, object] = json.loads(completed.stdout)
    return report


def _errors(report: dict[str, object]) -> list[str]:
    found = report["generalDiagnostics"]
    assert isinstance(found, list)
    return [
        f"{Path(item['file']).name}:{item['range']['start']['line'] + 1}: {item['message']}"
        for item in found
        if item["severity"] == "error"
    ]


@pytest.mark.slow
def test_the_typing_checks_pass_pyright_strict_and_each_marked_call_is_refused(
    tmp_path: Path,
) -> None:
    assert len(CHECKS) >= 5

    report = _pyright(tmp_path, *CHECKS)

    assert _errors(report) == []
    summary = report["summary"]
    assert isinstance(summary, dict)
    assert summary["filesAnalyzed"] == len(CHECKS)


@pytest.mark.slow
def test_pyright_reports_a_marked_call_that_type_checks(tmp_path: Path) -> None:
    # The guard of the test above: an ignore mark on a call pyright accepts is an error.
    source = (HERE / "check_typed_client.py").read_text(encoding="utf-8")
    assert "# type: ignore" in source
    probe = tmp_path / "check_probe.py"
    probe.write_text(source + "\nok: int = 1  # type: ignore[assignment]\n", encoding="utf-8")

    errors = _errors(_pyright(tmp_path, probe))

    assert len(errors) == 1
    assert 'Unnecessary "# type: ignore" comment' in errors[0]
