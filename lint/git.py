"""The git edge: one work tree, ``safe.directory`` set for it, one named error.

Inside a Docker action the checkout belongs to another uid, so every git command runs with
``-c safe.directory=<workspace>``. Both the pull-request logic (``lint.github``) and the size step
(``lint.size``) read the repository through this module.
"""

from __future__ import annotations

import io
import os
import subprocess
import tarfile
from collections.abc import Mapping, Sequence
from pathlib import Path

from lint.diff import Change, FileLines, parse_name_status, parse_unified
from lint.subprocess_env import allowed

GIT_TIMEOUT = 120.0


class GitError(Exception):
    """A git command failed: the command (without secrets), exit code and end of stderr."""

    def __init__(self, args: Sequence[str], code: int, stderr: str) -> None:
        self.command = "git " + " ".join(args)
        self.code = code
        self.stderr = stderr.strip()[-500:]
        super().__init__(f"{self.command} exited with {code}: {self.stderr}")


class Git:
    """git in one work tree, with ``safe.directory`` set for it. git runs with an allow-listed
    environment (``lint.subprocess_env``) and only the ``GIT_*`` variables set here: the
    credentials actions/checkout configures live in git config, not in the environment."""

    def __init__(self, workspace: Path, env: Mapping[str, str] | None = None) -> None:
        self.workspace = workspace
        self._env = allowed(os.environ if env is None else env,
                            extra={"GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"})

    def run(self, *args: str, check: bool = True, ok: tuple[int, ...] = (0,)) -> bytes:
        command = ["git", "-c", f"safe.directory={self.workspace}", "-c", "core.quotePath=false",
                   *args]
        try:
            proc = subprocess.run(command, cwd=self.workspace, env=self._env,
                                  capture_output=True, timeout=GIT_TIMEOUT, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise GitError(args, -1, str(exc)) from None
        if check and proc.returncode not in ok:
            raise GitError(args, proc.returncode, proc.stderr.decode("utf-8", "replace"))
        return proc.stdout

    def is_repo(self) -> bool:
        try:
            top = self.run("rev-parse", "--show-toplevel").decode().strip()
        except GitError:
            return False
        return Path(top).resolve() == self.workspace.resolve()

    def has_commit(self, sha: str) -> bool:
        try:
            self.run("cat-file", "-e", f"{sha}^{{commit}}")
        except GitError:
            return False
        return True

    def head(self) -> str | None:
        try:
            return self.run("rev-parse", "HEAD").decode().strip()
        except GitError:
            return None

    def ensure_commit(self, sha: str, fetch: bool) -> bool:
        """Is ``sha`` here, fetching it (one commit deep) when allowed?"""
        if self.has_commit(sha):
            return True
        if not fetch:
            return False
        try:
            self.run("fetch", "--depth=1", "--no-tags", "--no-recurse-submodules", "origin", sha)
        except GitError:
            return False
        return self.has_commit(sha)

    def changed(self, base: str) -> list[Change]:
        """Files changed from ``base`` to what is checked out (tracked files)."""
        out = self.run("diff", "--name-status", "-z", "-M", "--no-ext-diff", base, "--")
        return parse_name_status(out.decode("utf-8", "surrogateescape"))

    def show(self, sha: str, path: str) -> bytes | None:
        try:
            kind = self.run("cat-file", "-t", f"{sha}:{path}").decode().strip()
        except GitError:
            return None
        if kind != "blob":
            return None
        return self.run("cat-file", "blob", f"{sha}:{path}")

    def exists(self, sha: str, path: str) -> bool:
        try:
            self.run("cat-file", "-e", f"{sha}:{path}" if path else f"{sha}^{{tree}}")
        except GitError:
            return False
        return True

    def archive(self, sha: str, paths: Sequence[str], dest: Path) -> None:
        """Write ``paths`` (directories or files) as of ``sha`` under ``dest``."""
        wanted = [p for p in dict.fromkeys(paths) if self.exists(sha, p)]
        if not wanted:
            return
        spec = ["."] if "" in wanted else wanted
        data = self.run("archive", "--format=tar", sha, "--", *spec)
        extract_safely(data, dest)

    def diff_lines(self, old: Path | None, new: Path) -> FileLines:
        """Changed lines of ``new`` against ``old`` (``None``: the file is new)."""
        if old is None:
            return FileLines(whole=True)
        out = self.run("diff", "--no-index", "--no-color", "--no-ext-diff", "-U3", "--",
                       str(old), str(new), ok=(0, 1))
        return parse_unified(out.decode("utf-8", "replace"))


def extract_safely(data: bytes, dest: Path) -> None:
    """Unpack a tar into ``dest``; links that would lead outside it are left out."""
    dest.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        for member in tar.getmembers():
            try:
                tar.extract(member, dest, filter="data")
            except (tarfile.FilterError, OSError):
                continue
