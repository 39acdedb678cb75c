"""Which images to measure, and whether they changed at all.

Context and target come, in order, from the ``images`` input, from ``build:`` entries of compose
files in the repository (``context``, ``dockerfile``, ``target``, ``args``) and the targets of
bake files (``docker-bake.hcl`` and the other names buildx reads: ``context``, ``dockerfile``,
``target``, ``args``, ``platforms``), else the Dockerfile's own directory.

Bake files are evaluated by ``docker buildx bake --print`` (``lint.size.buildx``: scrubbed
environment, bounded time and output) in their own directory, for the targets ``docker buildx
bake`` builds without arguments (the ``default`` group or target; without one, every target
that no other target inherits from). Without buildx, or when it fails, ``lint.size.bakefile``
reads the literal subset, and each target it cannot evaluate is left out with a note. Targets
with ``dockerfile-inline``, named ``contexts`` or a remote context are left out with a note; at
most ``MAX_BAKE_TARGETS`` per directory. An image naming several platforms (``images``'
``platforms``, bake's ``platforms``, compose's ``build.platforms``) becomes one image per
platform in ``expand_platforms`` (``lint.size.platforms``).

An image is affected when its Dockerfile, its ignore file, or a file of its context that
``.dockerignore`` does not exclude changed; an affected image whose content hash (the git blob
ids of the Dockerfile, the ignore file and every context file the ignore file keeps, as of each
commit) is the same at base and head is not built either.

Paths stay inside the repository: entries that leave it (``..``, absolute paths, symlinks that
resolve outside) are refused with a note.

``defined_at`` reads one compose file, or one directory's bake files, of another tree (the base
commit's) the same way, under the same bounds, for ``lint.size.definition`` to match the head's
images with; ``Definitions`` keeps what each name stands for there, or why it cannot be used.
The content hash includes the target, the build args and the platform: two sides that differ
there are two builds.
"""

from __future__ import annotations

import hashlib
import os
import platform as _platform
import posixpath
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from lint import dockerignore as _dockerignore
from lint.git import Git, GitError
from lint.size import bakefile, buildx, platforms
from lint.size import definition as _definition
from lint.size.budget import Budgets
from lint.size.settings import ImageSpec

COMPOSE_NAMES = ("compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml")
_SKIP_DIRS = frozenset({".git", "node_modules", "__pycache__", ".venv", "venv"})
MAX_DEPTH = 6
MAX_BAKE_TARGETS = 64  # per directory: each measured image costs two builds
MAX_BAKE_FILE = 1024 * 1024
MAX_COMPOSE_FILE = 1024 * 1024
_MACHINES = {"x86_64": "amd64", "amd64": "amd64", "aarch64": "arm64", "arm64": "arm64",
             "armv7l": "arm/v7", "ppc64le": "ppc64le", "s390x": "s390x", "riscv64": "riscv64"}


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
    source: str = "dockerfile"  # "images", "compose", "bake" or "dockerfile"
    reference: str | None = None  # the head already built, in the engine under this tag
    defined_in: tuple[str, ...] = ()  # the compose or bake files that define it
    base_reference: str | None = None  # the base published in a registry: read, not built
    platforms: tuple[str, ...] = ()  # several named: ``expand_platforms`` makes a row of each
    family: str = ""  # one platform's row (``platform``): the image's own name

    @property
    def defined_as(self) -> str:
        """The name its compose service or bake target has (a platform's row: its family's)."""
        return self.family or self.name

    def ignore_candidates(self) -> tuple[str, ...]:
        """BuildKit's order: ``<Dockerfile>.dockerignore``, then the context's ``.dockerignore``."""
        return (self.dockerfile + ".dockerignore", _join(self.context, ".dockerignore"))


