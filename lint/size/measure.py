"""Layers from a ``docker save`` archive: sizes, the instruction keyword behind each, file lists.

Why ``docker save``: it is the one view of an image that both image stores give alike (the
classic store and the containerd store, where ``docker image inspect`` and ``docker history``
report other numbers: compressed content and disk blocks). Its ``manifest.json`` names each
image's config and layer tars in order (the legacy format and the OCI layout that newer engines
write both carry it). The OCI layout's ``index.json`` is read when ``manifest.json`` lacks a tag
or is absent: Engine 26 on the containerd store (containerd 1.7's exporter) writes one
``manifest.json`` entry per image manifest, so of two tags whose images share one manifest (the
same build twice, only their attestations differ) one is missing there. From ``index.json`` a
tag's descriptor leads through nested indexes to the image manifest of this machine's platform
(attestation manifests skipped), whose config and layers are ``blobs/<algorithm>/<hex>``. On
the containerd store those layers are gzip-compressed tars; they are read decompressed, so the
sizes are the same uncompressed bytes as on the classic store.

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

import io
import json
import platform
import posixpath
import re
import zlib
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Protocol

GZIP_LEVEL = 6
_CHUNK = 1 << 20
_BLOCK = 512
_ZERO_BLOCK = bytes(_BLOCK)
_REGULAR = frozenset({b"0", b"\0", b"7", b"S"})  # what tarfile's isreg() accepts
_HEADER_ONLY = frozenset({b"1", b"2", b"3", b"4", b"5", b"6"})  # their size field is no data
_GNU_TYPES = frozenset({b"L", b"K", b"S"})
_SMALL = 1 << 20  # archive members up to this size are kept in memory (manifest, configs)
_DIGEST = re.compile(r"^([a-z0-9]+):([a-f0-9]{32,128})$")
_ARCH = {"x86_64": "amd64", "aarch64": "arm64", "armv7l": "arm", "i686": "386", "i386": "386"}
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
    platform: str = ""  # the config's os/architecture[/variant], e.g. "linux/amd64"

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
        stream: _Readable = _Gunzip(_Prefixed(head, fileobj))
    elif head == b"\x28\xb5\x2f\xfd":
        raise MeasureError(f"layer {blob} is zstd-compressed, which this reader does not handle")
    elif isinstance(fileobj, _Window | io.BytesIO):
        fileobj.seek(-len(head), io.SEEK_CUR)
        stream = fileobj
    else:
        stream = _Prefixed(head, fileobj)
    for member, _ in _members(_Blocks(stream)):
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
        elif member.kind == b"2":
            length = len(member.linkname.encode("utf-8", "surrogateescape"))
            size += length
            files[path] = length
        elif member.kind == b"1":
            files[path] = 0
    return Layer(diff_id, size, tuple(files.items()), tuple(deleted), tuple(opaque), blob)


class _Gunzip:
    """A gzip stream, decompressed as it is read."""

    def __init__(self, raw: _Readable) -> None:
        self._raw = raw
        self._inflate = zlib.decompressobj(31)

    def read(self, size: int = -1) -> bytes:
        while True:
            if self._inflate.unconsumed_tail:
                data = self._inflate.unconsumed_tail
            else:
                data = self._raw.read(_CHUNK)
                if not data:
                    return self._inflate.flush()
            try:
                out = self._inflate.decompress(data, max(size, 0))
            except zlib.error as exc:
                raise MeasureError(f"a gzip layer is corrupt ({exc})") from None
            if self._inflate.eof and self._inflate.unused_data:  # another gzip member
                rest = self._inflate.unused_data
                self._inflate = zlib.decompressobj(31)
                self._raw = _Prefixed(rest, self._raw)
            if out:
                return out


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


class Archive:
    """An open ``docker save`` archive holding one or more tagged images.

    Only tar headers are read: the data of each layer tar is skipped by seeking, so reading an
    image costs its file count, not its bytes (the gzip estimate reads the layers it is asked
    for). Each layer is measured once per archive, however many images share it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._small: dict[str, bytes] = {}  # manifest, configs
        self._links: dict[str, str] = {}
        self._blobs: dict[str, tuple[int, int]] = {}  # name -> (offset, size) in the archive
        self._layers: dict[str, Layer] = {}  # diff id -> layer
        try:
            self._file = open(path, "rb")  # closed by close()
        except OSError as exc:
            raise MeasureError(f"{path.name}: cannot be opened ({exc})") from None
        try:
            for member, data in _members(_Blocks(self._file)):
                name = _key(member.name)
                if member.kind == b"2":
                    self._links[name] = _key(posixpath.join(posixpath.dirname(name),
                                                            member.linkname))
                elif member.kind == b"1":
                    self._links[name] = _key(member.linkname)
                elif member.isreg():
                    self._blobs[name] = (data.offset, member.size)
                    if member.size <= _SMALL:
                        self._small[name] = data.read()
            if "manifest.json" not in self._small and "index.json" in self._small:
                manifest = []  # an OCI layout alone: every tag through index.json
            else:
                manifest = json.loads(self._member("manifest.json").decode("utf-8"))
        except (OSError, MeasureError, KeyError, ValueError) as exc:
            self.close()
            raise MeasureError(f"{path.name}: not a docker save archive ({exc})") from None
        if not isinstance(manifest, list):
            self.close()
            raise MeasureError("manifest.json is not a list")
        self._manifest: list[dict[str, Any]] = manifest

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._file.close()

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
        want = reference(tag)
        for entry in self._manifest:
            if any(reference(str(t)) == want for t in entry.get("RepoTags") or []):
                return entry
        found = self._oci_entry(want)
        if found is None:
            raise MeasureError(f"{tag} is not in the archive")
        return found

    def _oci_entry(self, want: str) -> dict[str, Any] | None:
        """The ``manifest.json``-shaped entry of a tag found in ``index.json`` (``None``: no
        index, or no descriptor with that name)."""
        if self._resolve("index.json") not in self._small:
            return None
        index = self._json("index.json")
        descriptors = (index.get("manifests") or []) if isinstance(index, dict) else []
        for desc in (d for d in descriptors if isinstance(d, dict)):
            notes = desc.get("annotations") or {}
            names = [notes.get("io.containerd.image.name"),
                     notes.get("org.opencontainers.image.ref.name")]
            if any(isinstance(n, str) and reference(n) == want for n in names):
                manifest = self._image_manifest(desc)
                try:
                    return {"Config": _blob(manifest["config"]["digest"]),
                            "Layers": [_blob(layer["digest"]) for layer in
                                       manifest.get("layers") or []]}
                except (KeyError, TypeError) as exc:
                    raise MeasureError(f"an image manifest is malformed ({exc})") from None
        return None

    def _image_manifest(self, desc: dict[str, Any], depth: int = 0) -> dict[str, Any]:
        """The image manifest a descriptor leads to: an index is followed to its child for
        this machine's platform (else its first), attestation manifests left out."""
        if depth > 4 or not isinstance(desc, dict):
            raise MeasureError("index.json nests too deep or is malformed")
        data = self._json(_blob(str(desc.get("digest", ""))))
        if not isinstance(data, dict):
            raise MeasureError(f"{desc.get('digest')} is not a JSON object")
        if "manifests" not in data:
            return data
        children = [m for m in data.get("manifests") or [] if isinstance(m, dict)
                    and (m.get("annotations") or {}).get("vnd.docker.reference.type")
                    != "attestation-manifest"
                    and (m.get("platform") or {}).get("os") != "unknown"]
        if not children:
            raise MeasureError(f"the index {desc.get('digest')} holds no image manifest")
        here = ("linux", _ARCH.get(platform.machine(), platform.machine()))
        for child in children:
            where = child.get("platform") or {}
            if (where.get("os"), where.get("architecture")) == here:
                return self._image_manifest(child, depth + 1)
        return self._image_manifest(children[0], depth + 1)

    def image(self, tag: str) -> Image:
        entry = self._entry(tag)
        config = self._json(entry["Config"])
        diff_ids = list((config.get("rootfs") or {}).get("diff_ids") or [])
        blobs = list(entry.get("Layers") or [])
        if len(diff_ids) != len(blobs):
            raise MeasureError(f"{tag}: {len(blobs)} layer tars for {len(diff_ids)} diff ids")
        layers = tuple(self._layer(blob, diff_id) for blob, diff_id in zip(blobs, diff_ids,
                                                                           strict=True))
        return Image(layers, history_of(config.get("history") or [], len(layers)),
                     platform_of(config))

    def _layer(self, blob: str, diff_id: str) -> Layer:
        if diff_id not in self._layers:
            name = self._resolve(blob)
            if name not in self._blobs:
                raise MeasureError(f"layer {blob} is missing from the archive")
            offset, size = self._blobs[name]
            self._file.seek(offset)
            self._layers[diff_id] = scan_layer(_Window(self._file, size), diff_id, name)
        return self._layers[diff_id]

    def compressed(self, layers: Sequence[Layer], workers: int = 2) -> dict[str, int]:
        """Estimated compressed bytes per diff id (zlib releases the GIL: threads use cores)."""
        unique = {layer.diff_id: self._blobs[layer.blob] for layer in layers}

        def one(diff_id: str) -> tuple[str, int]:
            offset, size = unique[diff_id]
            with open(self.path, "rb") as raw:
                raw.seek(offset)
                window = _Window(raw, size)
                return diff_id, gzip_size(iter(lambda: window.read(_CHUNK), b""))

        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            return dict(pool.map(one, sorted(unique)))


