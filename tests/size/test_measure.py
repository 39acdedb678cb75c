"""The layer reader without an engine: tar formats, whiteouts, links, a docker-save archive."""

from __future__ import annotations

import gzip
import io
import json
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
