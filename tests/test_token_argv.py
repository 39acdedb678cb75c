"""The token never reaches a command line: the action (``entrypoint.py`` as a subprocess, on a
one-commit-deep clone as actions/checkout leaves it) is run with real git and real hadolint
behind PATH wrappers that log every argument vector and then ``exec`` the real binary. The
base commit is fetched with the credentials checkout configured (here, as checkout does, an
``http.extraheader`` in the repository's git config), never with the token in the fetch's
arguments. The token is a sentinel that matches no known token format."""

from __future__ import annotations

import base64
import shutil
from pathlib import Path

import pytest

from lint.hadolint import find_binary
from tests.ghserver import GitHubServer
from tests.test_entrypoint_e2e import git, make_repo, run_action

pytestmark = pytest.mark.npm  # GitHub's webhook payloads

SENTINEL = "Sentinel-7Qx2-not-a-known-token-format-91kz"


def wrap(bindir: Path, name: str, real: str, log: Path) -> None:
    """``name`` on PATH: appends its argv (NUL-separated, one record per line) to ``log``."""
    script = bindir / name
    script.write_text("#!/bin/sh\n"
                      f"printf '%s\\0' \"$0\" \"$@\" >> '{log}'\n"
                      f"printf '\\n' >> '{log}'\n"
                      f"exec '{real}' \"$@\"\n")
    script.chmod(0o755)


def argvs(log: Path) -> list[list[str]]:
    return [line.rstrip("\0").split("\0") for line in log.read_text().splitlines() if line]


def test_no_subprocess_gets_the_token_in_its_arguments(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    real_git, real_hadolint = shutil.which("git"), find_binary()
    assert real_git is not None
    repo = make_repo(tmp_path)
    # actions/checkout keeps the token in the repository's git config (persist-credentials).
    header = base64.b64encode(f"x-access-token:{SENTINEL}".encode()).decode()
    git(repo.workspace, "config", "--local", "http.https://github.com/.extraheader",
        f"AUTHORIZATION: basic {header}")
    bindir = tmp_path / "wrappers"
    bindir.mkdir()
    log = tmp_path / "argv.log"
    wrap(bindir, "git", real_git, log)
    wrap(bindir, "hadolint", real_hadolint, log)
    monkeypatch.setenv("PATH", f"{bindir}:{Path(real_git).parent}")
    monkeypatch.delenv("HADOLINT_BIN", raising=False)
    with GitHubServer(token=SENTINEL) as server:
        run = run_action(tmp_path, repo, server, github_token=SENTINEL)
    assert run.code == 1, run.stdout + run.stderr
    calls = argvs(log)
    # The wrappers saw the base fetch and hadolint: the check below looked at real calls.
    fetches = [a for a in calls if Path(a[0]).name == "git" and "fetch" in a]
    assert len(fetches) == 1 and fetches[0][-2:] == ["origin", repo.base], calls
    assert any(Path(a[0]).name == "hadolint" for a in calls), calls
    # The fetch worked with what the clone's config holds: the base is there now.
    assert git(repo.workspace, "cat-file", "-t", repo.base) == "commit"
    b64 = base64.b64encode(SENTINEL.encode()).decode()
    for argv in calls:
        assert not any(SENTINEL in arg or header in arg or b64 in arg for arg in argv), argv
