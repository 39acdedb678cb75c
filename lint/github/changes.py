"""What a change touched: changed files, changed lines, and the base versions of files.

The git edge. ``actions/checkout`` is shallow by default (one commit), so the base commit is
fetched here (``git fetch --depth=1 origin <sha>``, with the credentials checkout left in git
config). Inside a Docker action the checkout belongs to another uid, so every git command runs
with ``-c safe.directory=<workspace>``. When git cannot give the base (no ``.git``, fetch refused,
``fetch-base: false``), the REST API is the fallback (``pr_files`` + ``file_content``).

Changed lines always come from ``git diff --no-index`` between the base blob and the file on
disk, so they match exactly what was linted, whichever way the base arrived.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import tarfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Protocol

from lint.discovery import glob_match, is_dockerfile_name

GIT_TIMEOUT = 120.0
CONFIG_NAMES = (".hadolint.yaml", ".hadolint.yml")


class GitError(Exception):
    """A git command failed: the command (without secrets), exit code and end of stderr."""

    def __init__(self, args: Sequence[str], code: int, stderr: str) -> None:
        self.command = "git " + " ".join(args)
        self.code = code
        self.stderr = stderr.strip()[-500:]
        super().__init__(f"{self.command} exited with {code}: {self.stderr}")


@dataclass(frozen=True)
class Change:
    """One changed file. ``status``: added, modified, removed, renamed (``previous`` set)."""

    path: str
    status: str
    previous: str | None = None


Span = tuple[int, int]


@dataclass(frozen=True)
class FileLines:
    """Changed lines of one file, on the new side: ``added`` lines, and the hunks with their
    context (what ``diff_context`` accepts). ``whole``: every line counts (a new file)."""

    added: tuple[Span, ...] = ()
    context: tuple[Span, ...] = ()
    whole: bool = False

    def in_added(self, start: int, end: int) -> bool:
        return self.whole or _overlaps(self.added, start, end)

    def in_context(self, start: int, end: int) -> bool:
        return self.whole or _overlaps(self.context, start, end)


def _overlaps(spans: Iterable[Span], start: int, end: int) -> bool:
    return any(a <= end and start <= b for a, b in spans)


@dataclass
class Changes:
    """The changed files of a run and where they came from (``git`` or ``api``)."""

    files: list[Change] = field(default_factory=list)
    source: str = "git"
    notes: list[str] = field(default_factory=list)

    def by_path(self) -> dict[str, Change]:
        return {c.path: c for c in self.files}


# -- pure parsing --------------------------------------------------------------------------

_STATUS = {"A": "added", "M": "modified", "D": "removed", "R": "renamed", "C": "added",
           "T": "modified"}


def parse_name_status(output: str) -> list[Change]:
    """``git diff --name-status -z -M`` output (NUL-separated) to changes."""
    parts = output.split("\0")
    out: list[Change] = []
    i = 0
    while i < len(parts) and parts[i]:
        code = parts[i][0]
        if code in "RC":
            old, new = parts[i + 1], parts[i + 2]
            i += 3
            out.append(Change(new, _STATUS[code], old if code == "R" else None))
        else:
            out.append(Change(parts[i + 1], _STATUS.get(code, "modified")))
            i += 2
    return out


_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")


def _spans(lines: Iterable[int]) -> tuple[Span, ...]:
    out: list[list[int]] = []
    for n in sorted(set(lines)):
        if out and n == out[-1][1] + 1:
            out[-1][1] = n
        else:
            out.append([n, n])
    return tuple((a, b) for a, b in out)


def parse_unified(diff: str) -> FileLines:
    """Changed lines from one file's unified diff: ``+`` lines are added; each hunk's new-side
    range (its context lines included) is context. A pure deletion marks the line after it as
    context, so a finding where lines vanished is still "in the diff context"."""
    added: list[int] = []
    context: list[Span] = []
    new_line = 0
    in_hunk = False
    for line in diff.splitlines():
        match = _HUNK.match(line)
        if match:
            start = int(match.group(1))
            count = int(match.group(2)) if match.group(2) is not None else 1
            context.append((max(start, 1), max(start + count - 1, start, 1)))
            new_line = start
            in_hunk = True
            continue
        if not in_hunk:
            continue
        if line.startswith("+"):
            added.append(new_line)
            new_line += 1
        elif line.startswith(" "):
            new_line += 1
    return FileLines(added=_spans(added), context=tuple(sorted(set(context))))


# -- relevance (pure) ----------------------------------------------------------------------

def affected_dockerfiles(
    changes: Sequence[Change],
    dockerfiles: Iterable[str],
    config_file: str | None = None,
) -> dict[str, str]:
    """Which Dockerfiles (repository paths) a change set concerns, and why: ``changed`` (the
    file itself), ``dockerignore`` (its ``.dockerignore`` or ``<name>.dockerignore``) or
    ``config`` (the hadolint configuration)."""
    changed = {c.path for c in changes} | {c.previous for c in changes if c.previous}
    configs = {config_file} if config_file else set(CONFIG_NAMES)
    config_changed = bool(changed & configs)
    out: dict[str, str] = {}
    for path in dockerfiles:
        p = PurePosixPath(path)
        parent = "" if str(p.parent) == "." else f"{p.parent}/"
        if path in changed:
            out[path] = "changed"
        elif {f"{parent}.dockerignore", f"{parent}{p.name}.dockerignore"} & changed:
            out[path] = "dockerignore"
        elif config_changed:
            out[path] = "config"
    return out


def removed_dockerfiles(
    changes: Sequence[Change], include: Sequence[str], exclude: Sequence[str]
) -> list[str]:
    """Deleted files that discovery would have linted (a Dockerfile name or an ``include``
    glob, and no ``exclude`` glob): their base findings are fixed. (Changed and added files
    are narrowed by discovery itself: only discovered Dockerfiles are compared.)"""
    return [
        c.path for c in changes
        if c.status == "removed"
        and (is_dockerfile_name(PurePosixPath(c.path).name) or glob_match(c.path, include))
        and not (exclude and glob_match(c.path, exclude))
    ]


# -- the git edge --------------------------------------------------------------------------

class Git:
    """git in one work tree, with ``safe.directory`` set for it."""

    def __init__(self, workspace: Path, env: Mapping[str, str] | None = None) -> None:
        self.workspace = workspace
        self._env = {**(os.environ if env is None else env), "GIT_TERMINAL_PROMPT": "0",
                     "LC_ALL": "C"}

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


# -- base versions -------------------------------------------------------------------------

Fetcher = Callable[[str], bytes | None]


def base_files_for(dockerfile: str, config_names: Sequence[str]) -> list[str]:
    """What linting a Dockerfile at the base needs besides itself: its ignore files and the
    hadolint configuration (repository paths)."""
    p = PurePosixPath(dockerfile)
    parent = "" if str(p.parent) == "." else f"{p.parent}/"
    return [dockerfile, f"{parent}.dockerignore", f"{parent}{p.name}.dockerignore",
            *config_names]


def write_base_from(fetch: Fetcher, paths: Iterable[str], dest: Path) -> None:
    """The REST-API way: fetch each file (``None``: absent at the base) and write it."""
    for path in dict.fromkeys(paths):
        if not _safe_relative(path):
            continue
        data = fetch(path)
        if data is None:
            continue
        target = dest / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def mirror_names(source: Path, dest: Path, limit: int = 20_000) -> None:
    """Create an empty file in ``dest`` for each file name under ``source`` that ``dest``
    lacks (``.git`` left out, symlinks never followed, at most ``limit`` files)."""
    if not source.is_dir() or source.is_symlink():
        return
    count = 0
    for dirpath, dirnames, filenames in os.walk(source, followlinks=False):
        dirnames[:] = [d for d in dirnames if d != ".git"]
        rel = Path(dirpath).relative_to(source)
        for name in filenames:
            target = dest / rel / name
            if not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                target.touch()
            count += 1
            if count >= limit:
                return


def _safe_relative(path: str) -> bool:
    p = PurePosixPath(path)
    return bool(path) and not p.is_absolute() and ".." not in p.parts


def inside(root: Path, path: Path) -> bool:
    """Is ``path``, with every symlink resolved, inside ``root``?"""
    try:
        path.resolve().relative_to(root.resolve())
    except (ValueError, OSError):
        return False
    return True




# -- the base of a comparison: git first, the REST API second ----------------------------------

class PullFiles(Protocol):
    """What the REST fallback needs (``lint.github.api.Client`` has it)."""

    def pr_files(self, number: int) -> Sequence[Any]: ...

    def file_content(self, path: str, ref: str) -> bytes | None: ...


@dataclass
class BaseView:
    """The changed files and a way to write base versions of files into a directory."""

    changes: list[Change]
    source: str
    materialize: Callable[[Sequence[str], Path], None]
    notes: list[str] = field(default_factory=list)


def _parent(path: str) -> str:
    parent = str(PurePosixPath(path).parent)
    return "" if parent == "." else parent


def open_base(
    workspace: Path,
    base_sha: str,
    *,
    fetch: bool,
    pr_number: int | None,
    api: Callable[[], PullFiles] | None,
    config_names: Sequence[str] = CONFIG_NAMES,
) -> BaseView | None:
    """Git when the history is there (fetching the base commit when allowed), else the REST
    API for a pull request; ``None`` when neither can give the base."""
    git = Git(workspace)
    notes: list[str] = []
    if git.is_repo():
        if git.ensure_commit(base_sha, fetch):
            def from_git(dockerfiles: Sequence[str], dest: Path) -> None:
                # The Dockerfiles' directories (their default build contexts) and the config.
                git.archive(base_sha, [*(_parent(p) for p in dockerfiles), *config_names], dest)

            return BaseView(git.changed(base_sha), "git", from_git, notes)
        notes.append(f"base commit {base_sha[:12]} is not in the checkout"
                     + (" and could not be fetched" if fetch else " (fetch-base is off)"))
    if api is None or pr_number is None:
        return None
    client = api()
    changes = [Change(f.filename, str(f.status), f.previous_filename)
               for f in client.pr_files(pr_number)]

    def from_api(dockerfiles: Sequence[str], dest: Path) -> None:
        wanted = [p for d in dockerfiles for p in base_files_for(d, ())]
        write_base_from(lambda p: client.file_content(p, base_sha),
                        [*wanted, *config_names], dest)
        # Context-aware rules look at the names in the build context. The REST edge has no
        # tree listing, so the checkout's names stand in for the base's (as empty files).
        for d in dict.fromkeys(_parent(p) for p in dockerfiles):
            mirror_names(workspace / d, dest / d)

    notes.append("changed files from the REST API (no git history for the base)")
    return BaseView(changes, "api", from_api, notes)


__all__ = [
    "CONFIG_NAMES",
    "BaseView",
    "Change",
    "Changes",
    "FileLines",
    "Git",
    "GitError",
    "PullFiles",
    "affected_dockerfiles",
    "base_files_for",
    "extract_safely",
    "inside",
    "mirror_names",
    "open_base",
    "parse_name_status",
    "parse_unified",
    "removed_dockerfiles",
    "write_base_from",
]
