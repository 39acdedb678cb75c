"""The layer reader without an engine: tar formats, whiteouts, links, a docker-save archive in
the legacy format and as an OCI layout (Engine 26 on the containerd store)."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import platform
import tarfile
from pathlib import Path

import pytest

from lint.size.measure import Archive, MeasureError, scan_layer

LONG = "usr/lib/" + "/".join(["a-rather-long-directory-name"] * 6) + "/module.py"


def layer_tar(fmt: int) -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=fmt) as tar:
        def add(name: str, kind: bytes = tarfile.REGTYPE, data: bytes = b"",
                link: str = "") -> None:
            info = tarfile.TarInfo(name)
            info.type = kind
            info.size = len(data) if kind == tarfile.REGTYPE else 0
            info.linkname = link
            tar.addfile(info, io.BytesIO(data) if data else None)

        add("etc/", tarfile.DIRTYPE)
        add("etc/big", data=b"x" * 1500)
        add(LONG, data=b"y" * 700)
        add("bin/sh", tarfile.SYMTYPE, link="busybox")
        add("bin/hard", tarfile.LNKTYPE, link="etc/big")
        add("var/.wh.cache")
        add("opt/.wh..wh..opq")
    return out.getvalue()


@pytest.mark.parametrize("fmt", [tarfile.PAX_FORMAT, tarfile.GNU_FORMAT])
@pytest.mark.parametrize("compress", [False, True])
def test_scan_layer_reads_headers_of_both_formats(fmt: int, compress: bool) -> None:
    data = layer_tar(fmt)
    layer = scan_layer(io.BytesIO(gzip.compress(data) if compress else data), "d", "b")
    assert layer.size == 1500 + 700 + len("busybox")
    assert dict(layer.files) == {"etc/big": 1500, LONG: 700, "bin/sh": 7, "bin/hard": 0}
    assert layer.deleted == ("var/cache",)
    assert layer.opaque == ("opt",)


def test_scan_layer_rejects_what_is_not_a_tar() -> None:
    with pytest.raises(MeasureError):
        scan_layer(io.BytesIO(b"not a tar at all" * 64), "d", "b")


def test_archive_reads_a_saved_image_and_its_shared_layer_once(tmp_path: Path) -> None:
    layer = layer_tar(tarfile.PAX_FORMAT)
    config = {"rootfs": {"diff_ids": ["sha256:one", "sha256:one"]},
              "history": [{"created_by": "COPY a b # buildkit"},
                          {"created_by": "RUN /bin/sh -c true # buildkit"}]}
    manifest = [{"Config": "c.json", "RepoTags": ["local/x:1"],
                 "Layers": ["l1/layer.tar", "l2/layer.tar"]}]
    path = tmp_path / "images.tar"
    with tarfile.open(path, "w", format=tarfile.PAX_FORMAT) as tar:
        for name, data in (("l1/layer.tar", layer), ("c.json", json.dumps(config).encode()),
                           ("manifest.json", json.dumps(manifest).encode())):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        link = tarfile.TarInfo("l2/layer.tar")
        link.type, link.linkname = tarfile.SYMTYPE, "../l1/layer.tar"
        tar.addfile(link)
    with Archive(path) as archive:
        image = archive.image("local/x:1")
        assert [layer.size for layer in image.layers] == [2207, 2207]
        assert [(h.keyword, h.layer) for h in image.history] == [("COPY", 0), ("RUN", 1)]
        (estimate,) = archive.compressed(image.layers[:1]).values()
        assert estimate == len(gzip.compress(layer, 6, mtime=0))
        with pytest.raises(MeasureError):
            archive.image("local/y:1")


def test_a_malformed_pax_header_is_a_measure_error() -> None:
    data = bytearray(layer_tar(tarfile.PAX_FORMAT))
    start = data.index(b" path=")
    data[start - 3:start] = b"zz?"  # the record's length is no longer a number
    with pytest.raises(MeasureError):
        scan_layer(io.BytesIO(bytes(data)), "d", "b")


def oci_archive(path: Path, with_manifest_json: bool) -> dict[str, bytes]:
    """An archive shaped like Engine 26's ``docker save`` on the containerd store: two tags, each
    an index holding the image manifest and an attestation manifest, both around one image
    manifest (for two platforms); gzip-compressed layer blobs; a manifest.json that, like
    containerd 1.7's exporter, lists that manifest once with only one of the tags."""
    blobs: dict[str, bytes] = {}

    def put(data: bytes) -> dict[str, object]:
        digest = "sha256:" + hashlib.sha256(data).hexdigest()
        blobs[f"blobs/sha256/{digest[7:]}"] = data
        return {"digest": digest, "size": len(data)}

    def manifest_of(layer: bytes, created_by: str) -> dict[str, object]:
        config = {"rootfs": {"type": "layers",
                             "diff_ids": ["sha256:" + hashlib.sha256(layer).hexdigest()]},
                  "history": [{"created_by": created_by}]}
        body = {"schemaVersion": 2, "config": put(json.dumps(config).encode()),
                "layers": [{**put(gzip.compress(layer, mtime=0)),
                            "mediaType": "application/vnd.oci.image.layer.v1.tar+gzip"}]}
        return put(json.dumps(body).encode())

    here = {"x86_64": "amd64", "aarch64": "arm64"}.get(platform.machine(), platform.machine())
    other = "s390x" if here != "s390x" else "amd64"
    image = {**manifest_of(layer_tar(tarfile.PAX_FORMAT), "RUN /bin/sh -c make # buildkit"),
             "platform": {"os": "linux", "architecture": here}}
    foreign = {**manifest_of(b"\0" * 1024, "COPY x y # buildkit"),
               "platform": {"os": "linux", "architecture": other}}
    index: list[dict[str, object]] = []
    for name, tag in (("docker.io/library/app:one", "one"), ("docker.io/local/app:two", "two")):
        attestation = {**put(json.dumps({"schemaVersion": 2, "for": name}).encode()),
                       "platform": {"os": "unknown", "architecture": "unknown"},
                       "annotations": {"vnd.docker.reference.type": "attestation-manifest"}}
        nested = put(json.dumps({"schemaVersion": 2,
                                 "manifests": [attestation, foreign, image]}).encode())
        index.append({**nested, "annotations": {"io.containerd.image.name": name,
                                                "org.opencontainers.image.ref.name": tag}})
    files = {**blobs, "index.json": json.dumps({"schemaVersion": 2, "manifests": index}).encode(),
             "oci-layout": b'{"imageLayoutVersion": "1.0.0"}'}
    if with_manifest_json:
        body = json.loads(blobs[f"blobs/sha256/{str(image['digest'])[7:]}"])
        entry = {"Config": "blobs/sha256/" + body["config"]["digest"][7:],
                 "RepoTags": ["local/app:two"],
                 "Layers": ["blobs/sha256/" + layer["digest"][7:] for layer in body["layers"]]}
        files["manifest.json"] = json.dumps([entry]).encode()
    with tarfile.open(path, "w", format=tarfile.PAX_FORMAT) as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return files


