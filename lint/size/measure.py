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

import hashlib
import io
import json
import posixpath
import tarfile
import zlib
from collections.abc import Collection, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import IO, Any, Protocol

GZIP_LEVEL = 6
_CHUNK = 1 << 20
_BUFSIZE = 64 << 10  # tarfile's stream buffer: each header read copies what is left of it
_SMALL = 1 << 20  # members up to this size are kept whole (manifest, configs, tiny layers)
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


class _Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


def scan_layer(fileobj: _Readable, diff_id: str, blob: str) -> Layer:
    """Read one layer tar's headers from a stream (the file contents are skipped)."""
    size = 0
    files: dict[str, int] = {}
    deleted: list[str] = []
    opaque: list[str] = []
    head = fileobj.read(4)
    if head[:2] == b"\x1f\x8b":
        mode = "r|gz"
    elif head == b"\x28\xb5\x2f\xfd":
        raise MeasureError(f"layer {blob} is zstd-compressed, which this reader does not handle")
    else:
        mode = "r|"
    with tarfile.open(fileobj=_Prefixed(head, fileobj), mode=mode,  # type: ignore[call-overload]
                      bufsize=_BUFSIZE) as tar:
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


class _Prefixed:
    """A stream with the bytes already read from it put back in front."""

    def __init__(self, head: bytes, rest: _Readable) -> None:
        self._head = head
        self._rest = rest

    def read(self, size: int = -1) -> bytes:
        if not self._head:
            return self._rest.read(size)
        if size < 0:
            data, self._head = self._head + self._rest.read(), b""
            return data
        data, self._head = self._head[:size], self._head[size:]
        return data + self._rest.read(size - len(data)) if size > len(data) else data


class _Tee:
    """A blob read once: its bytes hashed and kept (for the gzip estimate) as they pass."""

    def __init__(self, raw: IO[bytes]) -> None:
        self._raw = raw
        self.digest = hashlib.sha256()
        self.chunks: list[bytes] = []

    def read(self, size: int = -1) -> bytes:
        data = self._raw.read(size)
        self.digest.update(data)
        self.chunks.append(data)
        return data

    def drain(self) -> None:
        while self.read(_CHUNK):
            pass


class Archive:
    """A ``docker save`` archive of one or more tagged images, read once as a stream.

    The outer tar is read in order as the engine writes it; each layer tar's headers are read
    as its bytes pass. Manifest and configs come last in the legacy format, so which layer a
    blob is becomes known only at the end: each uncompressed blob is hashed on the way (its
    digest is its diff ID) and its bytes are kept for the gzip estimate only when that diff ID
    is in ``needed`` (``None``: every layer), gzipped on worker threads while reading goes on.
    """

    def __init__(self, stream: IO[bytes], needed: Collection[str] | None = None,
                 workers: int = 2) -> None:
        self._small: dict[str, bytes] = {}  # manifest, configs, and layers too small to matter
        self._links: dict[str, str] = {}
        self._scanned: dict[str, Layer | MeasureError] = {}
        self._gzip: dict[str, int] = {}  # blob -> estimated compressed bytes
        self._layers: dict[str, Layer] = {}  # diff id -> layer, each measured once
        pending: dict[str, Future[int]] = {}
        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            try:
                with tarfile.open(fileobj=stream, mode="r|",
                                  bufsize=_BUFSIZE) as tar:
                    for member in tar:
                        name = _key(member.name)
                        if member.issym():
                            self._links[name] = _key(posixpath.join(posixpath.dirname(name),
                                                                    member.linkname))
                        elif member.islnk():
                            self._links[name] = _key(member.linkname)
                        elif member.isreg():
                            fileobj = tar.extractfile(member)
                            if fileobj is None:
                                continue
                            if member.size <= _SMALL:
                                self._small[name] = fileobj.read()
                            else:
                                self._stream_layer(name, fileobj, needed, pool, pending)
            except (OSError, tarfile.TarError, EOFError) as exc:
                raise MeasureError(f"not a docker save archive ({exc})") from None
            self._gzip.update((name, future.result()) for name, future in pending.items())
        try:
            manifest = json.loads(self._member("manifest.json").decode("utf-8"))
        except (KeyError, ValueError) as exc:
            raise MeasureError(f"not a docker save archive (manifest.json: {exc})") from None
        if not isinstance(manifest, list):
            raise MeasureError("manifest.json is not a list")
        self._manifest: list[dict[str, Any]] = manifest

    def _stream_layer(self, name: str, fileobj: IO[bytes], needed: Collection[str] | None,
                      pool: ThreadPoolExecutor, pending: dict[str, Future[int]]) -> None:
        tee = _Tee(fileobj)
        try:
            self._scanned[name] = scan_layer(tee, "", name)
        except (MeasureError, tarfile.TarError, OSError, EOFError) as exc:
            self._scanned[name] = (exc if isinstance(exc, MeasureError)
                                   else MeasureError(f"layer {name} is not a tar ({exc})"))
        tee.drain()
        chunks, tee.chunks = tee.chunks, []
        if chunks and chunks[0][:2] == b"\x1f\x8b":
            self._gzip[name] = sum(len(c) for c in chunks)
        elif needed is None or f"sha256:{tee.digest.hexdigest()}" in needed:
            pending[name] = pool.submit(gzip_size, iter(chunks))

    def _resolve(self, name: str) -> str:
        name = _key(name)
        for _ in range(16):
            if name not in self._links:
                break
            name = self._links[name]
        return name

    def _member(self, name: str) -> bytes:
        return self._small[self._resolve(name)]

    def _json(self, name: str) -> Any:
        try:
            return json.loads(self._member(name).decode("utf-8"))
        except (KeyError, ValueError) as exc:
            raise MeasureError(f"{name} is missing or not JSON ({exc})") from None

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
            name = self._resolve(blob)
            scanned = self._scanned.get(name)
            if scanned is None and name in self._small:
                try:
                    scanned = scan_layer(io.BytesIO(self._small[name]), "", name)
                except (tarfile.TarError, EOFError) as exc:
                    scanned = MeasureError(f"layer {name} is not a tar ({exc})")
                self._scanned[name] = scanned
            if scanned is None:
                raise MeasureError(f"layer {blob} is missing from the archive")
            if isinstance(scanned, MeasureError):
                raise scanned
            self._layers[diff_id] = replace(scanned, diff_id=diff_id, blob=name)
        return self._layers[diff_id]

    def compressed(self, layers: Sequence[Layer]) -> dict[str, int]:
        """Estimated compressed bytes per diff id of ``layers`` (kept as ``needed``)."""
        out: dict[str, int] = {}
        for layer in layers:
            if layer.blob not in self._gzip and layer.blob in self._small:
                self._gzip[layer.blob] = gzip_size(iter([self._small[layer.blob]]))
            if layer.blob not in self._gzip:
                raise MeasureError(f"layer {layer.blob} was not kept for the gzip estimate")
            out[layer.diff_id] = self._gzip[layer.blob]
        return out


def _key(name: str) -> str:
    return posixpath.normpath(name[2:] if name.startswith("./") else name)


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
