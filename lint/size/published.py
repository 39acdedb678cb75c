"""A base image read from its registry instead of built (pure): the reference, which manifest of
an index is compared, the measured image made from manifest, config and layer sizes, and which
commit the image says it was built from.

The registry speaks the OCI distribution API (Docker Registry HTTP API v2): a reference resolves
to an image manifest, or to an index (OCI image index, Docker manifest list) of one manifest per
platform; an image manifest names its config blob and its layer blobs in order, with each blob's
exact byte ``size``; the config lists each layer's ``diff_id`` (the digest of the uncompressed
tar) in ``rootfs.diff_ids`` and the build steps in ``history``. ``lint.size.registry`` fetches
them; everything here decides from what was fetched.

**One definition of size on both sides.** A layer's on-disk size is its uncompressed tar's
regular files plus symlink targets, as ``lint.size.measure`` reads it from ``docker save``. A
base layer whose ``diff_id`` the head also has is the same tar, so its size is the head's; only
the base's other layers are downloaded and read (decompressed as they stream) to learn theirs.
A layer's compressed size is the manifest's blob ``size``: exact, what a pull downloads.

**Which platform.** Each row's head is built (or loaded) here for one platform (an image
naming several has a row per platform, ``lint.size.platforms``). Of an index, the
manifest of the head's platform is compared (os, architecture, and variant when both name one);
comparing another architecture would measure the architecture, not the change, and downloading
every platform's layers to learn on-disk sizes nobody compares is the cost this path exists to
avoid. The other platforms are listed with their exact compressed sizes, from their manifests
alone. Attestation manifests (``unknown/unknown``, ``vnd.docker.reference.type``) are never
platforms.

**Which commit.** The config's ``org.opencontainers.image.revision`` label, else a tag that
names a commit (``3f2a9c1`` or docker/metadata-action's ``sha-3f2a9c1``), is the image's
revision; it is compared with the base commit by the step.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from lint.size.measure import Image, Layer, history_of, platform_of

REVISION_LABEL = "org.opencontainers.image.revision"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
#: Sent as ``Accept`` when a manifest is fetched: everything this module can read.
MANIFEST_TYPES = (OCI_INDEX, DOCKER_LIST, OCI_MANIFEST, DOCKER_MANIFEST)
DOCKER_HUB = "docker.io"
DOCKER_HUB_API = "registry-1.docker.io"

_DIGEST = re.compile(r"^sha256:[a-f0-9]{64}$")
_DOMAIN = re.compile(r"^(?:localhost|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?)(?::[0-9]{1,5})?$")
_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
_PATH = re.compile(rf"^{_COMPONENT}(?:/{_COMPONENT})*$")
_TAG = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")
_COMMIT_TAG = re.compile(r"^(?:sha-)?([0-9a-f]{7,40})$")


class PublishedError(ValueError):
    """A reference, manifest or config this module cannot use; the message says which."""


@dataclass(frozen=True)
class Reference:
    """``registry/repository[:tag][@digest]`` in Docker's normal form (``app`` is
    ``docker.io/library/app:latest``)."""

    registry: str
    repository: str
    tag: str | None = None
    digest: str | None = None

    @property
    def api_host(self) -> str:
        """Where the API answers: Docker Hub's name differs from its host."""
        return DOCKER_HUB_API if self.registry == DOCKER_HUB else self.registry

    @property
    def selector(self) -> str:
        """What ``/v2/<name>/manifests/<selector>`` asks for: the digest if pinned."""
        return self.digest or self.tag or "latest"

    def __str__(self) -> str:
        return (f"{self.registry}/{self.repository}" + (f":{self.tag}" if self.tag else "")
                + (f"@{self.digest}" if self.digest else ""))


def parse_reference(text: str) -> Reference:
    """A reference in Docker's grammar (distribution's ``reference`` package), normalised."""
    raw = text.strip()
    name, _, digest = raw.partition("@")
    if digest and not _DIGEST.match(digest):
        raise PublishedError(f"{raw!r}: the digest is not sha256:<64 hex digits>")
    first, slash, rest = name.partition("/")
    if slash and ("." in first or ":" in first or first == "localhost"):
        registry, path = first, rest
    else:
        registry, path = DOCKER_HUB, name
    tag = None
    last = path.rsplit("/", 1)[-1]
    if ":" in last:
        path, _, tag = path.rpartition(":")
        if not _TAG.match(tag):
            raise PublishedError(f"{raw!r}: {tag!r} is not a tag")
    if registry == DOCKER_HUB and "/" not in path:
        path = "library/" + path
    if not _DOMAIN.match(registry) or not _PATH.match(path) or len(raw) > 512:
        raise PublishedError(f"{raw!r} is not an image reference (registry/name[:tag][@digest])")
    return Reference(registry, path, tag if tag or digest else "latest", digest or None)


def is_index(manifest: Mapping[str, Any]) -> bool:
    return "manifests" in manifest or manifest.get("mediaType") in (OCI_INDEX, DOCKER_LIST)


def _platform(descriptor: Mapping[str, Any]) -> str:
    where = descriptor.get("platform")
    return platform_of(where) if isinstance(where, dict) else ""


