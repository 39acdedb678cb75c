"""The size step: pick images, build head and base, measure, align, check budgets.

Builds only under ``pull_request``, ``push`` and ``merge_group`` (with a delta) and
``workflow_dispatch``/``schedule`` (sizes only). ``pull_request_target`` and ``workflow_run``
run with a write token next to code a fork controls: building it would run that code, so the
step refuses. Head is the checked-out tree; base a ``git worktree`` at the base commit (fetched
one commit deep when the checkout is shallow). An image defined by a compose or bake file that
the change touches is built at the base from the base tree's own definition, read and evaluated
there as the head's is (``images.defined_at``), matched by its identity and chosen by
``lint.size.definition``; a base path that resolves out of the base tree is never built. Head
builds first, so the base build reuses the builder cache up to the first instruction that
differs. A failed build is reported as such and the other images still report; without an engine
the step says why it skipped. An image naming several platforms is one job per platform
(``images.expand_platforms``), each built with ``--platform`` on both sides, or its base read
for that platform from the registry index (a platform the index lacks: new at the base).

A base named as a published image (``base-image``) is not built: it is read from its registry
(``lint.size.registry``), only its layers the head lacks are downloaded, and its revision is
compared with the base commit. A base of another commit is shown with a note, and the budget
that compares with it (``max-size-increase``) is not checked.
"""

from __future__ import annotations

import functools
import platform
import posixpath
import secrets
import tempfile
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from lint.dockerfile import Dockerfile, DockerfileError, parse
from lint.engine import READ_CAP, guard, lines_where, stamped
from lint.finding import Finding
from lint.git import Git, GitError
from lint.size import align, bakefile, budget, platforms, progress, waste
from lint.size import definition as _definition
from lint.size.docker import BuildOutcome, BuildRequest, Docker, DockerError
from lint.size.images import (
    Definitions,
    Image,
    affected,
    build_of,
    clean,
    content_hash,
    defined_at,
    expand_platforms,
    ignore_at,
    select,
)
from lint.size.measure import Archive, MeasureError
from lint.size.measure import Image as Measured
from lint.size.published import Published
from lint.size.registry import (
    Client,
    Credentials,
    PlatformMissing,
    RegistryError,
    read_docker_config,
)
from lint.size.report import Failure, ImageResult, Side, SizeReport, Source, WasteRow
from lint.size.settings import SizeSettings

DELTA_EVENTS = ("pull_request", "push", "merge_group")
SIZE_ONLY_EVENTS = ("workflow_dispatch", "schedule")
REFUSED_EVENTS = ("pull_request_target", "workflow_run")
BUDGET = "DC501"  # the code of an exceeded image size budget
REVISION_LABEL = "org.opencontainers.image.revision"
#: Labels of the images built here, so that ``docker images`` / ``docker image inspect`` tell
#: them apart: which side, which image of the settings, which Dockerfile (and the revision).
SIDE_LABEL = "dockerfile-review.side"
IMAGE_LABEL = "dockerfile-review.image"
DOCKERFILE_LABEL = "dockerfile-review.dockerfile"

Say = Callable[[str], None]
T = TypeVar("T")


def build_labels(side: str, image: Image, commit: str | None) -> dict[str, str]:
    """The labels of one build: side, image name, Dockerfile path and, when known, the commit
    (``org.opencontainers.image.revision``)."""
    labels = {SIDE_LABEL: side, IMAGE_LABEL: image.name, DOCKERFILE_LABEL: image.dockerfile}
    if commit:
        labels[REVISION_LABEL] = commit
    return labels


def timed(say: Say | None, verb: str, past: str, subject: str, work: Callable[[], T],
          outcome: Callable[[T], str] = lambda _: "",
          interval: float = progress.INTERVAL) -> T:
    """Run ``work`` and say (``lint.size.progress``) when it starts, every ``interval``
    seconds while it runs, and how it ended (``outcome`` of its result: "" for success)."""
    if say is None:
        return work()
    start = time.monotonic()
    say(progress.running(verb, subject))
    stop = threading.Event()

    def tick() -> None:
        while not stop.wait(interval):
            say(progress.running(verb, subject, time.monotonic() - start))

    ticker = threading.Thread(target=tick, daemon=True)
    ticker.start()
    try:
        result = work()
    except BaseException:
        stop.set()
        ticker.join()
        say(progress.done(verb, subject, time.monotonic() - start, "failed"))
        raise
    stop.set()
    ticker.join()
    ended = outcome(result)
    say(progress.done(verb if ended else past, subject, time.monotonic() - start, ended))
    return result