class _Window:
    """The next ``size`` bytes of an open file, read or skipped (by seeking) in order."""

    def __init__(self, raw: IO[bytes], size: int) -> None:
        self._raw = raw
        self._left = size

    def read(self, size: int = -1) -> bytes:
        data = self._raw.read(self._left if size < 0 else min(size, self._left))
        self._left -= len(data)
        return data

    def seek(self, offset: int, whence: int = io.SEEK_CUR) -> None:
        if whence != io.SEEK_CUR or offset > self._left:
            raise MeasureError("a layer tar ends inside a member")
        self._raw.seek(offset, io.SEEK_CUR)
        self._left -= offset


class _Blocks:
    """A forward-only reader of a tar stream: a seekable source (a file, a ``_Window``) is read
    as asked and skipped by seeking; any other stream is read in large chunks and skipped by
    reading."""

    def __init__(self, raw: _Readable) -> None:
        self._raw = raw
        self._seeker = (raw if isinstance(raw, _Window)
                        or (isinstance(raw, io.IOBase) and raw.seekable()) else None)
        self._buf = b""
        self._pos = 0
        self.offset = 0  # bytes consumed so far

    def read(self, size: int) -> bytes:
        """``size`` bytes, fewer only at the end of the stream."""
        if self._seeker is not None:
            data = self._raw.read(size)
            self.offset += len(data)
            return data
        end = self._pos + size
        if end <= len(self._buf):
            data = self._buf[self._pos:end]
            self._pos = end
            self.offset += size
            return data
        parts = [self._buf[self._pos:]]
        have = len(parts[0])
        self._buf, self._pos = b"", 0
        while have < size:
            chunk = self._raw.read(max(_CHUNK, size - have))
            if not chunk:
                break
            if have + len(chunk) > size:
                self._buf, self._pos = chunk, size - have
                chunk = chunk[:size - have]
            parts.append(chunk)
            have += len(chunk)
        self.offset += have
        return b"".join(parts)

    def skip(self, size: int) -> None:
        if size <= 0:
            return
        if self._seeker is not None:
            self._seeker.seek(size, io.SEEK_CUR)
            self.offset += size
            return
        while size > 0:
            data = self.read(min(size, _CHUNK))
            if not data:
                raise MeasureError("the tar stream ends inside a member")
            size -= len(data)

    def section(self, size: int) -> _Section:
        return _Section(self, size)