@dataclass
class Definitions:
    """What one compose file, or one directory's bake files, define: images by service or
    target name, why the others are not usable (``refused``), why nothing could be read or
    evaluated (``failed``), and why a name not found may still be defined (``unknown``: a
    group the literal fallback could not follow)."""

    where: str
    images: dict[str, Image] = field(default_factory=dict)
    refused: dict[str, str] = field(default_factory=dict)
    failed: str = ""
    unknown: str = ""

    def found(self, name: str, platform: str | None = None) -> _definition.Found:
        """What ``name`` builds here. For one platform's row (``platform``): that platform, if
        this definition builds it (its ``platforms``, its one ``platform``, or none named: the
        machine's), else not defined (new at the base: another architecture is no base). For
        an image of one platform, of a definition naming several: the machine's (else the
        first)."""
        image = self.images.get(name)
        if image is not None:
            native = native_platform()
            if platform is not None:
                built = image.platforms or (image.platform or native,)
                if platform not in built:
                    return _definition.Found()
                image = replace(image, platform=platform, platforms=())
            elif image.platforms:
                chosen = native if native in image.platforms else image.platforms[0]
                image = replace(image, platform=chosen, platforms=())
            return _definition.Found(build_of(image))
        if self.failed:
            return _definition.Found(failed=self.failed)
        if name in self.refused:
            return _definition.Found(refused=self.refused[name])
        return _definition.Found(failed=self.unknown) if self.unknown else _definition.Found()


def build_of(image: Image) -> _definition.Build:
    return _definition.Build(image.dockerfile, image.context, image.target,
                             dict(image.build_args), image.platform)


def defined_at(key: _definition.Key, tree: Path, notes: list[str],
               buildx_command: Sequence[str] | None, *, timeout: float = buildx.TIMEOUT,
               max_output: int = buildx.MAX_OUTPUT) -> Definitions:
    """What ``tree`` (another checkout of the repository, such as the base's) defines at
    ``key``'s compose file or bake directory, read and evaluated as the head's are, with the
    same bounds: regular files only, no symlinked directory on the way, the same read caps,
    buildx's time and output bounds, paths confined to ``tree``. Nothing there: empty."""
    root = tree.resolve()
    where = clean(key.where, tree)
    here = root / key.where if key.where else root
    if where is None or here.resolve() != here:
        return Definitions(key.where, failed=f"{key.where} resolves outside the repository "
                                             "or through a symlink")
    if key.kind == "compose":
        if here.is_symlink():
            return Definitions(key.where, failed=f"{key.where} is a symlink, not read")
        if not here.is_file():
            return Definitions(key.where)
        return _compose_at(here, key.where, tree, notes)
    if not here.is_dir():
        return Definitions(key.where)
    paths = [here / name for name in bakefile.BAKE_NAMES
             if (here / name).is_file() and not (here / name).is_symlink()]
    if not paths:
        return Definitions(key.where)
    return _bake_at(here, paths, tree, notes, buildx_command, timeout, max_output)


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
           notes: list[str], buildx_command: Sequence[str] | None = None) -> list[Image]:
    """The images to consider (not yet narrowed to the changed ones). ``buildx_command``
    evaluates bake files (``None``: read them without buildx)."""
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
                             base_reference=spec.base_image, platforms=spec.platforms))
        return out
    from_compose = compose_images(workspace, notes)
    known = {_build_key(i) for i in from_compose}
    from_bake = [i for i in bake_images(workspace, notes, buildx_command)
                 if _build_key(i) not in known]
    covered = {i.dockerfile for i in from_compose + from_bake}
    rest = [Image(_name_for(path), path, posixpath.dirname(path))
            for path in sorted(dockerfiles) if path not in covered]
    return from_compose + from_bake + rest


def _build_key(image: Image) -> tuple[object, ...]:
    """Two entries with this key build the same image (compose and bake naming one build)."""
    return (image.dockerfile, image.context, image.target, tuple(sorted(image.build_args.items())),
            image.platform, image.platforms)