@pytest.mark.parametrize("with_manifest_json", [True, False])
def test_oci_layout_tags_missing_from_manifest_json(tmp_path: Path,
                                                    with_manifest_json: bool) -> None:
    oci_archive(tmp_path / "images.tar", with_manifest_json)
    with Archive(tmp_path / "images.tar") as archive:
        one = archive.image("app:one")  # only in index.json
        two = archive.image("local/app:two")
        for image in (one, two):
            # This machine's platform, uncompressed sizes, the attestation left out.
            assert [layer.size for layer in image.layers] == [2207]
            assert [(h.keyword, h.layer) for h in image.history] == [("RUN", 0)]
        assert one.layers[0].diff_id == two.layers[0].diff_id
        (compressed,) = archive.compressed(one.layers).values()
        assert compressed == len(gzip.compress(layer_tar(tarfile.PAX_FORMAT), mtime=0))
        with pytest.raises(MeasureError, match="app:three is not in the archive"):
            archive.image("app:three")


def test_oci_index_with_a_bad_digest_is_a_measure_error(tmp_path: Path) -> None:
    index = {"manifests": [{"digest": "sha256:../../etc/passwd",
                            "annotations": {"io.containerd.image.name": "docker.io/library/x:1"}}]}
    with tarfile.open(tmp_path / "images.tar", "w") as tar:
        data = json.dumps(index).encode()
        info = tarfile.TarInfo("index.json")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    with Archive(tmp_path / "images.tar") as archive, pytest.raises(MeasureError,
                                                                    match="not a content digest"):
        archive.image("x:1")
