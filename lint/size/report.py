"""The size report's data (pure): per image, each side's sizes, the layer alignment, waste and
budget breaches. ``lint.sinks.size`` renders it as markdown and JSON."""

from __future__ import annotations

from dataclasses import dataclass, field

from lint.finding import Finding
from lint.size.align import Alignment
from lint.size.budget import Breach
from lint.size.definition import Origin


@dataclass(frozen=True)
class Side:
    """One build of one image."""

    size: int
    base_image: int
    own: int
    compressed: int | None = None  # only for layers not shared with the other side
    waste: int = 0
    seconds: float = 0.0
    compressed_exact: bool = False  # registry blob sizes; else a gzip -6 estimate


@dataclass(frozen=True)
class WasteRow:
    bytes: int
    files: int
    largest: str
    kind: str
    created: str  # "line 3 (RUN …)" or "the base image"
    removed: str
    codes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Failure:
    side: str  # "base" or "head"
    log_tail: str  # already scrubbed of secrets and build-arg values
    timed_out: bool = False


@dataclass(frozen=True)
class Source:
    """Where one side's image came from: ``built`` here from the tree at ``commit``,
    ``prebuilt`` (already in the engine as ``reference``, built by an earlier step), or
    ``registry`` (read from its registry as ``reference``, resolved to ``digest``)."""

    kind: str  # "built", "prebuilt" or "registry"
    commit: str | None = None
    reference: str | None = None
    revision: str | None = None  # its org.opencontainers.image.revision label, if any
    digest: str | None = None  # registry: the manifest (or index) the reference resolved to
    platform: str | None = None  # registry: the platform compared
    revision_from: str = "label"  # registry: "label", "tag" (a commit-named tag) or ""
    downloaded: int | None = None  # registry: compressed layer bytes read (the head lacked them)
    # built: the compose or bake definition it was built from, when not the head's as it is
    definition: Origin | None = None


@dataclass(frozen=True)
class ImageResult:
    name: str
    dockerfile: str
    context: str
    target: str | None
    status: str  # compared, unchanged, new, head-only, failed, error, skipped
    base: Side | None = None
    head: Side | None = None
    alignment: Alignment | None = None
    compressed_delta: int | None = None
    failure: Failure | None = None
    waste: tuple[WasteRow, ...] = ()
    breaches: tuple[Breach, ...] = ()
    note: str = ""
    head_source: Source | None = None
    base_source: Source | None = None
    # A registry base's other platforms: (platform, exact compressed bytes), not compared.
    base_platforms: tuple[tuple[str, int], ...] = ()
    platform: str | None = None  # the platform it was built for, when one was named

    @property
    def compressed_exact(self) -> bool:
        """Both sides' compressed figures are registry blob sizes (not estimates)."""
        return (self.base is not None and self.head is not None
                and self.base.compressed_exact and self.head.compressed_exact)

    @property
    def delta(self) -> int | None:
        if self.base is None or self.head is None:
            return None
        return self.head.size - self.base.size


@dataclass
class SizeReport:
    """What the size step found (rendered by ``lint.sinks.size``)."""

    images: list[ImageResult] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    skipped: str | None = None
    builder: str | None = None
    engine: str | None = None  # the engine's version, as it answered
    store: str | None = None  # its image store: "classic (overlay2)", "containerd (overlayfs)"
    base_sha: str | None = None
    head_sha: str | None = None
    compared: bool = False
    minimum_change: int = 1024
    notes: list[str] = field(default_factory=list)
    builds: int = 0
    seconds: float = 0.0

    @property
    def delta_bytes(self) -> int:
        return sum(i.delta or 0 for i in self.images)

    @property
    def failed(self) -> bool:
        return any(i.breaches for i in self.images)
