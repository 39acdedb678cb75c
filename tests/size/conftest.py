"""Fixtures for the size tests: a local busybox base image and throwaway git repositories.

Docker tests run once per engine (fixture ``engine``): the 20.10 engine with the classic image
store (``scripts/dockerd``, client ``/usr/bin/docker`` with BuildKit) and Engine 26 with the
containerd image store (``scripts/engine26``, its docker 26 client with buildx). Without an
engine they skip with the reason, or fail under DOCKERFILE_REVIEW_REQUIRE_ENGINE=1. The base
image is imported into each engine once per session from Debian's ``busybox-static`` binary, so
its size is known to the byte.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from lint.dockerfile import Dockerfile, parse

DOCKER = os.environ.get("DOCKER", "/usr/bin/docker")  # the 20.10 client (classic engine)
BASE = "local/busybox:size-tests"
BUSYBOX = Path("/bin/busybox")
APPLETS = ("sh", "head", "rm", "cp", "chown", "mkdir", "cat", "echo", "true", "false", "dd")
PASSWD = b"root:x:0:0:root:/root:/bin/sh\n"
ROOT = Path(__file__).resolve().parents[2]
ENGINES = ("classic-20.10", "containerd-26")
_SNAPSHOTTER = "io.containerd.snapshotter.v1"
_REQUIRED = os.environ.get("DOCKERFILE_REVIEW_REQUIRE_ENGINE") == "1"


def base_image_bytes() -> int:
    """What the imported base weighs: the binary, one symlink per applet, /etc/passwd."""
    return BUSYBOX.stat().st_size + len("busybox") * len(APPLETS) + len(PASSWD)


@dataclass(frozen=True)
class Engine:
    """One engine under test. ``client`` runs ``binary`` against this engine alone (it sets
    DOCKER_HOST itself), so it serves as the size step's docker command, also from a
    subprocess whose environment is made from scratch."""

    name: str
    store: str  # "classic" or "containerd"
    binary: str
    host: str
    client: str
    version: str

    def docker(self, *args: str, stdin: bytes | None = None,
               timeout: float = 120) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run([self.client, *args], input=stdin, capture_output=True,
                              check=True, timeout=timeout)


def _where(name: str) -> tuple[str, str]:
    """The client binary and DOCKER_HOST of an engine: the 20.10 engine that scripts/dockerd
    starts on the default socket, or the one scripts/engine26 starts (its ``env``)."""
    if name == "classic-20.10":
        return DOCKER, os.environ.get("DOCKER_CLASSIC_HOST", "unix:///var/run/docker.sock")
    out = subprocess.run([str(ROOT / "scripts" / "engine26"), "env"], capture_output=True,
                         text=True, check=True, timeout=30).stdout
    env = dict(line.split("=", 1) for line in out.splitlines() if "=" in line)
    return env["DOCKER"], env["DOCKER_HOST"]


def _probe(name: str, binary: str, host: str) -> tuple[str | None, str]:
    """Why the engine cannot be tested (``None``: it can), and its version."""
    if not Path(binary).exists():
        return f"{binary} is not installed", ""
    if not BUSYBOX.is_file():
        return "busybox-static is not installed", ""
    env = {**os.environ, "DOCKER_HOST": host}
    start = "scripts/dockerd start" if name.startswith("classic") else "scripts/engine26 start"
    # Not ``info`` alone: the docker 26 client's ``info --format`` exits 0 without a daemon.
    for args in (["version", "--format", "{{.Server.Version}}"],
                 ["info", "--format", "{{json .}}"]):
        proc = subprocess.run([binary, *args], capture_output=True, env=env, check=False,
                              timeout=30)
        if proc.returncode != 0:
            return f"no Docker engine answers at {host} ({start})", ""
    info = json.loads(proc.stdout or b"{}")
    if info.get("ServerErrors"):
        return f"the engine at {host} answers with errors ({start})", ""
    version = str(info.get("ServerVersion", "?"))
    on_containerd = _SNAPSHOTTER in json.dumps(info.get("DriverStatus") or [])
    if on_containerd != name.startswith("containerd"):
        store = "the containerd" if on_containerd else "the classic"
        return f"the engine at {host} ({version}) uses {store} image store", version
    return None, version


@pytest.fixture(scope="session", params=ENGINES)
def engine(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Engine:
    """Each engine in turn; under DOCKERFILE_REVIEW_REQUIRE_ENGINE=1 (.ci/run) a missing one
    fails the tests that need it instead of skipping them."""
    name = str(request.param)
    binary, host = _where(name)
    reason, version = _probe(name, binary, host)
    if reason:
        if _REQUIRED:
            pytest.fail(f"{name}: {reason}", pytrace=False)
        pytest.skip(f"{name}: {reason}")
    client = tmp_path_factory.mktemp(f"engine-{name}") / "docker"
    client.write_text(f"#!/bin/sh\nDOCKER_HOST={shlex.quote(host)} "
                      f'exec {shlex.quote(binary)} "$@"\n')
    client.chmod(0o755)
    store = "containerd" if name.startswith("containerd") else "classic"
    return Engine(name, store, binary, host, str(client), version)


@pytest.fixture(scope="session")
def busybox_base(engine: Engine, tmp_path_factory: pytest.TempPathFactory) -> str:
    """``local/busybox:size-tests`` imported into ``engine`` (once per engine)."""
    root = tmp_path_factory.mktemp("rootfs")
    (root / "bin").mkdir()
    (root / "etc").mkdir()
    (root / "tmp").mkdir()
    shutil.copy2(BUSYBOX, root / "bin" / "busybox")
    for applet in APPLETS:
        (root / "bin" / applet).symlink_to("busybox")
    (root / "etc" / "passwd").write_bytes(PASSWD)
    tar = subprocess.run(["tar", "-C", str(root), "-c", "."], capture_output=True, check=True)
    engine.docker("import", "-", BASE, stdin=tar.stdout)
    return BASE


@pytest.fixture(scope="session")
def buildx() -> tuple[str, ...]:
    """Engine 26's buildx binary (installed by scripts/engine26 start, run by scripts/setup),
    run standalone: ``bake --print`` needs no engine."""
    out = subprocess.run([str(ROOT / "scripts" / "engine26"), "env"], capture_output=True,
                         text=True, check=True, timeout=30).stdout
    binary = dict(line.split("=", 1) for line in out.splitlines() if "=" in line)["BUILDX"]
    if not os.access(binary, os.X_OK):
        reason = f"{binary} is missing (scripts/engine26 start installs it)"
        if _REQUIRED:
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    return (binary,)


@dataclass
class Repo:
    """A git repository with a base commit and a head commit checked out."""

    path: Path
    base: str = ""
    head: str = ""

    def git(self, *args: str) -> str:
        return subprocess.run(
            ["git", "-c", "user.email=t@example.com", "-c", "user.name=t", *args],
            cwd=self.path, capture_output=True, check=True, text=True).stdout.strip()

    def write(self, files: dict[str, str | None]) -> None:
        for name, text in files.items():
            target = self.path / name
            if text is None:
                target.unlink(missing_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")

    def commit(self, files: dict[str, str | None]) -> str:
        self.write(files)
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", "change")
        return self.git("rev-parse", "HEAD")

    def changed(self) -> list[str]:
        return sorted(self.git("diff", "--name-only", self.base, self.head).splitlines())

    def dockerfiles(self) -> dict[str, Dockerfile]:
        out = {}
        for path in sorted(self.path.rglob("*Dockerfile*")):
            rel = path.relative_to(self.path).as_posix()
            if ".git/" not in rel and not rel.endswith(".dockerignore"):
                out[rel] = parse(rel, path.read_bytes())
        return out


@pytest.fixture
def make_repo(tmp_path: Path) -> Iterator[object]:
    def make(base: dict[str, str | None], head: dict[str, str | None]) -> Repo:
        repo = Repo(tmp_path / "repo")
        repo.path.mkdir()
        repo.git("init", "-q", "-b", "main")
        repo.base = repo.commit(base)
        repo.head = repo.commit(head)
        return repo

    yield make


@pytest.fixture
def registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """A real registry on loopback (Debian's ``docker-registry``) with bearer-token auth from
    a token server of the tests (``tests/size/registry_server.py``); user ``alice``."""
    from tests.size.registry_server import BINARY, run_registry

    if not Path(BINARY).exists():
        reason = "docker-registry is not installed (scripts/setup installs it)"
        if _REQUIRED:
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    yield from run_registry(tmp_path_factory.mktemp("registry"),
                            {"alice": "alice-password", "x-access-token": GITHUB_TOKEN})


#: The job token of the registry tests: the token server takes it as x-access-token's password.
GITHUB_TOKEN = "ghs_registryTestToken0123456789abcdefABCDEF"
