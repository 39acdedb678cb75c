"""Which images to measure, and whether they changed at all.

Context and target come, in order, from the ``images`` input, from ``build:`` entries of compose
files in the repository (``context``, ``dockerfile``, ``target``, ``args``), else the
Dockerfile's own directory. An image is affected when its Dockerfile, its ignore file, or a file
of its context that ``.dockerignore`` does not exclude changed; an affected image whose content
hash (the git blob ids of the Dockerfile, the ignore file and every context file the ignore file
keeps, as of each commit) is the same at base and head is not built either.

Paths stay inside the repository: entries that leave it (``..``, absolute paths, symlinks that
resolve outside) are refused with a note.
"""

from __future__ import annotations

import hashlib
import os
import posixpath
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from lint import dockerignore as _dockerignore
from lint.git import Git, GitError
from lint.size.budget import Budgets
from lint.size.settings import ImageSpec

COMPOSE_NAMES = ("compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml")
_SKIP_DIRS = frozenset({".git", "node_modules", "__pycache__", ".venv", "venv"})
MAX_DEPTH = 6


@dataclass(frozen=True)
class Image:
    """One image to measure; paths are repository-relative POSIX (``""`` is the root)."""

    name: str
    dockerfile: str
    context: str
    target: str | None = None
    build_args: Mapping[str, str] = field(default_factory=dict, repr=False)
    platform: str | None = None
    budgets: Budgets = field(default_factory=Budgets)
    source: str = "dockerfile"  # "images", "compose" or "dockerfile"
    reference: str | None = None  # the head already built, in the engine under this tag
    base_reference: str | None = None  # the base published in a registry: read, not built

    def ignore_candidates(self) -> tuple[str, ...]:
        """BuildKit's order: ``<Dockerfile>.dockerignore``, then the context's ``.dockerignore``."""
        return (self.dockerfile + ".dockerignore", _join(self.context, ".dockerignore"))


def _join(directory: str, name: str) -> str:
    return posixpath.normpath(posixpath.join(directory, name)) if directory else name


def clean(path: str, workspace: Path) -> str | None:
    """A repository-relative POSIX path, or ``None`` when it leaves the repository."""
    if not path or posixpath.isabs(path) or Path(path).is_absolute():
        return None if path else ""
    norm = posixpath.normpath(path.replace("\\", "/"))
    if norm == ".":
        return ""
    if norm.startswith("../") or norm == "..":
        return None
    real = (workspace / norm).resolve()
    root = workspace.resolve()
    if real != root and root not in real.parents:
        return None
    return norm


def select(specs: Sequence[ImageSpec] | None, workspace: Path, dockerfiles: Iterable[str],
           notes: list[str]) -> list[Image]:
    """The images to consider (not yet narrowed to the changed ones)."""
    if specs is not None:
        out = []
        for spec in specs:
            dockerfile = clean(spec.dockerfile, workspace)
            context = clean(spec.context if spec.context is not None
                            else posixpath.dirname(spec.dockerfile), workspace)
            if dockerfile is None or context is None:
                notes.append(f"image {spec.name}: its dockerfile or context is outside the "
                             "repository; not measured")
                continue
            out.append(Image(spec.name, dockerfile, context, spec.target, spec.build_args,
                             spec.platform, spec.budgets, "images", spec.image,
                             spec.base_image))
        return out
    from_compose = compose_images(workspace, notes)
    covered = {i.dockerfile for i in from_compose}
    rest = [Image(_name_for(path), path, posixpath.dirname(path))
            for path in sorted(dockerfiles) if path not in covered]
    return from_compose + rest


def _name_for(dockerfile: str) -> str:
    return dockerfile


def compose_files(workspace: Path) -> list[Path]:
    found: list[Path] = []
    root = workspace.resolve()
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        depth = len(Path(dirpath).relative_to(root).parts)
        dirnames[:] = sorted(d for d in dirnames if d not in _SKIP_DIRS and depth < MAX_DEPTH)
        for name in sorted(filenames):
            if name in COMPOSE_NAMES and not (Path(dirpath) / name).is_symlink():
                found.append(Path(dirpath) / name)
    return found


