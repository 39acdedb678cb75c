"""The size step measuring a head image the workflow already built (``head-image``, ``image:``
in ``images``), once per engine: one build (the base) instead of two, the same bytes as building
both, the report naming each side's source and the engine; a reference the engine lacks is that
image's error; a revision label of another commit is a note and skips that image's budgets."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable

import pytest

from lint.sinks import size as size_sink
from lint.size import SizeSettings
from tests.size.conftest import Engine, Repo, base_image_bytes
from tests.size.test_docker_sizes import blob, only, rows, step

pytestmark = pytest.mark.docker

MakeRepo = Callable[[dict[str, str | None], dict[str, str | None]], Repo]


def prebuild(engine: Engine, repo: Repo, tag: str, revision: str | None = None,
             context: str = "") -> None:
    """What docker/build-push-action with ``load: true`` leaves: the head tagged in the engine."""
    label = ["--label", f"org.opencontainers.image.revision={revision}"] if revision else []
    subprocess.run([engine.client, "build", "-q", "--network", "host", *label, "-t", tag,
                    str(repo.path / context)], env={**os.environ, "DOCKER_BUILDKIT": "1"},
                   capture_output=True, check=True, timeout=300)


def has(engine: Engine, tag: str) -> bool:
    return subprocess.run([engine.client, "image", "inspect", tag], capture_output=True,
                          check=False).returncode == 0


def test_head_image_is_measured_not_built(engine: Engine, busybox_base: str,
                                          make_repo: MakeRepo) -> None:
    base = f"FROM {busybox_base}\n" + blob("a", 100_000)
    repo = make_repo({"Dockerfile": base}, {"Dockerfile": base + blob("b", 200_000)})
    built = step(repo, engine)
    tag = "size-tests/app:pr-42"
    prebuild(engine, repo, tag, revision=repo.head)
    try:
        report = step(repo, engine, SizeSettings(docker_command=engine.client, head_image=tag))
        assert has(engine, tag)  # the workflow's image is left alone
    finally:
        engine.docker("image", "rm", tag)
    assert (built.builds, report.builds) == (2, 1)
    image, normal = only(report), only(built)
    assert image.status == "compared"
    assert image.base is not None and image.head is not None and normal.head is not None
    assert image.head.size == normal.head.size == base_image_bytes() + 300_000
    assert report.delta_bytes == built.delta_bytes == 200_000
    assert rows(image) == rows(normal) == [(2, "same", 100_000, 100_000),
                                           (3, "added", None, 200_000)]
    assert image.head_source is not None and image.head_source.kind == "prebuilt"
    assert image.head_source.revision == repo.head and not report.notes
    md = size_sink.markdown(report)
    assert (f"head: already built (`{tag}`, labelled revision `{repo.head[:12]}`); "
            f"base: built here at `{repo.base[:12]}`; measured by engine {engine.version}, "
            f"{report.store} image store.") in md
    assert report.store is not None and report.store.startswith(engine.store)
    data = json.loads(json.dumps(size_sink.to_json(report)))
    assert data["images"][0]["head_source"] == {"kind": "prebuilt", "commit": None,
                                                "reference": tag, "revision_label": repo.head}
    assert data["images"][0]["base_source"]["commit"] == repo.base
    assert data["images"][0]["measured_by"] == {"engine": engine.version, "store": report.store}
    assert data["builds"] == 1


def test_image_entries_and_a_missing_reference(engine: Engine, busybox_base: str,
                                               make_repo: MakeRepo) -> None:
    df = f"FROM {busybox_base}\n" + blob("a", 10_000)
    repo = make_repo({"app/Dockerfile": df, "gone/Dockerfile": df},
                     {"app/Dockerfile": df + blob("b", 20_000),
                      "gone/Dockerfile": df + blob("c", 5_000)})
    tag = "size-tests/app:entry"
    prebuild(engine, repo, tag, context="app")  # no revision label: budgets apply as usual
    images = (f"- name: app\n  dockerfile: app/Dockerfile\n  image: {tag}\n"
              "  max-image-size: 1KiB\n"
              "- name: gone\n  dockerfile: gone/Dockerfile\n"
              "  image: size-tests/never-built:nope\n")
    settings = SizeSettings.from_env({"INPUT_IMAGES": images,
                                     "INPUT_DOCKER_COMMAND": engine.client})
    try:
        report = step(repo, engine, settings)
    finally:
        engine.docker("image", "rm", tag)
    app, gone = only(report, "app"), only(report, "gone")
    assert report.builds == 1  # app's base; nothing for gone
    assert app.status == "compared" and app.delta == 20_000
    assert [f.code for f in report.findings] == ["DC501"] and report.failed
    assert gone.status == "error" and gone.base is None and gone.head is None
    assert gone.note.startswith("head image size-tests/never-built:nope is not in the engine")
    md = size_sink.markdown(report)
    assert "| ❌ | gone | head image size-tests/never-built:nope is not in the engine" in md
    assert json.loads(json.dumps(size_sink.to_json(report)))["images"][1]["status"] == "error"


def test_revision_of_another_commit_is_a_note(engine: Engine, busybox_base: str,
                                              make_repo: MakeRepo) -> None:
    df = f"FROM {busybox_base}\n" + blob("a", 10_000)
    repo = make_repo({"Dockerfile": df}, {"Dockerfile": df + blob("b", 20_000)})
    tag = "size-tests/app:stale"
    prebuild(engine, repo, tag, revision=repo.base)
    settings = SizeSettings.from_env({"INPUT_HEAD_IMAGE": tag, "INPUT_MAX_IMAGE_SIZE": "1KiB",
                                     "INPUT_DOCKER_COMMAND": engine.client})
    try:
        report = step(repo, engine, settings)
    finally:
        engine.docker("image", "rm", tag)
    image = only(report)
    assert image.delta == 20_000  # measured all the same
    assert not report.findings and not report.failed and not image.breaches
    assert report.notes == [
        f"image Dockerfile: the head image {tag} was built from {repo.base[:12]} "
        f"(org.opencontainers.image.revision), not the head commit {repo.head[:12]}; its sizes "
        "are shown, its budgets not checked"]
