"""The base of a comparison: which files a change touched, and their versions at the base.

``actions/checkout`` is shallow by default (one commit), so the base commit is fetched here
(``git fetch --depth=1 origin <sha>``, with the credentials checkout left in git config). When git
cannot give the base (no ``.git``, fetch refused, ``fetch-base: false``), the REST API is the
fallback (``pr_files`` + ``file_content``).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Protocol

from lint.diff import Change
from lint.git import Git
from lint.review import CONFIG_NAMES

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
    "PullFiles",
    "base_files_for",
    "inside",
    "mirror_names",
    "open_base",
    "write_base_from",
]