def compose_images(workspace: Path, notes: list[str]) -> list[Image]:
    out: list[Image] = []
    root = workspace.resolve()
    for path in compose_files(workspace):
        where = path.relative_to(root).as_posix()
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            notes.append(f"{where}: not readable as YAML; its images are not measured")
            continue
        services = data.get("services") if isinstance(data, dict) else None
        if not isinstance(services, dict):
            continue
        base_dir = posixpath.dirname(where)
        for service, body in services.items():
            build = body.get("build") if isinstance(body, dict) else None
            image = _compose_image(str(service), build, base_dir, workspace, where, notes)
            if image is not None:
                out.append(image)
    return out


def _compose_image(service: str, build: Any, base_dir: str, workspace: Path, where: str,
                   notes: list[str]) -> Image | None:
    if build is None:
        return None
    if isinstance(build, str):
        build = {"context": build}
    if not isinstance(build, dict) or "dockerfile_inline" in build:
        return None
    context_raw = str(build.get("context") or ".")
    if "://" in context_raw or context_raw.startswith("git@"):
        notes.append(f"{where}: service {service} builds from a remote context; not measured")
        return None
    context = clean(_join(base_dir, context_raw), workspace)
    dockerfile = (clean(_join(context, str(build.get("dockerfile") or "Dockerfile")), workspace)
                  if context is not None else None)
    if context is None or dockerfile is None:
        notes.append(f"{where}: service {service} leaves the repository; not measured")
        return None
    args = build.get("args") or {}
    if isinstance(args, list):
        args = dict(str(a).partition("=")[::2] for a in args)
    build_args = ({str(k): "" if v is None else str(v) for k, v in args.items()}
                  if isinstance(args, dict) else {})
    target = str(build["target"]) if build.get("target") else None
    return Image(service, dockerfile, context, target, build_args,
                 str(build["platform"]) if build.get("platform") else None, Budgets(), "compose")


def affected(image: Image, changed: Sequence[str], ignore_text: str | None) -> bool:
    """Did a change touch what this image is built from?"""
    if image.dockerfile in changed or any(c in changed for c in image.ignore_candidates()):
        return True
    patterns = _dockerignore.parse(ignore_text or "")
    prefix = image.context + "/" if image.context else ""
    for path in changed:
        if prefix and not path.startswith(prefix):
            continue
        if not _dockerignore.excluded(path[len(prefix):], patterns):
            return True
    return False


def content_hash(git: Git, sha: str, image: Image) -> str | None:
    """A hash of what a build of ``image`` at ``sha`` reads, from git's blob ids;
    ``None`` when its Dockerfile is not there at ``sha``."""
    def blob(path: str) -> bytes | None:
        out = git.run("ls-tree", "-z", "--full-tree", sha, "--", path, check=False)
        return out.split(b"\t", 1)[0] if out else None

    dockerfile = blob(image.dockerfile)
    if dockerfile is None:
        return None
    ignore_path, ignore_text = ignore_at(git, sha, image)
    digest = hashlib.sha256()
    digest.update(b"dockerfile\0" + dockerfile + b"\0")
    digest.update(b"ignore\0" + ignore_path.encode() + b"\0" + (ignore_text or "").encode() + b"\0")
    patterns = _dockerignore.parse(ignore_text or "")
    spec = ["--", image.context] if image.context else []
    listing = git.run("ls-tree", "-r", "-z", "--full-tree", sha, *spec, check=False)
    prefix = image.context + "/" if image.context else ""
    for entry in sorted(listing.split(b"\0")):
        if not entry:
            continue
        meta, _, raw = entry.partition(b"\t")
        path = raw.decode("utf-8", "surrogateescape")
        relative = path[len(prefix):] if path.startswith(prefix) else path
        if _dockerignore.excluded(relative, patterns):
            continue
        digest.update(meta + b"\t" + raw + b"\0")
    return digest.hexdigest()


def ignore_at(git: Git, sha: str | None, image: Image, workspace: Path | None = None
              ) -> tuple[str, str | None]:
    """The ignore file BuildKit would use (its path and text), at ``sha`` or on disk."""
    for candidate in image.ignore_candidates():
        if sha is not None:
            try:
                data = git.show(sha, candidate)
            except GitError:
                data = None
        else:
            disk = (workspace or git.workspace) / candidate
            data = disk.read_bytes() if disk.is_file() and not disk.is_symlink() else None
        if data is not None:
            return candidate, data.decode("utf-8", "replace")
    return "", None