@dataclass
class _Job:
    image: Image
    head_df: Dockerfile
    base_df: Dockerfile | None = None
    head_tag: str = ""
    base_tag: str = ""
    head_build: BuildOutcome | None = None
    base_build: BuildOutcome | None = None
    status: str = "compared"
    note: str = ""
    prebuilt: bool = False  # head_tag names an image already in the engine: never built here
    revision: str | None = None  # its org.opencontainers.image.revision label
    base_ref: str = ""  # the base is this published image, read from its registry
    base_image: Image | None = None  # the base's own definition, when it is not ``image``
    origin: _definition.Origin | None = None  # where that definition came from

    @property
    def base(self) -> Image:
        """What the base side builds: the base's own definition, else the head's."""
        return self.base_image or self.image


class _BaseTree:
    """The base commit's work tree, checked out when first needed (to read its compose and
    bake files, or to build), and the definitions read there (once per file or directory)."""

    def __init__(self, git: Git, sha: str, path: Path) -> None:
        self.git, self.sha, self.path = git, sha, path
        self.error: GitError | None = None
        self._defined: dict[_definition.Key, Definitions] = {}

    def checkout(self) -> None:
        """Check the base commit out (once); raises the ``GitError`` of a failed checkout."""
        if self.error is None and not self.path.exists():
            try:
                self.git.run("worktree", "add", "--detach", "--force", str(self.path), self.sha)
            except GitError as exc:
                self.error = exc
        if self.error is not None:
            raise self.error

    def defined(self, key: _definition.Key, settings: SizeSettings,
                notes: list[str]) -> Definitions:
        where = _definition.Key(key.kind, key.where, "")
        if where not in self._defined:
            try:
                self.checkout()
            except GitError as exc:
                self._defined[where] = Definitions(
                    key.where, failed=f"the base commit could not be checked out ({exc})")
            else:
                said: list[str] = []
                self._defined[where] = defined_at(key, self.path, said, settings.buildx_command)
                notes += [_base_note(note) for note in said]
        return self._defined[where]


def _base_note(note: str) -> str:
    """A note of reading the base tree's compose or bake files: the words the head's reading
    uses, except that what cannot be read there is not *used* (the head's definition stands in,
    or the image is new), rather than not measured."""
    for head_words, base_words in (("its images are not measured", "its definitions are not "
                                    "used"), (" is not measured", " is not used"),
                                   ("; not measured", "; not used")):
        note = note.replace(head_words, base_words)
    return f"base branch: {note}"


def _touched(key: _definition.Key, changed: list[str]) -> bool:
    """Did the change touch the files that define ``key`` (a bake file of its directory added,
    removed or edited counts)?"""
    if key.kind == "compose":
        return key.where in changed
    return any(posixpath.dirname(c) == key.where and posixpath.basename(c) in bakefile.BAKE_NAMES
               for c in changed)


def _base_definition(image: Image, key: _definition.Key, tree: _BaseTree,
                     settings: SizeSettings, notes: list[str]
                     ) -> tuple[bool, Image | None, _definition.Origin | None]:
    """The base tree's own definition of ``image`` (see ``lint.size.definition``): whether
    the base defines it at all (``False``: a new image), the base's image when it differs
    from the head's, and where the base's definition came from."""
    defined = tree.defined(key, settings, notes)
    name = image.defined_as
    found = defined.found(name, image.platform if image.family else None)
    files = defined.where if found.build is not None else ", ".join(image.defined_in)
    build, origin = _definition.choose(build_of(image), found, key.kind, files, name)
    if build is None:
        if image.family and name in defined.images:
            entry = "service" if key.kind == "compose" else "target"
            notes.append(f"image {image.name}: the base branch's {entry} {name} of "
                         f"{defined.where} is not built for {image.platform}; new at the base")
        return False, None, None
    if origin is None:
        return True, None, None
    if origin.tree == "head":
        return True, None, origin
    base = _replace_image(image, dockerfile=build.dockerfile, context=build.context,
                          target=build.target, build_args=dict(build.args),
                          platform=build.platform,
                          defined_in=defined.images[name].defined_in)
    return True, base, origin