class _Section:
    """The data of the member just read: ``size`` bytes from ``offset`` of the stream."""

    def __init__(self, blocks: _Blocks, size: int) -> None:
        self._blocks = blocks
        self.offset = blocks.offset
        self.left = size

    def read(self, size: int = -1) -> bytes:
        size = self.left if size < 0 else min(size, self.left)
        data = self._blocks.read(size)
        self.left -= len(data)
        return data


@dataclass(frozen=True)
class _Member:
    name: str
    kind: bytes  # the typeflag: b"0" regular, b"1" hard link, b"2" symlink, ...
    size: int
    linkname: str

    def isreg(self) -> bool:
        return self.kind in _REGULAR


def _members(blocks: _Blocks) -> Iterator[tuple[_Member, _Section]]:
    """The members of a tar stream with their data; pax and GNU long-name headers applied
    as Python's ``tarfile`` applies them. What the caller leaves of a data section is
    skipped before the next header is read."""
    glob: dict[str, str] = {}
    local: dict[str, str] = {}
    while True:
        block = blocks.read(_BLOCK)
        if len(block) < _BLOCK or block == _ZERO_BLOCK:
            return  # the end of the archive (tarfile also stops at the first zero block)
        _check(block)
        kind = block[156:157]
        size = _number(block[124:136])
        name = _text(block[0:100])
        if block[257:265] == b"ustar\x0000" and kind not in _GNU_TYPES:
            prefix = _text(block[345:500])
            if prefix:
                name = prefix + "/" + name
        linkname = _text(block[157:257])
        if kind in (b"x", b"g", b"L", b"K"):
            data = blocks.read(size)
            blocks.skip(-size % _BLOCK)
            if kind == b"x":
                local.update(_pax(data))
            elif kind == b"g":
                glob.update(_pax(data))
            elif kind == b"L":
                local["path"] = _text(data)
            else:
                local["linkpath"] = _text(data)
            continue
        fields = {**glob, **local}
        local = {}
        name = fields.get("path", name)
        linkname = fields.get("linkpath", linkname)
        if "size" in fields:
            try:
                size = int(fields["size"])
            except ValueError:
                raise MeasureError("a tar pax header has an invalid size") from None
        if kind == b"\0" and name.endswith("/"):
            kind = b"5"
        if kind in _HEADER_ONLY:
            size = 0
        member = _Member(name, kind, size, linkname)
        section = blocks.section(size)
        yield member, section
        blocks.skip(section.left + (-size % _BLOCK))


