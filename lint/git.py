"""The git edge: one work tree, ``safe.directory`` set for it, one named error.

Inside a Docker action the checkout belongs to another uid, so every git command runs with
``-c safe.directory=<workspace>``. Both the pull-request logic (``lint.github``) and the size step
(``lint.size``) read the repository through this module.
"""

from __future__ import annotations

import copy
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
    """Unpack a tar into ``dest``; links that would lead outside it are left out.

    tarfile's ``data`` filter (PEP 706) decides; Python before 3.11.4 (Debian 12 ships 3.11.2)
    lacks it, and there ``data_filter`` below applies the same rules."""
    dest.mkdir(parents=True, exist_ok=True)
    root = os.path.realpath(dest)
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        for member in tar.getmembers():
            try:
                if HAS_DATA_FILTER:
                    tar.extract(member, dest, filter="data")
                    continue
                safe = data_filter(member, root)
                if safe is None:
                    continue
                # No owner, and the mode the filter chose: tarfile before 3.11.4 cannot be told.
                if HAS_DATA_FILTER is not hasattr(tarfile, "data_filter"):
                    # Only tests take this path on a Python with filters: say "no filter".
                    tar.extract(safe, root, set_attrs=False, filter="fully_trusted")
                else:
                    tar.extract(safe, root, set_attrs=False)
                path = os.path.join(root, safe.name)
                if not safe.issym():
                    os.chmod(path, 0o755 if safe.mode is None else safe.mode)
                    os.utime(path, (safe.mtime, safe.mtime))
            except (getattr(tarfile, "FilterError", OSError), OSError):
                continue


HAS_DATA_FILTER = hasattr(tarfile, "data_filter")


def _inside(root: str, path: str) -> bool:
    return os.path.commonpath([root, os.path.realpath(path)]) == root


def data_filter(member: tarfile.TarInfo, root: str) -> tarfile.TarInfo | None:
    """What tarfile's ``data`` filter makes of ``member`` (a copy), or ``None`` where it refuses
    it: leading slashes dropped; a path, symlink or hard link leading outside ``root`` (a real
    path), an absolute link target, or a device or FIFO refused; permission bits only (no
    setuid, group/others lose write), owner read/write on files; directories get ``None``
    (``extract_safely`` makes them 0o755, as the filter's default mode does under umask 022)."""
    name = member.name.lstrip("/" + os.sep)
    where = os.path.join(root, name)
    if not name or os.path.isabs(name) or not _inside(root, where):
        return None
    if member.issym() or member.islnk():
        link = member.linkname
        if os.path.isabs(link):
            return None
        base = os.path.dirname(where) if member.issym() else root
        if not _inside(root, os.path.join(base, link)):
            return None
    elif not (member.isreg() or member.isdir()):
        return None
    safe = copy.copy(member)
    safe.name = name
    mode = member.mode & 0o755
    if member.isreg() or member.islnk():
        if not mode & 0o100:
            mode &= ~0o111
        safe.mode = mode | 0o600
    else:
        safe.mode = None  # type: ignore[assignment]  # as the filter: no mode of its own
    return safe