def expand_platforms(images: Sequence[Image], notes: list[str]) -> list[Image]:
    """Each image naming several platforms as one image per platform (``lint.size.platforms``:
    named ``app (linux/arm64)``, at most ``MAX_PLATFORMS``). A head already built (``image:``,
    ``head-image``) is one image in the engine: it is measured for its own platform only."""
    out: list[Image] = []
    for image in images:
        if not image.platforms or image.family:
            out.append(image)
            continue
        if image.reference is not None:
            notes.append(f"image {image.name}: the head already built ({image.reference}) is "
                         f"measured for its own platform only, not for each of "
                         f"{', '.join(image.platforms)}")
            out.append(replace(image, platforms=()))
            continue
        rows, note = platforms.expand(image.name, image.platforms)
        if note:
            notes.append(note)
        kept = tuple(platform for _, platform in rows)
        out += [replace(image, name=name, platform=platform, platforms=kept, family=image.name)
                for name, platform in rows]
    return out


def _name_for(dockerfile: str) -> str:
    return dockerfile


def compose_files(workspace: Path) -> list[Path]:
    return [path for _, paths in _named_files(workspace, COMPOSE_NAMES) for path in paths]


def _named_files(workspace: Path, names: Sequence[str]) -> list[tuple[Path, list[Path]]]:
    """Per directory (symlinked directories not entered), its regular files called one of
    ``names`` (symlinks left out), in the order of ``names``."""
    found: list[tuple[Path, list[Path]]] = []
    root = workspace.resolve()
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        depth = len(Path(dirpath).relative_to(root).parts)
        dirnames[:] = sorted(d for d in dirnames if d not in _SKIP_DIRS and depth < MAX_DEPTH)
        here = set(filenames)
        paths = [Path(dirpath) / name for name in names if name in here
                 and not (Path(dirpath) / name).is_symlink() and (Path(dirpath) / name).is_file()]
        if paths:
            found.append((Path(dirpath), paths))
    return found


def bake_images(workspace: Path, notes: list[str], buildx_command: Sequence[str] | None,
                *, timeout: float = buildx.TIMEOUT, max_output: int = buildx.MAX_OUTPUT
                ) -> list[Image]:
    """The images of every directory's bake files (see the module's docstring)."""
    out: list[Image] = []
    for directory, paths in _named_files(workspace, bakefile.BAKE_NAMES):
        out += _bake_at(directory, paths, workspace, notes, buildx_command, timeout,
                        max_output).images.values()
    return out


def _bake_at(directory: Path, paths: Sequence[Path], workspace: Path, notes: list[str],
             buildx_command: Sequence[str] | None, timeout: float, max_output: int
             ) -> Definitions:
    """One directory's bake files (``paths``, regular files in buildx's order) read and
    evaluated: their images by target name, and why the others are not usable."""
    root = workspace.resolve()
    base_dir = directory.relative_to(root).as_posix()
    base_dir = "" if base_dir == "." else base_dir
    where = ", ".join(_join(base_dir, p.name) for p in paths)
    texts: list[tuple[str, str]] = []
    for path in paths:
        try:
            if path.stat().st_size > MAX_BAKE_FILE:
                raise ValueError(f"larger than {MAX_BAKE_FILE:,} bytes")
            texts.append((path.name, path.read_bytes().decode("utf-8")))
        except (OSError, ValueError) as exc:
            notes.append(f"{_join(base_dir, path.name)}: not readable ({exc}); the images "
                         "of its directory's bake files are not measured")
            return Definitions(where, failed=f"{_join(base_dir, path.name)} is not readable "
                                             f"({exc})")
    return _bake_directory(texts, directory, base_dir, where, workspace, notes,
                           buildx_command, timeout, max_output)


