"""Fixtures for the size tests: a local busybox base image and throwaway git repositories.

Docker tests need a running engine and the 20.10 client (``/usr/bin/docker``, BuildKit); they
skip with the reason otherwise. The base image is imported once per session from Debian's
``busybox-static`` binary, so its size is known to the byte.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from lint.dockerfile import Dockerfile, parse

DOCKER = os.environ.get("DOCKER", "/usr/bin/docker")
BASE = "local/busybox:size-tests"
BUSYBOX = Path("/bin/busybox")
APPLETS = ("sh", "head", "rm", "cp", "chown", "mkdir", "cat", "echo", "true", "false", "dd")
PASSWD = b"root:x:0:0:root:/root:/bin/sh\n"


def base_image_bytes() -> int:
    """What the imported base weighs: the binary, one symlink per applet, /etc/passwd."""
    return BUSYBOX.stat().st_size + len("busybox") * len(APPLETS) + len(PASSWD)


def _engine_reason() -> str | None:
    if not Path(DOCKER).exists():
        return f"{DOCKER} is not installed"
    if not BUSYBOX.is_file():
        return "busybox-static is not installed"
    proc = subprocess.run([DOCKER, "version", "--format", "{{.Server.Version}}"],
                          capture_output=True, check=False, timeout=30)
    if proc.returncode != 0:
        return "no Docker engine answers (scripts/dockerd start)"
    return None


@pytest.fixture(scope="session")
def busybox_base(tmp_path_factory: pytest.TempPathFactory) -> str:
    reason = _engine_reason()
    if reason:
        pytest.skip(reason)
    root = tmp_path_factory.mktemp("rootfs")
    (root / "bin").mkdir()
    (root / "etc").mkdir()
    (root / "tmp").mkdir()
    shutil.copy2(BUSYBOX, root / "bin" / "busybox")
    for applet in APPLETS:
        (root / "bin" / applet).symlink_to("busybox")
    (root / "etc" / "passwd").write_bytes(PASSWD)
    tar = subprocess.run(["tar", "-C", str(root), "-c", "."], capture_output=True, check=True)
    subprocess.run([DOCKER, "import", "-", BASE], input=tar.stdout, capture_output=True,
                   check=True, timeout=120)
    return BASE


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
