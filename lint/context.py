"""The build-context edge: load what context-aware rules need, once per Dockerfile.

BuildKit reads ``<Dockerfile name>.dockerignore`` next to the Dockerfile in preference to the
context's ``.dockerignore`` (https://docs.docker.com/build/concepts/context/#filename-and-location).
The context listing is bounded and never follows symlinks.
"""

from __future__ import annotations

import os
from pathlib import Path

from lint.rules import RuleContext

MAX_CONTEXT_FILES = 20_000


def ignore_file(dockerfile: Path, context_dir: Path) -> Path | None:
    """The ignore file BuildKit would use for this Dockerfile and context, if any."""
    specific = dockerfile.parent / f"{dockerfile.name}.dockerignore"
    if specific.is_file() and _within(specific, dockerfile.parent):
        return specific
    general = context_dir / ".dockerignore"
    return general if general.is_file() and _within(general, context_dir) else None


def _within(path: Path, folder: Path) -> bool:
    """An ignore file that is a symlink leading out of its folder is never followed."""
    try:
        path.resolve().relative_to(folder.resolve())
    except (ValueError, OSError):
        return False
    return True


def list_files(context_dir: Path, limit: int = MAX_CONTEXT_FILES) -> frozenset[str] | None:
    """Relative POSIX paths of the context's files (``.git`` contents left out but ``.git``
    itself listed); ``None`` when there are more than ``limit``."""
    out: set[str] = set()
    for dirpath, dirnames, filenames in os.walk(context_dir, followlinks=False):
        rel_dir = Path(dirpath).relative_to(context_dir)
        if ".git" in dirnames:
            out.add((rel_dir / ".git").as_posix())
            dirnames.remove(".git")
        skipped = [d for d in dirnames if d in ("node_modules", "__pycache__")
                   or (Path(dirpath) / d / "pyvenv.cfg").is_file()]
        out.update((rel_dir / name).as_posix() + "/" for name in skipped)
        dirnames[:] = [d for d in dirnames if d not in skipped]
        for name in filenames:
            out.add((rel_dir / name).as_posix())
            if len(out) > limit:
                return None
    return frozenset(out)


def load(dockerfile: Path, context_dir: Path | None = None, target: str | None = None,
         pin_exempt: tuple[str, ...] = (), trusted_registries: tuple[str, ...] = ()) -> RuleContext:
    context_dir = context_dir or dockerfile.parent
    ignore = ignore_file(dockerfile, context_dir)
    text = None
    if ignore is not None:
        try:
            text = ignore.read_text(encoding="utf-8", errors="replace")
        except OSError:
            text = None
    return RuleContext(
        target=target,
        context_dir=str(context_dir),
        dockerignore=text,
        dockerignore_name=ignore.name if ignore else None,
        context_files=list_files(context_dir) if context_dir.is_dir() else None,
        pin_exempt=pin_exempt,
        trusted_registries=trusted_registries,
    )
