"""The pre-commit hook (.pre-commit-hooks.yaml): its fields, its ``files``/``exclude`` regexes
against the names lint/discovery.py accepts, and a real ``pre-commit try-repo`` run (slow: it
installs this repository into a virtualenv from the package index)."""

from __future__ import annotations

import itertools
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from lint.discovery import NOT_DOCKERFILE_SUFFIXES, SKIP_DIRS, is_dockerfile_name

REPO = Path(__file__).resolve().parent.parent


def _hook() -> dict[str, object]:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert isinstance(hooks, list) and len(hooks) == 1
    hook = hooks[0]
    assert isinstance(hook, dict)
    return hook


def _selected(path: str) -> bool:
    """Would pre-commit hand ``path`` to the hook? (``re.search``, as pre-commit does.)"""
    hook = _hook()
    return (re.search(str(hook["files"]), path) is not None
            and re.search(str(hook["exclude"]), path) is None)


def test_hook_fields() -> None:
    hook = _hook()
    assert {k: hook[k] for k in ("id", "name", "entry", "language", "types")} == {
        "id": "dockerfile-review", "name": "dockerfile-review", "entry": "dockerfile-review",
        "language": "python", "types": ["file"]}


def _names() -> list[str]:
    stems = ["Dockerfile", "dockerfile", "DOCKERFILE", "Containerfile", "containerFile"]
    parts = ["", "prod", "dev.local", "api", "x.", ".", *sorted(NOT_DOCKERFILE_SUFFIXES),
             "Dockerfile", "containerfile", "MD", "Txt"]
    names = set(stems) | {".dockerignore", "Dockerfile.", ".Dockerfile", "a..Dockerfile",
                          "dockerfile.go", "notadockerfile", "Dockerfiles", "README.md"}
    for stem, part in itertools.product(stems, parts):
        names |= {f"{stem}.{part}", f"{part}.{stem}", f"{stem}.{part}.md",
                  f"{stem}.{part}.{stem}", f"{part}{stem}"}
    return sorted(names)


def test_files_regex_selects_exactly_the_names_discovery_accepts() -> None:
    wrong = [name for name in _names()
             for folder in ("", "docker/", "a.Dockerfile.d/")
             if _selected(folder + name) != is_dockerfile_name(name)]
    assert wrong == []


def test_exclude_regex_skips_the_folders_discovery_skips() -> None:
    for folder in sorted(SKIP_DIRS):
        assert not _selected(f"{folder}/Dockerfile"), folder
        assert not _selected(f"app/{folder}/x/api.Dockerfile"), folder
        assert _selected(f"app/{folder}x/Dockerfile"), folder


@pytest.mark.slow
@pytest.mark.default_rules
def test_pre_commit_try_repo_lints_the_dockerfiles_of_a_repository(tmp_path: Path) -> None:
    """``pre-commit try-repo`` with this repository (its working tree, uncommitted changes
    included) on a small sample repository. Needs the package index for the hook's
    virtualenv."""
    sample = tmp_path / "sample"
    files = {
        "Dockerfile": "FROM alpine:3.20\nUSER 10001\n",
        "svc/api.Dockerfile": "FROM alpine:3.20\nUSER 10001\nRUN cd /tmp\n",
        "Dockerfile.md": "# not a Dockerfile: RUN cd /tmp\n",
        "node_modules/pkg/Dockerfile": "FROM alpine:3.20\nRUN cd /tmp\n",
        ".dockerignore": ".git\n",
        "svc/.dockerignore": ".git\n",
    }
    for name, text in files.items():
        (sample / name).parent.mkdir(parents=True, exist_ok=True)
        (sample / name).write_text(text, encoding="utf-8")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid"]
    subprocess.run([*git, "init", "-q"], cwd=sample, check=True, timeout=60)
    subprocess.run([*git, "add", "-A"], cwd=sample, check=True, timeout=60)
    subprocess.run([*git, "commit", "-qm", "sample"], cwd=sample, check=True, timeout=60)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PRE_COMMIT_HOME"] = str(tmp_path / "cache")
    proc = subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(REPO), "dockerfile-review",
         "--all-files", "--color", "never"],
        cwd=sample, env=env, capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "- hook id: dockerfile-review\n- exit code: 1\n\n" in proc.stdout
    assert proc.stdout.endswith(
        "svc/api.Dockerfile:3 DL3003 warning: Use WORKDIR to switch to a directory\n"
        "svc/api.Dockerfile:3 SC2164 warning: Use 'cd ... || exit' or 'cd ... || return' in "
        "case cd fails.\n"
        "2 findings (0 error, 2 warning, 0 info, 0 style) in 2 files\n\n")
