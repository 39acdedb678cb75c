"""Subprocesses get an allow-listed environment: hadolint, git and docker are started here as
fake binaries that dump their environment, with a token (and inputs, HADOLINT_* variables and
other secrets) in this process's environment, as inside the action."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest

from lint import config as config_mod
from lint import hadolint
from lint.config import Overrides, hadolint_args
from lint.git import Git
from lint.run import LintOptions, lint_files
from lint.size.docker import BuildRequest, Docker, Engine
from lint.subprocess_env import allowed

TOKEN = "ghs_SubprocessEnvTOKEN0123456789abcdef"
HOSTILE = {
    "INPUT_GITHUB-TOKEN": TOKEN, "INPUT_GITHUB_TOKEN": TOKEN, "GITHUB_TOKEN": TOKEN,
    "INPUT_DOCKERFILE": "Dockerfile", "ACTIONS_RUNTIME_TOKEN": TOKEN,
    "ACTIONS_ID_TOKEN_REQUEST_TOKEN": TOKEN, "NPM_TOKEN": TOKEN, "DEPLOY_SECRET": TOKEN,
    "AWS_SECRET_ACCESS_KEY": TOKEN, "DOCKER_PASSWORD": TOKEN,
    "HADOLINT_IGNORE": "DL3008", "HADOLINT_TRUSTED_REGISTRIES": "registry.example",
    "HADOLINT_NOFAIL": "1", "GIT_DIR": "/nonexistent", "GIT_ASKPASS": "/bin/echo",
    "SOME_OTHER": "x",
}
KEPT = {"HOME": "/home/runner", "LANG": "C.UTF-8", "LC_CTYPE": "C.UTF-8", "TMPDIR": "/tmp"}


def fake(bin_dir: Path, name: str, dump: Path, body: str = "") -> Path:
    """A script named ``name`` that writes its environment (NUL-separated) to ``dump``."""
    bin_dir.mkdir(exist_ok=True)
    script = bin_dir / name
    script.write_text(f"#!/bin/sh\nenv -0 > '{dump}'\n{body}")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script


def dumped(path: Path) -> dict[str, str]:
    raw = path.read_bytes().decode()
    return dict(item.split("=", 1) for item in raw.split("\0") if item)


@pytest.fixture
def hostile_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """This process's environment as inside the action; returns the directory put first on
    PATH for fake binaries."""
    bin_dir = tmp_path / "bin"
    for name, value in {**HOSTILE, **KEPT}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    return bin_dir


def assert_clean(env: dict[str, str]) -> None:
    assert TOKEN not in "\0".join(f"{k}={v}" for k, v in env.items())
    assert not [name for name in env if name.startswith(("INPUT_", "HADOLINT_", "ACTIONS_"))]
    assert not set(env) & {"GITHUB_TOKEN", "NPM_TOKEN", "DEPLOY_SECRET", "SOME_OTHER",
                           "AWS_SECRET_ACCESS_KEY", "DOCKER_PASSWORD"}
    assert {k: env.get(k) for k in KEPT} == KEPT
    assert env["PATH"] == os.environ["PATH"]


def test_the_allow_list() -> None:
    env = {**HOSTILE, **KEPT, "PATH": "/bin", "DOCKER_HOST": "tcp://d:2375", "BUILDX_X": "1"}
    assert allowed(env) == {**KEPT, "PATH": "/bin"}
    assert allowed(env, ["DOCKER_HOST", "GITHUB_TOKEN", "DOCKER_PASSWORD"], ["BUILDX_", "INPUT_"],
                   extra={"MINE": "on purpose"}) == {
        **KEPT, "PATH": "/bin", "DOCKER_HOST": "tcp://d:2375", "BUILDX_X": "1",
        "MINE": "on purpose"}


# hadolint

def test_hadolint_gets_no_token_no_hadolint_variables_and_an_empty_config_home(
        tmp_path: Path, hostile_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    xdg = tmp_path / "xdg"
    xdg.mkdir()
    (xdg / "hadolint.yaml").write_text("ignored: [DL3006]\n")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(xdg))
    listing = tmp_path / "listing"
    exe = fake(hostile_env, "hadolint", tmp_path / "env",
               f"ls -A \"$XDG_CONFIG_HOME\" > '{listing}'\necho '[]'\n")
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text("FROM debian\n")

    linted = hadolint.run([hadolint.Job("Dockerfile", str(dockerfile))], binary=str(exe))

    assert linted == hadolint.Linted([], [], [])
    env = dumped(tmp_path / "env")
    assert_clean(env)
    assert env["XDG_CONFIG_HOME"] not in ("", str(xdg))
    assert listing.read_text() == ""  # it was an empty directory
    assert not Path(env["XDG_CONFIG_HOME"]).exists()  # and is gone


def test_hadolint_variables_reach_hadolint_as_options(monkeypatch: pytest.MonkeyPatch,
                                                      tmp_path: Path) -> None:
    for name in list(os.environ):
        if name.startswith("HADOLINT_"):
            monkeypatch.delenv(name)  # tests/conftest.py turns the opt-in rules on this way
    monkeypatch.setenv("HADOLINT_IGNORE", "DL3008,DL3009")
    monkeypatch.setenv("HADOLINT_OVERRIDE_ERROR", "DL3015")
    monkeypatch.setenv("HADOLINT_TRUSTED_REGISTRIES", "registry.example")
    monkeypatch.setenv("HADOLINT_DISABLE_IGNORE_PRAGMA", "yes")
    (tmp_path / ".hadolint.yaml").write_text("override:\n  info: [DL3015, DL3020]\n")
    cfg = config_mod.load(tmp_path, os.environ, Overrides(ignored=("DL4000",)))

    assert hadolint_args(Overrides(ignored=("DL4000",)), cfg) == [
        "--config", str(tmp_path / ".hadolint.yaml"),
        "--ignore", "DL3008", "--ignore", "DL3009", "--ignore", "DL4000",
        "--error", "DL3015", "--info", "DL3020",
        "--trusted-registry", "registry.example", "--disable-ignore-pragma"]


@pytest.mark.skipif(shutil.which("hadolint") is None, reason="hadolint is not installed")
def test_trusted_registries_from_the_variable_still_apply_to_the_real_hadolint(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # DL3026 only exists with trusted registries: hadolint sees them as options now.
    monkeypatch.setenv("HADOLINT_TRUSTED_REGISTRIES", "registry.example")
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    (tmp_path / "Dockerfile").write_text("FROM docker.io/library/debian:12\n")
    from lint.discovery import discover

    cfg = config_mod.load(tmp_path, os.environ)
    result = lint_files(discover(["."], tmp_path).files, cfg, LintOptions())

    assert [(f.path, f.line) for f in result.findings if f.code == "DL3026"] == [
        ("Dockerfile", 1)]


# git

def test_git_gets_only_the_allow_list_and_its_own_git_variables(
        tmp_path: Path, hostile_env: Path) -> None:
    fake(hostile_env, "git", tmp_path / "env")

    Git(tmp_path).run("status")

    env = dumped(tmp_path / "env")
    assert_clean(env)
    assert {k: v for k, v in env.items() if k.startswith("GIT_")} == {"GIT_TERMINAL_PROMPT": "0"}
    assert env["LC_ALL"] == "C"


def test_git_with_an_explicit_environment_is_filtered_too(tmp_path: Path,
                                                          hostile_env: Path) -> None:
    fake(hostile_env, "git", tmp_path / "env")

    Git(tmp_path, env={**os.environ, "EXTRA_TOKEN": TOKEN}).run("status")

    assert_clean(dumped(tmp_path / "env"))


# docker

def test_docker_gets_the_allow_list_its_engine_variables_and_build_args_only(
        tmp_path: Path, hostile_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOCKER_HOST", "unix:///run/other.sock")
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path / "docker-config"))
    monkeypatch.setenv("BUILDX_BUILDER", "ci")
    monkeypatch.setenv("DOCKER_BUILDKIT", "1")
    exe = fake(hostile_env, "docker", tmp_path / "env")
    docker = Docker(str(exe))
    docker.engine = Engine("27.0", "27.0", "buildkit", "0.15", "classic (overlay2)", False)

    docker.save(["img:1"], tmp_path / "out.tar", timeout=30)
    saved = dumped(tmp_path / "env")
    outcome = docker.build(BuildRequest(tmp_path, tmp_path / "Dockerfile", "img:1",
                                        build_args={"PIP_INDEX": "https://pypi.example"}), 30)
    built = dumped(tmp_path / "env")

    assert outcome.ok
    for env in (saved, built):
        assert_clean(env)
        assert {k: env.get(k) for k in ("DOCKER_HOST", "DOCKER_CONFIG", "BUILDX_BUILDER")} == {
            "DOCKER_HOST": "unix:///run/other.sock",
            "DOCKER_CONFIG": str(tmp_path / "docker-config"), "BUILDX_BUILDER": "ci"}
    assert "PIP_INDEX" not in saved
    assert built["PIP_INDEX"] == "https://pypi.example"  # the build arg, set on purpose