def _text(field: bytes) -> str:
    end = field.find(b"\0")
    return (field if end < 0 else field[:end]).decode("utf-8", "surrogateescape")


def _number(field: bytes) -> int:
    if field[0] in (0o200, 0o377):  # base-256 (GNU, Go for large sizes)
        value = int.from_bytes(field[1:], "big")
        return value - (1 << (8 * len(field) - 8)) if field[0] == 0o377 else value
    try:
        return int(_text(field).strip() or "0", 8)
    except ValueError:
        raise MeasureError(f"a tar header has an invalid number field {field!r}") from None


def _check(block: bytes) -> None:
    stored = _number(block[148:156])
    unsigned = sum(block) - sum(block[148:156]) + 256  # the checksum field counts as spaces
    if stored != unsigned:
        signed = sum(b - 256 if b > 127 else b for b in block[:148] + block[156:]) + 256
        if stored != signed:
            raise MeasureError("a tar header has a bad checksum: not a tar stream")


def _pax(data: bytes) -> dict[str, str]:
    out: dict[str, str] = {}
    pos = 0
    while pos < len(data):
        space = data.find(b" ", pos)
        if space < 0:
            break
        try:
            length = int(data[pos:space])
        except ValueError:
            raise MeasureError("a tar pax header is malformed") from None
        if length <= 0:
            break
        record = data[space + 1:pos + length - 1]  # without the newline
        key, _, value = record.partition(b"=")
        out[key.decode("utf-8", "surrogateescape")] = value.decode("utf-8", "surrogateescape")
        pos += length
    return out


def reference(name: str) -> str:
    """An image name in the engine's full form: ``busybox`` and ``docker.io/library/busybox:latest``
    are one name, ``local/x:1`` is ``docker.io/local/x:1``; a digest is kept as given."""
    name = name.strip()
    if "@" in name:
        return name
    first, _, rest = name.partition("/")
    if rest and ("." in first or ":" in first or first == "localhost"):
        registry, path = first, rest
    else:
        registry, path = "docker.io", name
    if registry == "docker.io" and "/" not in path:
        path = "library/" + path
    if ":" not in path.rsplit("/", 1)[-1]:
        path += ":latest"
    return f"{registry}/{path}"


def _blob(digest: str) -> str:
    match = _DIGEST.match(digest)
    if match is None:
        raise MeasureError(f"not a content digest: {digest[:80]!r}")
    return f"blobs/{match.group(1)}/{match.group(2)}"


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


def history_of(entries: list[dict[str, Any]], layer_count: int) -> tuple[HistoryEntry, ...]:
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


def platform_of(config: Any) -> str:
    """``os/architecture[/variant]`` of an image config (``""`` when it names none)."""
    if not isinstance(config, dict) or not config.get("os") or not config.get("architecture"):
        return ""
    parts = [str(config["os"]), str(config["architecture"])]
    return "/".join(parts + ([str(config["variant"])] if config.get("variant") else []))
