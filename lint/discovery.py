"""Find Dockerfiles under the paths given, by every common name.

Names (case-insensitive): ``Dockerfile``, ``Dockerfile.*``, ``*.Dockerfile``, ``Containerfile``,
``Containerfile.*``, ``*.Containerfile``. Never ignore files (``.dockerignore``,
``Dockerfile.dockerignore``), docs, templates or source files (``dockerfile.go``). ``.git``,
``node_modules``, virtualenvs and tool caches are skipped. Symlinks are never followed out of the
root; a symlinked directory is not entered at all; a file reached both directly and through a
symlink is listed once, under its own path. A file named explicitly is linted whatever
its name (as hadolint does), but still must stay inside the root, unless ``named_outside=True``
(the command line: the user named it), where it is linted under its absolute path.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from lint import globs

_STEMS = ("dockerfile", "containerfile")

#: ``Dockerfile.<ext>`` with these endings is not a Dockerfile (docs, templates, source, ignore
#: files, editor leftovers).
NOT_DOCKERFILE_SUFFIXES = frozenset(
    {
        "dockerignore", "containerignore", "md", "markdown", "txt", "rst", "adoc", "html",
        "j2", "jinja", "jinja2", "tmpl", "tpl", "template", "mustache", "erb", "in", "m4",
        "go", "py", "pyc", "js", "ts", "rs", "java", "rb", "sh", "ps1", "c", "h", "cs",
        "json", "yaml", "yml", "toml", "lock", "xml", "orig", "rej", "bak", "swp", "tmp",
        "diff", "patch", "log",
    }
)

SKIP_DIRS = frozenset(
    {".git", ".hg", ".svn", "node_modules", ".venv", "venv", "virtualenv", ".tox", ".nox",
     "__pycache__", ".mypy_cache", ".pytest_cache", ".ruff_cache", "site-packages"}
)


@dataclass(frozen=True)
class Found:
    """A Dockerfile: ``path`` relative to the root (POSIX) and its location on disk."""

    path: str
    disk: Path


@dataclass
class Discovery:
    files: list[Found] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def is_dockerfile_name(name: str) -> bool:
    """Does a file name look like a Dockerfile? (``tests/test_discovery.py`` lists the cases.)"""
    lower = name.lower()
    for stem in _STEMS:
        if lower == stem:
            return True
        if lower.startswith(stem + "."):
            rest = lower[len(stem) + 1 :]
            last = rest.rsplit(".", 1)[-1]
            return bool(rest) and last not in NOT_DOCKERFILE_SUFFIXES
        if lower.endswith("." + stem):
            head = lower[: -len(stem) - 1]
            return bool(head) and not head.endswith(".")
    return False


def glob_match(path: str, patterns: Iterable[str]) -> bool:
    """``include``/``exclude`` globs, with .gitignore's semantics (``lint.globs``)."""
    return globs.matches(path, patterns)


def _inside(root: Path, path: Path) -> bool:
    try:
        path.resolve().relative_to(root)
    except (ValueError, OSError):
        return False
    return True


def _is_venv(directory: Path) -> bool:
    return (directory / "pyvenv.cfg").is_file()


def discover(
    paths: Sequence[str | Path],
    root: Path,
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
    recursive: bool = True,
    named_outside: bool = False,
    base: Path | None = None,
) -> Discovery:
    """Dockerfiles under ``paths`` (files or directories), relative to ``root``.
    ``named_outside``: a file named in ``paths`` that leads outside ``root`` is linted under its
    absolute path instead of skipped with a note. ``base``: where relative ``paths`` start
    (default: ``root``; the command line passes its working directory)."""
    root = root.resolve()
    result = Discovery()
    seen: dict[Path, int] = {}

    def add(disk: Path, explicit: bool) -> None:
        if not _inside(root, disk):
            if explicit and named_outside:
                real = disk.resolve()
                named = Path(os.path.abspath(disk))
                try:
                    shown = named.relative_to(root).as_posix()
                except ValueError:
                    shown = named.as_posix()
                if real not in seen:
                    seen[real] = len(result.files)
                    result.files.append(Found(shown, disk))
                return
            result.notes.append(f"skipped {disk}: it leads outside {root}")
            return
        real = disk.resolve()
        if real in seen and not (result.files[seen[real]].disk.is_symlink()
                                 and not disk.is_symlink()):
            return
        try:
            rel = disk.absolute().relative_to(root).as_posix()
        except ValueError:
            rel = real.relative_to(root).as_posix()
        if not explicit:
            wanted = is_dockerfile_name(disk.name) or glob_match(rel, include)
            if not wanted:
                return
        if exclude and glob_match(rel, exclude):
            return
        if real in seen:
            # A file and a symlink to it inside the root: one entry, under the file's own path.
            result.files[seen[real]] = Found(rel, disk)
            return
        seen[real] = len(result.files)
        result.files.append(Found(rel, disk))

    for raw in paths or ["."]:
        start = Path(raw)
        if not start.is_absolute():
            start = (base or root) / start
        if not start.exists() and not start.is_symlink():
            result.errors.append(f"path not found: {raw}")
            continue
        if start.is_file() or (start.is_symlink() and not start.is_dir()):
            add(start, explicit=True)
            continue
        if not _inside(root, start):
            result.errors.append(f"path is outside the root {root}: {raw}")
            continue
        before = len(result.files)
        for dirpath, dirnames, filenames in os.walk(start, followlinks=False):
            current = Path(dirpath)
            dirnames[:] = sorted(
                d for d in dirnames
                if d not in SKIP_DIRS and not _is_venv(current / d)
                and not (current / d).is_symlink()
            )
            if not recursive and current != start:
                dirnames[:] = []
                continue
            for name in sorted(filenames):
                disk = current / name
                if disk.is_symlink() and not _inside(root, disk):
                    result.notes.append(
                        f"skipped symlink {disk.relative_to(root).as_posix()}: "
                        "it points outside the root"
                    )
                    continue
                if disk.is_file():
                    add(disk, explicit=False)
            if not recursive:
                dirnames[:] = []
        if len(result.files) == before:
            result.notes.append(f"no Dockerfiles found under {raw}")
    result.files.sort(key=lambda f: f.path)
    return result