def run_step(settings: SizeSettings, *, workspace: Path, event_name: str,
             base_sha: str | None, head_sha: str, changed: list[str] | None,
             dockerfiles: dict[str, Dockerfile], say: Say | None = None,
             interval: float = progress.INTERVAL,
             refused: Mapping[str, str] | None = None) -> SizeReport:
    """Build and measure. ``say``: where progress lines go (one call per line, from several
    threads one at a time), every ``interval`` seconds while a build or the read runs.
    ``refused``: Dockerfiles that did not pass the lint step's bounds (DC003), each with why;
    their images are not built and their rows say so."""
    started = time.monotonic()
    if say is not None:
        lock = threading.Lock()
        sink = say

        def say(line: str) -> None:
            with lock:
                sink(line)
    report = SizeReport(base_sha=base_sha, head_sha=head_sha,
                        minimum_change=settings.minimum_change)
    if not settings.enabled:
        report.skipped = "turned off (input size: false)"
        return report
    if event_name in REFUSED_EVENTS:
        report.skipped = (f"images are never built under {event_name}: it runs with a write "
                          "token next to code a fork controls. Run the size step from a "
                          "pull_request workflow.")
        return report
    if event_name not in DELTA_EVENTS + SIZE_ONLY_EVENTS:
        report.skipped = f"the {event_name or 'unnamed'} event does not build images"
        return report
    compare = event_name in DELTA_EVENTS and base_sha is not None
    if not compare:
        base_sha, changed = None, None
    docker = Docker(settings.docker_command)
    try:
        engine = docker.probe()
    except DockerError as exc:
        report.skipped = f"no Docker engine answered ({exc}); linting still reports"
        return report
    report.builder = engine.describe(settings.docker_command)
    report.engine, report.store = engine.server, engine.store
    git = Git(workspace)
    if compare and base_sha is not None and not git.ensure_commit(base_sha, fetch=True):
        report.notes.append(f"the base commit {base_sha[:12]} could not be fetched: sizes "
                            "without a delta")
        compare, base_sha, changed = False, None, None
    report.compared = compare
    with tempfile.TemporaryDirectory(prefix="dockerfile-review-size-") as tmp:
        worktree = Path(tmp) / "base"
        tree = _BaseTree(git, base_sha, worktree) if base_sha is not None else None
        jobs: list[_Job] = []
        client: Client | None = None
        try:
            jobs = _plan(settings, workspace, git, base_sha, head_sha, changed, dockerfiles,
                         report, refused or {}, tree)
            client = (_client(settings, workspace, report) if any(j.base_ref for j in jobs)
                      else None)
            if any(j.status == "compared" for j in jobs) and tree is not None:
                tree.checkout()
                _parse_bases(jobs, worktree)
            _check_prebuilt(docker, jobs)
            _build_all(docker, settings, jobs, workspace, worktree, report, say, interval)
            _measure_all(docker, settings, jobs, Path(tmp), report, client, say, interval)
        except GitError as exc:
            report.notes.append(f"git: {exc}")
        finally:
            if client is not None:
                client.close()
            if worktree.exists():
                git.run("worktree", "remove", "--force", str(worktree), check=False)
            # Only the tags made here: a prebuilt head belongs to the workflow.
            docker.remove([t for j in jobs for t in ("" if j.prebuilt else j.head_tag,
                                                      j.base_tag) if t])
    report.seconds = time.monotonic() - started
    return report


@dataclass(frozen=True)
class Planned:
    """One image as the step would build it: its status so far, and each side's definition
    (``base`` ``None``: not built at the base), with where the base's came from."""

    status: str
    head: Image
    base: Image | None
    origin: _definition.Origin | None


def plan(settings: SizeSettings, *, workspace: Path, base_sha: str, head_sha: str,
         changed: list[str], dockerfiles: dict[str, Dockerfile]
         ) -> tuple[list[Planned], SizeReport]:
    """What a ``pull_request`` comparison would build, without an engine: the images to
    build with each side's definition (the base's read from the base commit's own compose and
    bake files), and the report of those left out (``images``) and the notes."""
    report = SizeReport(base_sha=base_sha, head_sha=head_sha)
    git = Git(workspace)
    with tempfile.TemporaryDirectory(prefix="dockerfile-review-plan-") as tmp:
        tree = _BaseTree(git, base_sha, Path(tmp) / "base")
        try:
            jobs = _plan(settings, workspace, git, base_sha, head_sha, changed, dockerfiles,
                         report, {}, tree)
        finally:
            if tree.path.exists():
                git.run("worktree", "remove", "--force", str(tree.path), check=False)
    return [Planned(j.status, j.image, j.base if j.base_tag else None, j.origin)
            for j in jobs], report


