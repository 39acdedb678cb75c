"""Shared test setup. Every test runs with its own HOME and XDG_CONFIG_HOME so no user-level
hadolint config (or anything else of the machine's user) leaks in, and no HADOLINT_* variable."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
TOOLS = REPO / ".tools" / "node_modules"


@pytest.fixture(autouse=True)
def _isolated_env(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    for key in list(os.environ):
        if key.startswith(("HADOLINT_", "GITHUB_", "INPUT_", "RUNNER_")):
            monkeypatch.delenv(key, raising=False)
