"""Discovery on real directory trees: names, globs, skipped directories, symlinks, explicit
paths, and the messages for a missing path or a directory without Dockerfiles."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from lint.discovery import discover, is_dockerfile_name

REPO = Path(__file__).resolve().parent.parent

DOCKERFILE_NAMES = (
    "Dockerfile", "Dockerfile.dev", "api.Dockerfile", "Containerfile", "x.Containerfile",
    "Containerfile.prod", "dockerfile", "DOCKERFILE.Dev",
)
NOT_DOCKERFILE_NAMES = (
    ".dockerignore", "Dockerfile.dockerignore", "Containerfile.dockerignore", "Dockerfile.md",
    "Dockerfile.txt", "Dockerfile.j2", "Dockerfile.tmpl", "Dockerfile.tpl", "dockerfile.go",
    "dockerfile.py",
)


def _write(path: Path, text: str = "FROM alpine:3.20\n") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _paths(root: Path, *args: str, **kwargs: object) -> list[str]:
    found = discover(list(args) or ["."], root, **kwargs)  # type: ignore[arg-type]
    assert found.errors == []
    return [f.path for f in found.files]


def _tree(root: Path) -> None:
    # One directory per name so case-insensitive file systems cannot merge any of them.
    for name in DOCKERFILE_NAMES + NOT_DOCKERFILE_NAMES:
        _write(root / f"d_{name.lower().replace('.', '_')}_{len(name)}" / name)


EXPECTED = sorted(
    f"d_{name.lower().replace('.', '_')}_{len(name)}/{name}" for name in DOCKERFILE_NAMES
)


def test_every_name_found_case_insensitively_and_nothing_else(tmp_path: Path) -> None:
    _tree(tmp_path)
    assert _paths(tmp_path) == EXPECTED


@pytest.mark.parametrize("name", DOCKERFILE_NAMES)
def test_name_is_a_dockerfile(name: str) -> None:
    assert is_dockerfile_name(name)


@pytest.mark.parametrize("name", NOT_DOCKERFILE_NAMES)
def test_name_is_not_a_dockerfile(name: str) -> None:
    assert not is_dockerfile_name(name)


def test_same_directory_listing_is_sorted(tmp_path: Path) -> None:
    for name in ("Dockerfile", "api.Dockerfile", "Containerfile.prod", "Dockerfile.md",
                 ".dockerignore", "Dockerfile.dockerignore", "web.containerfile"):
        _write(tmp_path / name)
    _write(tmp_path / "b" / "Dockerfile")
    _write(tmp_path / "a" / "Dockerfile.dev")
    assert _paths(tmp_path) == [
        "Containerfile.prod", "Dockerfile", "a/Dockerfile.dev", "api.Dockerfile", "b/Dockerfile",
        "web.containerfile",
    ]


def test_include_and_exclude_globs_adjust_the_set(tmp_path: Path) -> None:
    _write(tmp_path / "Dockerfile")
    _write(tmp_path / "docker" / "base.docker")
    _write(tmp_path / "docker" / "Dockerfile.prod")
    _write(tmp_path / "vendor" / "lib" / "Dockerfile")
    _write(tmp_path / "tests" / "fixtures" / "bad.Dockerfile")
    assert _paths(tmp_path) == [
        "Dockerfile", "docker/Dockerfile.prod", "tests/fixtures/bad.Dockerfile",
        "vendor/lib/Dockerfile",
    ]
    assert _paths(tmp_path, include=["*.docker"]) == [
        "Dockerfile", "docker/Dockerfile.prod", "docker/base.docker",
        "tests/fixtures/bad.Dockerfile", "vendor/lib/Dockerfile",
    ]
    assert _paths(tmp_path, exclude=["vendor/**", "tests/fixtures/*"]) == [
        "Dockerfile", "docker/Dockerfile.prod",
    ]
    # A pattern without a slash matches the name in any directory, like .gitignore.
    assert _paths(tmp_path, exclude=["Dockerfile"]) == [
        "docker/Dockerfile.prod", "tests/fixtures/bad.Dockerfile",
    ]
    assert _paths(tmp_path, include=["docker/*"], exclude=["*.prod"]) == [
        "Dockerfile", "docker/base.docker", "tests/fixtures/bad.Dockerfile",
        "vendor/lib/Dockerfile",
    ]


def test_vcs_node_modules_and_virtualenvs_are_skipped(tmp_path: Path) -> None:
    _write(tmp_path / "Dockerfile")
    _write(tmp_path / ".git" / "Dockerfile")
    _write(tmp_path / "node_modules" / "pkg" / "Dockerfile")
    _write(tmp_path / "web" / "node_modules" / "pkg" / "Dockerfile")
    _write(tmp_path / ".venv" / "lib" / "Dockerfile")
    _write(tmp_path / "venv" / "Dockerfile")
    _write(tmp_path / "env-3.12" / "pyvenv.cfg", "home = /usr/bin\n")
    _write(tmp_path / "env-3.12" / "lib" / "site" / "Dockerfile")
    _write(tmp_path / "envy" / "Dockerfile")  # no pyvenv.cfg: an ordinary directory
    assert _paths(tmp_path) == ["Dockerfile", "envy/Dockerfile"]


def test_symlinks_out_of_the_root_are_never_followed(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    outside = tmp_path / "outside"
    _write(outside / "Dockerfile")
    _write(outside / "deep" / "api.Dockerfile")
    _write(root / "Dockerfile")
    (root / "linked-dir").symlink_to(outside, target_is_directory=True)
    (root / "linked.Dockerfile").symlink_to(outside / "Dockerfile")
    found = discover(["."], root)
    assert [f.path for f in found.files] == ["Dockerfile"]
    assert found.errors == []
    assert found.notes == ["skipped symlink linked.Dockerfile: it points outside the root"]
    # Named explicitly, the file symlink and the directory are refused too.
    found = discover(["linked.Dockerfile", "linked-dir"], root)
    assert found.files == []
    assert found.notes == [
        f"skipped {root.resolve()}/linked.Dockerfile: it leads outside {root.resolve()}",
    ]
    assert found.errors == [f"path is outside the root {root.resolve()}: linked-dir"]


def test_symlinks_inside_the_root_count_once_under_the_real_path(tmp_path: Path) -> None:
    _write(tmp_path / "services" / "api" / "Dockerfile")
    _write(tmp_path / "services" / "web" / "Dockerfile.web")
    # Sorted before the real files, so the walk meets the links first.
    (tmp_path / "a.Dockerfile").symlink_to(tmp_path / "services" / "api" / "Dockerfile")
    (tmp_path / "aaa").symlink_to(tmp_path / "services", target_is_directory=True)
    # A link with a Dockerfile name to a file whose own name is not one: found via the link.
    _write(tmp_path / "build" / "image.def")
    (tmp_path / "build" / "Containerfile").symlink_to(tmp_path / "build" / "image.def")
    found = discover(["."], tmp_path)
    assert [f.path for f in found.files] == [
        "build/Containerfile", "services/api/Dockerfile", "services/web/Dockerfile.web",
    ]
    assert found.notes == []


def test_explicit_files_are_linted_whatever_their_name(tmp_path: Path) -> None:
    _write(tmp_path / "docker" / "build.def")
    _write(tmp_path / "Dockerfile")
    _write(tmp_path / "Dockerfile.dev")
    found = discover(["docker/build.def", "Dockerfile", str(tmp_path / "Dockerfile")], tmp_path)
    assert [f.path for f in found.files] == ["Dockerfile", "docker/build.def"]
    assert [f.disk for f in found.files] == [tmp_path / "Dockerfile",
                                             tmp_path / "docker" / "build.def"]


def test_missing_path_and_directory_without_dockerfiles(tmp_path: Path) -> None:
    _write(tmp_path / "Dockerfile")
    _write(tmp_path / "docs" / "Dockerfile.md")
    found = discover(["nope/Dockerfile", "docs", "Dockerfile"], tmp_path)
    assert [f.path for f in found.files] == ["Dockerfile"]
    assert found.errors == ["path not found: nope/Dockerfile"]
    assert found.notes == ["no Dockerfiles found under docs"]


def _cli(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO)
    return subprocess.run([sys.executable, "-m", "lint", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120, check=False)


def test_cli_missing_path_is_a_clear_error_without_traceback(tmp_path: Path) -> None:
    _write(tmp_path / "Dockerfile", "FROM alpine:3.20\nUSER 10001\n")
    (tmp_path / ".dockerignore").write_text(".git\n", encoding="utf-8")
    proc = _cli(tmp_path, "missing", "Dockerfile", "--format", "json")
    assert proc.returncode == 2
    assert proc.stderr == "error: path not found: missing\n"
    # The existing file is still linted and reported.
    assert '"path": "Dockerfile"' in proc.stdout


def test_cli_directory_without_dockerfiles_says_so(tmp_path: Path) -> None:
    _write(tmp_path / "empty" / "README.md", "# nothing here\n")
    proc = _cli(tmp_path, "empty")
    assert proc.returncode == 0
    assert proc.stderr == "note: no Dockerfiles found under empty\n"
    assert proc.stdout == "no findings in 0 files\n"


@pytest.mark.parametrize(("path", "patterns", "expected"), [
    # A leading ./ is dropped as a prefix (it once stripped the characters "." and "/").
    (".devcontainer/Dockerfile", ["./.devcontainer/Dockerfile"], True),
    (".devcontainer/Dockerfile", [".devcontainer/Dockerfile"], True),
    ("docker/app.Dockerfile", ["docker/*.Dockerfile"], True),
    ("docker/sub/app.Dockerfile", ["docker/*.Dockerfile"], False),
    ("docker/sub/app.Dockerfile", ["docker/**/*.Dockerfile"], True),
    ("x/y/Dockerfile.dev", ["Dockerfile.*"], True),  # no slash: any directory
    ("build/ci/Dockerfile", ["build"], True),  # a directory matches what is below it
    ("ci/Dockerfile", ["ci/", "!ci/Dockerfile"], False),  # the last match wins
    ("img/Dockerfile-1", ["img/Dockerfile-[0-9]"], True),  # character classes
    ("Docker/Dockerfile", ["docker/*"], False),  # case-sensitive, as git on Linux
    ("a/Dockerfile", [], False),
])
def test_user_globs_have_gitignore_semantics(path: str, patterns: list[str],
                                             expected: bool) -> None:
    from lint.globs import matches

    assert matches(path, patterns) is expected
