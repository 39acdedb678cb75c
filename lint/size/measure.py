"""Layers from a ``docker save`` archive: sizes, the instruction keyword behind each, file lists.

Why ``docker save``: it is the one view of an image that both image stores give alike (the
classic store and the containerd store, where ``docker image inspect`` reports differently).
Its ``manifest.json`` names each image's config and layer tars in order (the legacy format and
the OCI layout that newer engines write both carry it).

On-disk size of a layer is what the engine's overlay2 driver reports for it (moby's
``directory.Size``): the sizes of its regular files plus the target length of its symlinks,
each hard-linked file once; directories and whiteouts count nothing. The image's on-disk size
is the sum over its layers, which is ``docker image inspect``'s ``Size`` on the classic store.

The compressed size is an estimate: each layer tar gzipped at level 6 (the default of
``docker push``). Registries store exactly such blobs, but another compressor or level (zstd,
estargz) gives other numbers. Only the keyword of each history entry's ``created_by`` is kept:
its text carries build-arg values and is never shown.
"""

from __future__ import annotations

import json
import posixpath
import tarfile
import zlib
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

GZIP_LEVEL = 6
_CHUNK = 1 << 20
_WHITEOUT = ".wh."
_OPAQUE = ".wh..wh..opq"
_KEYWORDS = frozenset({
    "ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "HEALTHCHECK", "LABEL",
    "MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR",
})


class MeasureError(Exception):
    """A ``docker save`` archive this module cannot read."""


@dataclass(frozen=True)
class Layer:
    """One layer: its diff id, on-disk bytes, and what it holds (for the waste analysis).

    ``files`` maps paths (POSIX, no leading ``/``) to bytes; ``deleted`` are whiteouts (paths
    the layer removes from the layers below); ``opaque`` are directories it replaces whole."""

    diff_id: str
    size: int
    files: tuple[tuple[str, int], ...] = ()
    deleted: tuple[str, ...] = ()
    opaque: tuple[str, ...] = ()
    blob: str = ""  # path of the layer tar inside the archive


@dataclass(frozen=True)
class HistoryEntry:
    """One config history entry: the keyword of the instruction that made it (``""`` when
    unknown, e.g. an imported root filesystem) and the index of its layer (``None``: no layer)."""

    keyword: str
    layer: int | None


@dataclass(frozen=True)
class Image:
    layers: tuple[Layer, ...]
    history: tuple[HistoryEntry, ...]

    @property
    def size(self) -> int:
        return sum(layer.size for layer in self.layers)


def keyword_of(created_by: str) -> str:
    """The instruction keyword of a ``created_by`` text, from BuildKit (``RUN /bin/sh -c …``,
    ``COPY a b # buildkit``) or the legacy builder (``/bin/sh -c #(nop)  ENV …`` for
    metadata, ``/bin/sh -c …`` for RUN)."""
    text = created_by.strip()
    if text.startswith("/bin/sh -c #(nop)"):
        word = text[len("/bin/sh -c #(nop)"):].split(None, 1)
        return word[0].upper() if word and word[0].upper() in _KEYWORDS else ""
    word = text.split(None, 1)
    if word and word[0] in _KEYWORDS:
        return word[0]
    if text.startswith(("/bin/sh -c", "|")):
        return "RUN"
    return ""


def scan_layer(fileobj: IO[bytes], diff_id: str, blob: str) -> Layer:
    """Read one layer tar's headers (the file contents are skipped)."""
    size = 0
    files: dict[str, int] = {}
    deleted: list[str] = []
    opaque: list[str] = []
    head = fileobj.read(4)
    fileobj.seek(0)
    if head[:2] == b"\x1f\x8b":
        mode = "r:gz"
    elif head == b"\x28\xb5\x2f\xfd":
        raise MeasureError(f"layer {blob} is zstd-compressed, which this reader does not handle")
    else:
        mode = "r:"
    with tarfile.open(fileobj=fileobj, mode=mode) as tar:  # type: ignore[call-overload]
        for member in tar:
            raw = member.name[2:] if member.name.startswith("./") else member.name
            path = posixpath.normpath(raw).lstrip("/")
            if path in (".", ""):
                continue
            parent, name = posixpath.split(path)
            if name == _OPAQUE:
                opaque.append(parent)
                continue
            if name.startswith(_WHITEOUT):
                deleted.append(posixpath.join(parent, name[len(_WHITEOUT):]))
                continue
            if member.isreg():
                size += member.size
                files[path] = member.size
            elif member.issym():
                size += len(member.linkname.encode("utf-8", "surrogateescape"))
                files[path] = len(member.linkname.encode("utf-8", "surrogateescape"))
            elif member.islnk():
                files[path] = 0
    return Layer(diff_id, size, tuple(files.items()), tuple(deleted), tuple(opaque), blob)