def _plan(settings: SizeSettings, workspace: Path, git: Git, base_sha: str | None,
          head_sha: str, changed: list[str] | None, dockerfiles: Mapping[str, Dockerfile],
          report: SizeReport, refused: Mapping[str, str],
          tree: _BaseTree | None = None) -> list[_Job]:
    jobs: list[_Job] = []
    run_id = secrets.token_hex(4)
    selected = select(settings.images, workspace, {*dockerfiles, *refused}, report.notes,
                      settings.buildx_command)
    for given, field, key, entry in ((settings.head_image, "reference", "head-image", "image"),
                                     (settings.base_image, "base_reference", "base-image",
                                      "base-image")):
        if not given:
            continue
        if len(selected) == 1 and getattr(selected[0], field) is None:
            selected = [_replace_image(selected[0], **{field: given})]
        elif len(selected) != 1:
            report.notes.append(f"input {key} names one image but {len(selected)} are "
                                f"measured; it is not used (give each entry of images its own "
                                f"{entry}: instead)")
    selected = expand_platforms(selected, report.notes)
    for index, image in enumerate(selected):
        image = _with_budgets(image, settings)
        bounded = image.dockerfile in refused
        head_df = None if bounded else (dockerfiles.get(image.dockerfile)
                                        or _parse_disk(workspace, image.dockerfile))
        if head_df is None and not bounded:
            report.notes.append(f"image {image.name}: {image.dockerfile} is not a readable "
                                "Dockerfile at head; not measured")
            continue
        _, ignore_text = ignore_at(git, None, image, workspace)
        defined, base_image, origin = True, None, None
        identity = _definition.key(image.source, image.defined_in, image.defined_as)
        if (tree is not None and changed is not None and identity is not None
                and not image.base_reference and not bounded and _touched(identity, changed)):
            # The change edits what defines this image: the base is what the base's own
            # definition builds (untouched files define the same build on both sides). Not for
            # an image the lint step's bounds keep from being built: nothing to build it for.
            defined, base_image, origin = _base_definition(image, identity, tree, settings,
                                                           report.notes)
        redefined = not defined or base_image is not None
        fallback = origin is not None and origin.tree == "head"
        if fallback:
            assert origin is not None
            entry = "service" if origin.kind == "compose" else "target"
            report.notes.append(
                f"image {image.name}: the base branch's definition ({entry} {image.name} of "
                f"{origin.files}) could not be used: {origin.why}; the head's definition "
                "stands for both sides")
        if changed is not None and not redefined and not affected(image, changed, ignore_text):
            why = "no change to its Dockerfile or context"
            if fallback:
                why += ("; its definition changed, which alone is not measured (the base "
                        "branch's could not be used)")
            report.images.append(_quiet(image, why))
            continue
        if head_df is None:
            report.images.append(_skipped(image, refused[image.dockerfile]))
            continue
        job = _Job(image, head_df, head_tag=f"dockerfile-review-size:{run_id}-{index}-head",
                   base_image=base_image, origin=origin)
        if image.reference:
            job.head_tag, job.prebuilt = image.reference, True
        if base_sha is not None:
            head_hash = content_hash(git, head_sha, image) if git.has_commit(head_sha) else None
            base_hash = content_hash(git, base_sha, job.base) if defined else None
            if base_hash is None:
                job.status = "new"
            elif head_hash is not None and head_hash == base_hash:
                report.images.append(_quiet(image, "same content hash at base and head"))
                continue
            elif image.base_reference:
                job.base_ref = image.base_reference  # read from its registry, not built
            else:
                job.base_tag = f"dockerfile-review-size:{run_id}-{index}-base"
        else:
            job.status = "head-only"
        jobs.append(job)
    return jobs


def _client(settings: SizeSettings, workspace: Path, report: SizeReport) -> Client:
    auths = {}
    if settings.docker_config:
        try:
            auths = read_docker_config(Path(settings.docker_config), workspace)
        except RegistryError as exc:
            report.notes.append(str(exc))
    credentials = Credentials(settings.registry_username, settings.registry_password, auths,
                              settings.github_token, settings.github_actor or "x-access-token")
    return Client(credentials, max_layer_bytes=settings.registry_max_download,
                  deadline=settings.build_timeout)