def _bake_directory(texts: Sequence[tuple[str, str]], directory: Path, base_dir: str,
                    where: str, workspace: Path, notes: list[str],
                    buildx_command: Sequence[str] | None, timeout: float, max_output: int
                    ) -> Definitions:
    definition: bakefile.BakeDefinition | None = None
    unreadable = ""
    try:
        definition = bakefile.read(texts)
    except bakefile.BakeFileError as exc:
        unreadable = str(exc)
    requested = definition.requested() if definition is not None else []
    targets: list[bakefile.BakeTarget] | None = None
    why_not = "no buildx was given"
    out = Definitions(where)
    if buildx_command:
        try:
            printed = buildx.bake_print(buildx_command, directory, [n for n, _ in texts],
                                        requested, timeout=timeout, max_output=max_output)
            targets = bakefile.targets_of(printed)
        except buildx.BuildxError as exc:
            why_not = f"buildx: {exc}"
    if targets is None:
        if definition is None:
            notes.append(f"{where}: {why_not}; not readable without buildx either "
                         f"({unreadable}); its images are not measured")
            out.failed = f"{why_not}; not readable without buildx either ({unreadable})"
            return out
        notes.append(f"{where}: evaluated without buildx ({why_not}): literal values only")
        targets, unresolved = definition.resolve(requested)
        notes += [f"{where}: {text}" for text in unresolved]
        groups = [text for text in unresolved if text.startswith("group ")]
        if groups:  # a target missing here may be in that group: unknown, not absent
            out.unknown = f"evaluated without buildx ({why_not}): {'; '.join(groups)}"
    images: list[Image] = []
    defined_in = tuple(_join(base_dir, name) for name, _ in texts)
    for target in sorted(targets, key=lambda t: t.name):
        image = _bake_image(target, base_dir, workspace, where, notes, out.refused)
        if image is not None:
            images.append(replace(image, defined_in=defined_in))
    if len(images) > MAX_BAKE_TARGETS:
        notes.append(f"{where}: {len(images)} targets; only the first {MAX_BAKE_TARGETS} by "
                     "name are measured")
        out.refused.update({i.name: f"over the {MAX_BAKE_TARGETS} targets per directory"
                            for i in images[MAX_BAKE_TARGETS:]})
        images = images[:MAX_BAKE_TARGETS]
    out.images.update((i.name, i) for i in images)
    return out


def _bake_image(target: bakefile.BakeTarget, base_dir: str, workspace: Path, where: str,
                notes: list[str], refused: dict[str, str]) -> Image | None:
    def skip(why: str) -> None:
        notes.append(f"{where}: target {target.name} is not measured: {why}")
        refused[target.name] = why

    if target.unevaluated:
        skip(f"without buildx it cannot be evaluated ({'; '.join(target.unevaluated)})")
        return None
    if target.inline:
        skip("its Dockerfile is inline (dockerfile-inline)")
        return None
    raw = target.context.removeprefix("cwd://")
    if "://" in raw or raw.startswith("git@"):
        skip("it builds from a remote context")
        return None
    if target.named_contexts:
        skip(f"it uses named contexts ({', '.join(target.named_contexts)}), which the size step "
             "does not pass to its builds")
        return None
    context = _inside(raw, base_dir, workspace)
    dockerfile = (_inside(target.dockerfile, context, workspace)
                  if context is not None else None)
    if context is None or dockerfile is None:
        skip("its context or Dockerfile is outside the repository")
        return None
    try:
        several = platforms.parse(list(target.platforms))
    except platforms.PlatformsError as exc:
        skip(f"platforms: {exc}")
        return None
    return Image(target.name, dockerfile, context, target.target, dict(target.args),
                 several[0] if len(several) == 1 else None, Budgets(), "bake",
                 platforms=several if len(several) > 1 else ())


def _inside(path: str, directory: str, workspace: Path) -> str | None:
    """``path`` (relative to ``directory``, or absolute) as a repository-relative path, or
    ``None`` when it leaves the repository (symlinks resolved)."""
    if posixpath.isabs(path):
        root = workspace.resolve()
        try:
            path = Path(os.path.normpath(path)).relative_to(root).as_posix()
        except ValueError:
            return None
        return clean(path, workspace)
    return clean(_join(directory, path), workspace)