def platforms(index: Mapping[str, Any]) -> list[tuple[str, Mapping[str, Any]]]:
    """The image manifests of an index with their platforms, attestations left out."""
    out: list[tuple[str, Mapping[str, Any]]] = []
    for child in index.get("manifests") or []:
        if not isinstance(child, dict) or not isinstance(child.get("digest"), str):
            continue
        if (child.get("annotations") or {}).get("vnd.docker.reference.type"):
            continue  # an attestation manifest (provenance, SBOM), not a platform
        where = _platform(child)
        if where.startswith("unknown/"):
            continue
        out.append((where, child))
    return out


def choose(children: Sequence[tuple[str, Mapping[str, Any]]], want: str
           ) -> tuple[str, Mapping[str, Any]] | None:
    """The child for platform ``want`` (``os/arch[/variant]``); a variant counts only when
    both name one. ``None`` when the index has no such platform."""
    w_os, w_arch, *w_variant = want.split("/")
    for where, child in children:
        c_os, c_arch, *c_variant = (where or "//").split("/")
        if (c_os, c_arch) == (w_os, w_arch) and (not w_variant or not c_variant
                                                 or w_variant == c_variant):
            return where, child
    return None


@dataclass(frozen=True)
class Blob:
    """A layer blob as the manifest lists it."""

    digest: str
    size: int
    media_type: str


def layer_blobs(manifest: Mapping[str, Any]) -> tuple[Blob, ...]:
    out = []
    for layer in manifest.get("layers") or []:
        if not isinstance(layer, dict):
            raise PublishedError("a layer descriptor of the manifest is not an object")
        digest, size = layer.get("digest"), layer.get("size")
        if not isinstance(digest, str) or not _DIGEST.match(digest):
            raise PublishedError(f"a layer digest is not sha256: {str(digest)[:80]!r}")
        if not isinstance(size, int) or size < 0:
            raise PublishedError(f"layer {digest[:19]} has no size")
        out.append(Blob(digest, size, str(layer.get("mediaType") or "")))
    return tuple(out)


def config_digest(manifest: Mapping[str, Any]) -> tuple[str, int]:
    config = manifest.get("config")
    if not isinstance(config, dict) or not isinstance(config.get("digest"), str) \
            or not _DIGEST.match(config["digest"]) or not isinstance(config.get("size"), int):
        raise PublishedError("the manifest names no sha256 config blob with a size")
    return config["digest"], config["size"]


def diff_ids(config: Mapping[str, Any], blobs: Sequence[Blob]) -> tuple[str, ...]:
    ids = (config.get("rootfs") or {}).get("diff_ids") if isinstance(config, dict) else None
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise PublishedError("the config has no rootfs.diff_ids")
    if len(ids) != len(blobs):
        raise PublishedError(f"the manifest lists {len(blobs)} layers for {len(ids)} diff ids")
    return tuple(ids)


def to_fetch(ids: Sequence[str], blobs: Sequence[Blob], known: Mapping[str, Layer]
             ) -> list[tuple[str, Blob]]:
    """The layers whose size is not known from the head: each diff id once."""
    seen: set[str] = set()
    out = []
    for diff_id, blob in zip(ids, blobs, strict=True):
        if diff_id not in known and diff_id not in seen:
            seen.add(diff_id)
            out.append((diff_id, blob))
    return out


def image(config: Mapping[str, Any], ids: Sequence[str], layers: Mapping[str, Layer]) -> Image:
    """The measured image: every layer by diff id (the head's, or one read from its blob)."""
    ordered = tuple(layers[i] for i in ids)
    return Image(ordered, history_of(list(config.get("history") or []), len(ordered)),
                 platform_of(config))


def revision(config: Mapping[str, Any], reference: Reference) -> tuple[str | None, str]:
    """The commit the image says it was built from, and how it says so (``label``, ``tag``,
    or ``""`` with ``None``: it does not say)."""
    inner = config.get("config") if isinstance(config, dict) else None
    labels = (inner or {}).get("Labels") if isinstance(inner, dict) else None
    label = labels.get(REVISION_LABEL) if isinstance(labels, dict) else None
    if isinstance(label, str) and label.strip():
        return label.strip(), "label"
    match = _COMMIT_TAG.match(reference.tag or "")
    return (match.group(1), "tag") if match else (None, "")


@dataclass(frozen=True)
class Platform:
    """Another platform of the index: its exact compressed size (the sum of its blobs)."""

    platform: str
    compressed: int


@dataclass(frozen=True)
class Published:
    """A base image as read from its registry."""

    reference: str  # as the user wrote it
    digest: str  # of the manifest the reference resolved to (an index's, if it is one)
    platform: str  # of the compared image manifest ("" when it names none)
    image: Image
    compressed: Mapping[str, int]  # diff id -> the blob's exact bytes
    revision: str | None
    revision_from: str  # "label", "tag" or ""
    others: tuple[Platform, ...] = ()
    downloaded: tuple[str, ...] = ()  # layer digests read from the registry
    downloaded_bytes: int = 0


__all__ = ["MANIFEST_TYPES", "REVISION_LABEL", "Blob", "Platform", "Published",
           "PublishedError", "Reference", "choose", "config_digest", "diff_ids", "image",
           "is_index", "layer_blobs", "parse_reference", "platforms", "revision", "to_fetch"]