def _with_budgets(image: Image, settings: SizeSettings) -> Image:
    return _replace_image(image, budgets=settings.budgets.merged(image.budgets))


def _replace_image(image: Image, **changes: object) -> Image:
    from dataclasses import replace

    return replace(image, **changes)  # type: ignore[arg-type]


def _check_prebuilt(docker: Docker, jobs: list[_Job]) -> None:
    """A prebuilt head the engine has counts as built (no seconds); one it lacks is an error
    of that image alone, and its base is not built either."""
    for job in jobs:
        if not job.prebuilt:
            continue
        try:
            labels = docker.labels(job.head_tag)
        except DockerError:
            job.status, job.base_tag, job.base_ref = "error", "", ""
            job.note = (f"head image {job.head_tag} is not in the engine (build it with "
                        "load: true, or correct the reference)")
            continue
        job.revision = labels.get(REVISION_LABEL) or None
        job.head_build = BuildOutcome(True, 0.0, "")


def stale(revision: str | None, head_sha: str) -> bool:
    """Does the image's revision label name another commit than the head? (A label of at
    least 7 hex digits that is a prefix of the head commit, or the other way round, matches.)"""
    if not revision:
        return False
    a, b = revision.strip().lower(), head_sha.strip().lower()
    return not (len(a) >= 7 and len(b) >= 7 and (a.startswith(b) or b.startswith(a)))


def _quiet(image: Image, why: str) -> ImageResult:
    return ImageResult(image.name, image.dockerfile, image.context, image.target, "unchanged",
                       note=f"not built: {why}", platform=image.platform)


def _skipped(image: Image, why: str) -> ImageResult:
    return ImageResult(image.name, image.dockerfile, image.context, image.target, "skipped",
                       note=f"not built: the lint step did not pass it ({why})",
                       platform=image.platform)


def _parse_disk(root: Path, path: str) -> Dockerfile | None:
    """A Dockerfile the lint step did not parse (an image's from compose or ``images``, a base
    version), under the lint step's bounds (``engine.guard``): ``None`` if it is over one."""
    disk = root / path
    if not disk.is_file() or disk.is_symlink():
        return None
    try:
        with disk.open("rb") as handle:
            data = handle.read(READ_CAP + 1)
        if guard(path, data, len(data)) is not None:
            return None
        return parse(path, data)
    except (OSError, DockerfileError):
        return None


def _parse_bases(jobs: list[_Job], worktree: Path) -> None:
    for job in jobs:
        if job.base_tag or job.base_ref:
            base = job.base
            if clean(base.context, worktree) is None or clean(base.dockerfile, worktree) is None:
                # A symlink of the base tree that leads out of it: never followed.
                job.status, job.base_tag, job.base_ref = "error", "", ""
                job.note = ("the base tree's context or Dockerfile resolves outside the "
                            "repository; not built")
                continue
            job.base_df = _parse_disk(worktree, base.dockerfile)
            if job.base_df is None:
                job.status, job.base_tag, job.base_ref = "new", "", ""


def _build_all(docker: Docker, settings: SizeSettings, jobs: list[_Job], workspace: Path,
               worktree: Path, report: SizeReport, say: Say | None = None,
               interval: float = progress.INTERVAL) -> None:
    lock = threading.Lock()

    def build(job: _Job) -> None:
        if job.status == "error":
            return
        for side, root in (("head", workspace), ("base", worktree)):
            image = job.image if side == "head" else job.base
            tag = job.head_tag if side == "head" else job.base_tag
            if not tag or (side == "head" and job.prebuilt):
                continue
            commit = report.head_sha if side == "head" else report.base_sha
            request = BuildRequest(root / image.context if image.context else root,
                                   root / image.dockerfile, tag, image.target, image.platform,
                                   image.build_args, build_labels(side, image, commit))
            outcome = timed(
                say, "building", "built", progress.build_subject(side, image.name,
                                                                 image.dockerfile),
                functools.partial(docker.build, request, settings.build_timeout),
                lambda o: "" if o.ok else "timed out" if o.timed_out else "failed", interval)
            with lock:
                report.builds += 1
            if side == "head":
                job.head_build = outcome
            else:
                job.base_build = outcome

    with ThreadPoolExecutor(max_workers=settings.max_parallel_builds) as pool:
        list(pool.map(build, jobs))


