"""The size step with the base read from a registry (``base-image``) instead of built, once per
engine: the base image is built, saved and pushed through the registry API to a real registry
on loopback (``tests/size/registry_server.py``); the step then builds the head only and gives
the same bytes and rows as building both, downloads only the base layers the head lacks, names
the registry, digest and revision, and treats a base of another commit as a note."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from lint.inputs import Secret
from lint.sinks import size as size_sink
from lint.size import SizeSettings
from lint.size.budget import budgets_from, iec
from tests.size.conftest import Engine, Repo, base_image_bytes
from tests.size.registry_server import Registry
from tests.size.test_docker_sizes import blob, only, rows, step

pytestmark = pytest.mark.docker

MakeRepo = Callable[[dict[str, str | None], dict[str, str | None]], Repo]


def publish(engine: Engine, registry: Registry, dockerfile: str, revision: str, tmp: Path,
            ref_tag: str = "main") -> tuple[str, int]:
    """What a workflow on the base branch does: build, label, push. Built here, ``docker
    save``d and pushed through the registry API. Returns the manifest digest and the
    compressed bytes of its last layer."""
    context = tmp / "published"
    context.mkdir()
    (context / "Dockerfile").write_text(dockerfile)
    tag = "registry-tests/app:published"
    subprocess.run([engine.client, "build", "-q", "--network", "host", "--label",
                    f"org.opencontainers.image.revision={revision}", "-t", tag, str(context)],
                   env={**os.environ, "DOCKER_BUILDKIT": "1"}, capture_output=True, check=True,
                   timeout=300)
    saved = tmp / "published.tar"
    try:
        engine.docker("save", "--output", str(saved), tag)
    finally:
        engine.docker("image", "rm", tag)
    digest, layers = registry.push_saved(saved, tag, "org/app", ref_tag)
    return digest, layers[-1]


def settings(engine: Engine, registry: Registry, **more: object) -> SizeSettings:
    return SizeSettings(docker_command=engine.client,
                        base_image=f"{registry.host}/org/app:main",
                        registry_username=registry.user,
                        registry_password=Secret(registry.password), **more)  # type: ignore[arg-type]


def test_base_from_the_registry_matches_building_it(engine: Engine, busybox_base: str,
                                                    registry: Registry, make_repo: MakeRepo,
                                                    tmp_path: Path) -> None:
    base = f"FROM {busybox_base}\n" + blob("a", 100_000) + blob("c", 50_000)
    head = f"FROM {busybox_base}\n" + blob("a", 100_000) + blob("b", 200_000)
    repo = make_repo({"Dockerfile": base}, {"Dockerfile": head})
    digest, c_blob = publish(engine, registry, base, repo.base, tmp_path)
    report = step(repo, engine, settings(engine, registry))
    built = step(repo, engine)
    image, normal = only(report), only(built)
    assert (report.builds, built.builds) == (1, 2)
    assert image.status == "compared" and image.note == ""
    assert image.base is not None and image.head is not None and normal.base is not None
    assert image.base.size == normal.base.size == base_image_bytes() + 150_000
    assert image.head.size == base_image_bytes() + 300_000
    assert image.delta == normal.delta == 150_000
    assert rows(image) == rows(normal) == [(2, "same", 100_000, 100_000),
                                           (3, "changed", 50_000, 200_000)]
    source = image.base_source
    assert source is not None and source.kind == "registry" and source.digest == digest
    assert (source.revision, source.revision_from, source.platform) == (
        repo.base, "label", "linux/amd64")
    # The root and RUN a came from the head's cache: only RUN c's blob was downloaded.
    assert source.downloaded == c_blob
    assert image.base.compressed == c_blob and image.base.compressed_exact
    assert not image.head.compressed_exact and not image.compressed_exact
    assert not report.notes and not report.findings
    md = size_sink.markdown(report)
    assert (f"head: built here at `{repo.head[:12]}`; base: registry "
            f"`{registry.host}/org/app:main` @ `{digest[:19]}` (linux/amd64), revision "
            f"`{repo.base[:12]}`; measured by engine {engine.version}") in md
    assert (f"| 🔺 | Dockerfile | {iec(image.base.size)} | {iec(image.head.size)} | "
            "+146.5 KiB | +") in md
    data = json.loads(json.dumps(size_sink.to_json(report)))["images"][0]
    assert data["base_source"] == {
        "kind": "registry", "commit": None, "reference": f"{registry.host}/org/app:main",
        "revision_label": repo.base, "revision": repo.base, "revision_from": "label",
        "digest": digest, "platform": "linux/amd64", "downloaded_bytes": c_blob}
    assert data["base"]["compressed_exact"] is True and data["compressed_exact"] is False


def test_a_base_of_another_commit_is_a_note_and_no_increase_budget(
        engine: Engine, busybox_base: str, registry: Registry, make_repo: MakeRepo,
        tmp_path: Path) -> None:
    base = f"FROM {busybox_base}\n" + blob("a", 10_000)
    repo = make_repo({"Dockerfile": base}, {"Dockerfile": base + blob("b", 20_000)})
    other = "f" * 40
    publish(engine, registry, base, other, tmp_path)
    report = step(repo, engine, settings(engine, registry, budgets=budgets_from("", "1KiB")))
    image = only(report)
    assert image.delta == 20_000  # shown all the same
    assert [b.budget for b in image.breaches] == []  # 1 KiB increase: not checked
    assert report.notes == [
        f"image Dockerfile: the base image {registry.host}/org/app:main was built from "
        f"{other[:12]} (org.opencontainers.image.revision), not the base commit "
        f"{repo.base[:12]}; its sizes are shown, max-size-increase not checked"]
    # max-image-size concerns the head alone and is still checked.
    report = step(repo, engine, settings(engine, registry, budgets=budgets_from("1KiB", "1KiB")))
    assert [b.budget for b in only(report).breaches] == ["max-image-size"]


def test_an_unreadable_base_is_that_image_error(engine: Engine, busybox_base: str,
                                                registry: Registry,
                                                make_repo: MakeRepo) -> None:
    base = f"FROM {busybox_base}\n" + blob("a", 10_000)
    repo = make_repo({"Dockerfile": base}, {"Dockerfile": base + blob("b", 20_000)})
    report = step(repo, engine, settings(engine, registry))  # nothing pushed
    image = only(report)
    assert image.status == "error" and report.builds == 1
    assert image.note == (f"base image not read from its registry: {registry.host}/org/app:main:"
                          " not found: /v2/org/app/manifests/main (HTTP 404)")