class Archive:
    """An open ``docker save`` archive holding one or more tagged images."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self._tar = tarfile.open(path, "r:")
            manifest = self._json("manifest.json")
        except (OSError, tarfile.TarError, KeyError, ValueError) as exc:
            raise MeasureError(f"{path.name}: not a docker save archive ({exc})") from None
        if not isinstance(manifest, list):
            raise MeasureError("manifest.json is not a list")
        self._manifest: list[dict[str, Any]] = manifest
        self._layers: dict[str, Layer] = {}

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self._tar.close()

    def _json(self, name: str) -> Any:
        member = self._tar.extractfile(name)
        if member is None:
            raise KeyError(name)
        return json.loads(member.read().decode("utf-8"))

    def _entry(self, tag: str) -> dict[str, Any]:
        for entry in self._manifest:
            tags = entry.get("RepoTags") or []
            if tag in tags or any(t.endswith("/" + tag) or t == f"docker.io/{tag}" for t in tags):
                return entry
        raise MeasureError(f"{tag} is not in the archive")

    def image(self, tag: str) -> Image:
        entry = self._entry(tag)
        config = self._json(entry["Config"])
        diff_ids = list((config.get("rootfs") or {}).get("diff_ids") or [])
        blobs = list(entry.get("Layers") or [])
        if len(diff_ids) != len(blobs):
            raise MeasureError(f"{tag}: {len(blobs)} layer tars for {len(diff_ids)} diff ids")
        layers = tuple(self._layer(blob, diff_id) for blob, diff_id in zip(blobs, diff_ids,
                                                                           strict=True))
        return Image(layers, _history(config.get("history") or [], len(layers)))

    def _layer(self, blob: str, diff_id: str) -> Layer:
        if diff_id not in self._layers:
            fileobj = self._tar.extractfile(blob)
            if fileobj is None:
                raise MeasureError(f"layer {blob} is missing from the archive")
            self._layers[diff_id] = scan_layer(fileobj, diff_id, blob)
        return self._layers[diff_id]

    def compressed(self, layers: Sequence[Layer], workers: int = 2) -> dict[str, int]:
        """Estimated compressed bytes per diff id (zlib releases the GIL: threads use cores)."""
        unique = {layer.diff_id: layer for layer in layers}
        members = {d: self._tar.getmember(layer.blob) for d, layer in unique.items()}

        def one(diff_id: str) -> tuple[str, int]:
            member = members[diff_id]
            with open(self.path, "rb") as raw:
                raw.seek(member.offset_data)
                return diff_id, gzip_size(_limited(raw, member.size))

        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            return dict(pool.map(one, sorted(unique)))


def _limited(raw: IO[bytes], size: int) -> Iterator[bytes]:
    left = size
    while left > 0:
        chunk = raw.read(min(_CHUNK, left))
        if not chunk:
            break
        left -= len(chunk)
        yield chunk


def gzip_size(chunks: Iterator[bytes]) -> int:
    """Bytes of the gzip stream of ``chunks`` (level 6); an already gzipped blob is its size."""
    first = next(chunks, b"")
    if first[:2] == b"\x1f\x8b":
        return len(first) + sum(len(c) for c in chunks)
    compressor = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, 31)
    total = len(compressor.compress(first))
    for chunk in chunks:
        total += len(compressor.compress(chunk))
    return total + len(compressor.flush())


def _history(entries: list[dict[str, Any]], layer_count: int) -> tuple[HistoryEntry, ...]:
    out: list[HistoryEntry] = []
    index = 0
    for entry in entries:
        keyword = keyword_of(str(entry.get("created_by") or ""))
        if entry.get("empty_layer"):
            out.append(HistoryEntry(keyword, None))
        else:
            out.append(HistoryEntry(keyword, index if index < layer_count else None))
            index += 1
    if index != layer_count:
        # History that does not describe the layers (hand-made images): keep the layers,
        # attribute none of them.
        return tuple(HistoryEntry("", i) for i in range(layer_count))
    return tuple(out)