def _measure_all(docker: Docker, settings: SizeSettings, jobs: list[_Job], tmp: Path,
                 report: SizeReport, client: Client | None = None, say: Say | None = None,
                 interval: float = progress.INTERVAL) -> None:
    tags = [t for j in jobs for t, b in ((j.head_tag, j.head_build), (j.base_tag, j.base_build))
            if t and b is not None and b.ok]
    archive: Archive | None = None
    if tags:
        path = tmp / "images.tar"
        try:
            count = f"{len(tags)} image{'s' if len(tags) != 1 else ''}"
            timed(say, "reading", "read", f"{count} from the engine (docker save)",
                  lambda: docker.save(tags, path, settings.build_timeout), interval=interval)
            archive = Archive(path)
        except (DockerError, MeasureError) as exc:
            report.notes.append(f"could not read the built images: {exc}")
    try:
        for job in jobs:
            report.images.append(_result(job, archive, settings, report, client))
    finally:
        if archive is not None:
            archive.close()


def _result(job: _Job, archive: Archive | None, settings: SizeSettings,
            report: SizeReport, client: Client | None = None) -> ImageResult:
    image = job.image
    head_source = (Source("prebuilt", reference=job.head_tag, revision=job.revision)
                   if job.prebuilt else Source("built", commit=report.head_sha))
    base_source = (Source("built", commit=report.base_sha, definition=job.origin)
                   if job.base_tag else None)
    result = ImageResult(image.name, image.dockerfile, image.context, image.target, job.status,
                         head_source=head_source, base_source=base_source,
                         platform=image.platform)
    if job.status == "error":
        return _replace(result, note=job.note, base_source=None)
    for side, outcome in (("head", job.head_build), ("base", job.base_build)):
        if outcome is not None and not outcome.ok:
            note = platforms.failure_note(side, (job.base if side == "base" else image).platform,
                                          _here(), outcome.log_tail)
            return _replace(result, status="failed",
                            failure=Failure(side, outcome.log_tail, outcome.timed_out), note=note)
    if archive is None or job.head_build is None:
        return _replace(result, status="error", note="not measured")
    try:
        head_img = archive.image(job.head_tag)
        base_img = archive.image(job.base_tag) if job.base_tag else None
    except MeasureError as exc:
        return _replace(result, status="error", note=str(exc))
    remote: Published | None = None
    if job.base_ref and client is not None:
        want = head_img.platform or image.platform or _here()
        try:
            remote = client.fetch(job.base_ref, {layer.diff_id: layer for layer in
                                                 head_img.layers}, want)
        except PlatformMissing as exc:
            # This platform is not published at the base: new there, like a new image.
            why = (f"the base image {job.base_ref} has no {want} image (it has "
                   f"{', '.join(exc.available) or 'none'}); new at the base")
            report.notes.append(f"image {image.name}: {why}")
            result = _replace(result, status="new", note=why)
        except RegistryError as exc:
            return _replace(result, status="error",
                            note=f"base image not read from its registry: {exc}")
        if remote is not None:
            base_img = remote.image
            # Of a platform's row, the platforms with rows of their own are not listed.
            named = image.platforms if image.family else ()
            result = _replace(result, base_source=Source(
                "registry", reference=job.base_ref, revision=remote.revision,
                digest=remote.digest, platform=remote.platform or None,
                revision_from=remote.revision_from, downloaded=remote.downloaded_bytes),
                base_platforms=tuple((o.platform, o.compressed) for o in remote.others
                                     if not any(platforms.matches(o.platform, p)
                                                for p in named)))
    head_attr = align.attribute(job.head_df, image.target, head_img)
    base_attr = (align.attribute(job.base_df, job.base.target, base_img)
                 if base_img is not None and job.base_df is not None else None)
    alignment = align.align(base_attr, head_attr)
    head_ids = {layer.diff_id for layer in head_img.layers}
    base_ids = {layer.diff_id for layer in base_img.layers} if base_img else set()
    only_head = [layer for layer in head_img.layers if layer.diff_id not in base_ids]
    only_base = ([layer for layer in base_img.layers if layer.diff_id not in head_ids]
                 if base_img else [])
    # Registry blobs are exact; a layer read from docker save is estimated (gzip -6).
    compressed = archive.compressed(only_head + ([] if remote else only_base))
    if remote is not None:
        compressed.update({layer.diff_id: remote.compressed[layer.diff_id]
                           for layer in only_base})
    head_waste = waste.analyse(head_img.layers)
    head_side = Side(head_img.size, head_attr.base_image, head_attr.own_size,
                     sum(compressed[layer.diff_id] for layer in only_head),
                     head_waste.bytes, job.head_build.seconds, compressed_exact=not only_head)
    base_side = None
    compressed_delta = None
    base_seconds = (job.base_build.seconds if job.base_build is not None
                    else 0.0 if remote is not None else None)
    if base_img is not None and base_attr is not None and base_seconds is not None:
        base_side = Side(base_img.size, base_attr.base_image, base_attr.own_size,
                         sum(compressed[layer.diff_id] for layer in only_base),
                         waste.analyse(base_img.layers).bytes, base_seconds,
                         compressed_exact=remote is not None or not only_base)
        compressed_delta = (head_side.compressed or 0) - (base_side.compressed or 0)
    findings_by_line = _size_findings(job.head_df, image.target)
    rows = _waste_rows(head_waste, head_img, job.head_df, image.target, findings_by_line)
    base_size = base_img.size if base_img is not None else None
    if remote is not None and stale(remote.revision, report.base_sha or ""):
        # A base of another commit: the growth from it is not this change's; never a failure.
        base_size = None
        how = REVISION_LABEL if remote.revision_from == "label" else "its tag"
        report.notes.append(
            f"image {image.name}: the base image {job.base_ref} was built from "
            f"{(remote.revision or '')[:12]} ({how}), not the base commit "
            f"{(report.base_sha or '')[:12]}; its sizes are shown, max-size-increase not checked")
    if job.prebuilt and stale(job.revision, report.head_sha or ""):
        # Measured all the same, but a budget never fails on an image of another commit.
        breaches: tuple[budget.Breach, ...] = ()
        report.notes.append(
            f"image {image.name}: the head image {job.head_tag} was built from "
            f"{(job.revision or '')[:12]} ({REVISION_LABEL}), not the head commit "
            f"{(report.head_sha or '')[:12]}; its sizes are shown, its budgets not checked")
    else:
        breaches, findings = budget_findings(image, job.head_df, head_img.size, base_size)
        report.findings += findings
    return _replace(result, base=base_side, head=head_side, alignment=alignment,
                    compressed_delta=compressed_delta, waste=rows, breaches=breaches)


