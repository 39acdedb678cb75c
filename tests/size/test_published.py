"""The pure core of a base read from its registry (``lint.size.published``): references in
Docker's normal form, which manifest of an index is compared, the revision an image names."""

from __future__ import annotations

import pytest

from lint.size.measure import Layer
from lint.size.published import (
    Blob,
    PublishedError,
    Reference,
    choose,
    parse_reference,
    platforms,
    revision,
    to_fetch,
)
from lint.size.step import stale

D = "sha256:" + "a" * 64


@pytest.mark.parametrize(("text", "expected"), [
    ("ghcr.io/org/app:main", Reference("ghcr.io", "org/app", "main")),
    ("app", Reference("docker.io", "library/app", "latest")),
    ("org/app:1.2", Reference("docker.io", "org/app", "1.2")),
    ("127.0.0.1:5000/org/app", Reference("127.0.0.1:5000", "org/app", "latest")),
    ("localhost/app:x", Reference("localhost", "app", "x")),
    (f"ghcr.io/org/app@{D}", Reference("ghcr.io", "org/app", None, D)),
    (f"ghcr.io/org/app:main@{D}", Reference("ghcr.io", "org/app", "main", D)),
])
def test_references(text: str, expected: Reference) -> None:
    assert parse_reference(text) == expected


def test_reference_parts() -> None:
    hub = parse_reference("app")
    assert (hub.api_host, hub.selector, str(hub)) == ("registry-1.docker.io", "latest",
                                                      "docker.io/library/app:latest")
    pinned = parse_reference(f"ghcr.io/org/app:main@{D}")
    assert (pinned.api_host, pinned.selector) == ("ghcr.io", D)


@pytest.mark.parametrize("text", ["ghcr.io/Org/App:main", "ghcr.io/org/app@sha256:abc",
                                  "ghcr.io/org/app:-x", "ghcr.io/org//app", "ghcr.io/org/app:",
                                  "evil.test:99999999/app"])
def test_bad_references(text: str) -> None:
    with pytest.raises(PublishedError):
        parse_reference(text)


INDEX = {"manifests": [
    {"digest": "sha256:" + "1" * 64, "platform": {"os": "linux", "architecture": "amd64"}},
    {"digest": "sha256:" + "2" * 64,
     "platform": {"os": "linux", "architecture": "arm", "variant": "v7"}},
    {"digest": "sha256:" + "3" * 64, "platform": {"os": "linux", "architecture": "arm64",
                                                  "variant": "v8"}},
    {"digest": "sha256:" + "4" * 64, "platform": {"os": "unknown", "architecture": "unknown"},
     "annotations": {"vnd.docker.reference.type": "attestation-manifest"}},
]}


def test_platforms_leave_attestations_out() -> None:
    assert [p for p, _ in platforms(INDEX)] == ["linux/amd64", "linux/arm/v7", "linux/arm64/v8"]


@pytest.mark.parametrize(("want", "found"), [
    ("linux/amd64", "linux/amd64"), ("linux/arm64", "linux/arm64/v8"),
    ("linux/arm/v7", "linux/arm/v7"), ("linux/arm/v6", None), ("windows/amd64", None),
])
def test_choose_the_head_platform(want: str, found: str | None) -> None:
    chosen = choose(platforms(INDEX), want)
    assert (chosen[0] if chosen else None) == found


def test_revision_from_label_then_tag() -> None:
    labelled = {"config": {"Labels": {"org.opencontainers.image.revision": "0123abcd" * 5}}}
    assert revision(labelled, parse_reference("ghcr.io/o/a:sha-1234567")) == ("0123abcd" * 5,
                                                                              "label")
    assert revision({}, parse_reference("ghcr.io/o/a:sha-1234567")) == ("1234567", "tag")
    assert revision({}, parse_reference("ghcr.io/o/a:9f8e7d6c5b")) == ("9f8e7d6c5b", "tag")
    assert revision({"config": {}}, parse_reference("ghcr.io/o/a:main")) == (None, "")
    assert revision({}, parse_reference("ghcr.io/o/a:cafe")) == (None, "")  # too short


def test_staleness_by_prefix() -> None:
    head = "0123456789abcdef0123456789abcdef01234567"
    assert not stale("0123456", head) and not stale(head, head) and not stale(None, head)
    assert stale("1234567", head) and stale("012345", head)  # fewer than 7 digits never match


def test_only_missing_layers_are_fetched_once() -> None:
    ids = ["sha256:" + c * 64 for c in "abca"]
    blobs = [Blob("sha256:" + c * 64, n, "") for c, n in zip("1234", (10, 20, 30, 10),
                                                             strict=True)]
    known = {ids[1]: Layer(ids[1], 5)}
    assert to_fetch(ids, blobs, known) == [(ids[0], blobs[0]), (ids[2], blobs[2])]