def native_platform() -> str:
    """This machine's platform as ``docker build --platform`` names it."""
    machine = _platform.machine().lower()
    return f"linux/{_MACHINES.get(machine, machine)}"


def compose_images(workspace: Path, notes: list[str]) -> list[Image]:
    out: list[Image] = []
    root = workspace.resolve()
    for path in compose_files(workspace):
        out += _compose_at(path, path.relative_to(root).as_posix(), workspace,
                           notes).images.values()
    return out


def _compose_at(path: Path, where: str, workspace: Path, notes: list[str]) -> Definitions:
    """One compose file's images by service name, and why the others are not usable."""
    out = Definitions(where)
    try:
        if path.stat().st_size > MAX_COMPOSE_FILE:
            raise ValueError(f"larger than {MAX_COMPOSE_FILE:,} bytes")
        data = yaml.safe_load(path.read_bytes().decode("utf-8"))
    except (OSError, ValueError, yaml.YAMLError) as exc:
        too_large = isinstance(exc, ValueError) and str(exc).startswith("larger than")
        why = str(exc) if too_large else "not readable as YAML"
        notes.append(f"{where}: {why}; its images are not measured")
        out.failed = f"{where} is {why}"
        return out
    services = data.get("services") if isinstance(data, dict) else None
    if not isinstance(services, dict):
        return out
    base_dir = posixpath.dirname(where)
    for service, body in services.items():
        build = body.get("build") if isinstance(body, dict) else None
        image = _compose_image(str(service), build, base_dir, workspace, where, notes,
                               out.refused)
        if image is not None:
            out.images[image.name] = image
    return out


def _compose_image(service: str, build: Any, base_dir: str, workspace: Path, where: str,
                   notes: list[str], refused: dict[str, str]) -> Image | None:
    if build is None:
        return None
    if isinstance(build, str):
        build = {"context": build}
    if not isinstance(build, dict):
        refused[service] = "its build is neither a context nor a mapping"
        return None
    if "dockerfile_inline" in build:
        refused[service] = "its build is not a context and a Dockerfile (dockerfile_inline)"
        return None
    context_raw = str(build.get("context") or ".")
    if "://" in context_raw or context_raw.startswith("git@"):
        notes.append(f"{where}: service {service} builds from a remote context; not measured")
        refused[service] = "it builds from a remote context"
        return None
    context = clean(_join(base_dir, context_raw), workspace)
    dockerfile = (clean(_join(context, str(build.get("dockerfile") or "Dockerfile")), workspace)
                  if context is not None else None)
    if context is None or dockerfile is None:
        notes.append(f"{where}: service {service} leaves the repository; not measured")
        refused[service] = "its context or Dockerfile is outside the repository"
        return None
    args = build.get("args") or {}
    if isinstance(args, list):
        args = dict(str(a).partition("=")[::2] for a in args)
    build_args = ({str(k): "" if v is None else str(v) for k, v in args.items()}
                  if isinstance(args, dict) else {})
    target = str(build["target"]) if build.get("target") else None
    try:
        several = platforms.parse(build.get("platforms"))
    except platforms.PlatformsError as exc:
        notes.append(f"{where}: service {service}: platforms: {exc}; not measured")
        refused[service] = f"its platforms are not a list of platforms ({exc})"
        return None
    single = str(build["platform"]) if build.get("platform") else None
    if len(several) == 1 and single is None:
        single, several = several[0], ()
    return Image(service, dockerfile, context, target, build_args, single, Budgets(), "compose",
                 defined_in=(where,), platforms=several if single is None else ())


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
    # What else decides the build: two sides that differ here are two builds.
    digest.update(repr((image.target, sorted(image.build_args.items()),
                        image.platform)).encode() + b"\0")
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