def _here() -> str:
    """This machine's platform, as an engine here builds by default."""
    machine = platform.machine()
    arch = {"x86_64": "amd64", "aarch64": "arm64", "armv7l": "arm/v7"}.get(machine, machine)
    return f"linux/{arch}"


def budget_findings(image: Image, dockerfile: Dockerfile, head: int, base: int | None
                    ) -> tuple[tuple[budget.Breach, ...], list[Finding]]:
    """The budgets ``image`` exceeds at ``head`` bytes (grown from ``base``), and one DC501
    finding for each on the ``FROM`` line of the shipped stage."""
    breaches = tuple(budget.check(image.budgets, head, base))
    line = dockerfile.shipped_stage(image.target).line
    return breaches, [stamped(BUDGET, image.dockerfile, line, message=b.describe(image.name))
                      for b in breaches]


def _replace(result: ImageResult, **changes: object) -> ImageResult:
    from dataclasses import replace

    return replace(result, **changes)  # type: ignore[arg-type]


def _size_findings(dockerfile: Dockerfile, target: str | None) -> dict[int, list[str]]:
    return lines_where(waste.WASTE_CODES, dockerfile, target)


def _waste_rows(found: waste.Waste, image: Measured, dockerfile: Dockerfile,
                target: str | None, findings: Mapping[int, list[str]]) -> tuple[WasteRow, ...]:
    attributed = align.attribute(dockerfile, target, image)
    by_diff = {o.diff_id: o.instruction for o in attributed.own if o.diff_id}
    labels: dict[int, str] = {}
    lines: dict[int, int] = {}
    for index, layer in enumerate(image.layers):
        ins = by_diff.get(layer.diff_id)
        if ins is None:
            labels[index] = "the base image"
        else:
            labels[index] = f"line {ins.line} ({align.display(ins, 60)})"
            lines[index] = ins.line
    return tuple(
        WasteRow(o.bytes, o.files, o.largest, o.kind, labels[o.created], labels[o.removed],
                 tuple(waste.explained_by(o, lines, findings)))
        for o in found.offenders
    )
