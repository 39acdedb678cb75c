"""Golden-file helpers shared by the sink tests.

``lint_fixture()`` runs the real lint step (real hadolint 2.15.1, our parser and rules) over
``tests/golden/input/`` and keeps hadolint's DL/SC findings plus only the DC codes in
``KEPT_DC``, so these goldens do not move when an unrelated DC rule changes. ``check`` compares
with a golden file, or rewrites it when ``UPDATE_GOLDEN=1``::

    UPDATE_GOLDEN=1 python3 -m pytest -q tests/test_sarif.py tests/test_annotations.py \\
        tests/test_sinks_text_json.py
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from lint.config import Overrides, load
from lint.discovery import discover
from lint.run import LintOptions, LintResult, lint_files

HERE = Path(__file__).resolve().parent
INPUT = HERE / "input"
KEPT_DC = frozenset({"DC001", "DC101"})
#: A fixed tool version keeps the format goldens independent of release bumps.
TOOL_VERSION = "0.0.0-golden"


def lint_fixture(workdir: Path, *, all_rules: bool = False) -> LintResult:
    """Lint the fixture directory from ``workdir`` (an empty directory: hadolint and our config
    loader both read ``.hadolint.yaml`` from the working directory)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(workdir)
        mp.setenv("HOME", str(workdir))
        mp.setenv("XDG_CONFIG_HOME", str(workdir / ".config"))
        for key in list(os.environ):
            if key.startswith("HADOLINT_"):
                mp.delenv(key)
        found = discover(["."], INPUT)
        # DC101 is opt-in (docs/precision.md): turned on as a user would, under an override.
        config = load(workdir, os.environ, Overrides(override={"warning": ("DC101",)}))
        result = lint_files(found.files, config, LintOptions())
    assert not found.errors and not result.errors, (found.errors, result.errors)
    if not all_rules:
        result.findings = [
            f for f in result.findings if not f.code.startswith("DC") or f.code in KEPT_DC
        ]
    return result


def texts(result: LintResult) -> dict[str, str]:
    return {path: df.text for path, df in result.dockerfiles.items()}


def check(name: str, actual: str) -> None:
    """Assert ``actual`` equals the golden file ``name`` byte for byte (or rewrite it)."""
    path = HERE / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.write_bytes(actual.encode("utf-8"))
        return
    assert path.exists(), f"missing golden {path}: run with UPDATE_GOLDEN=1"
    expected = path.read_bytes().decode("utf-8")
    assert actual == expected, f"{name} differs from its golden (UPDATE_GOLDEN=1 rewrites it)"
