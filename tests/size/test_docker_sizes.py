"""The size step against a real engine, once per engine (the classic store of Engine 20.10 and
the containerd store of Engine 26): exact bytes from layers filled with /dev/urandom."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from lint.sinks import size as size_sink
from lint.size import SizeReport, SizeSettings, run_step
from lint.size.docker import BuildRequest, Docker
from lint.size.measure import Archive
from lint.size.report import ImageResult
from tests.size.conftest import Engine, Repo, base_image_bytes

pytestmark = pytest.mark.docker

MakeRepo = Callable[[dict[str, str | None], dict[str, str | None]], Repo]


def blob(name: str, size: int) -> str:
    return f"RUN head -c {size} /dev/urandom > /{name}\n"


def step(repo: Repo, engine: Engine, settings: SizeSettings | None = None,
         event: str = "pull_request", changed: list[str] | None = None) -> SizeReport:
    settings = settings or SizeSettings(docker_command=engine.client)
    return run_step(settings, workspace=repo.path, event_name=event, base_sha=repo.base,
                    head_sha=repo.head, changed=repo.changed() if changed is None else changed,
                    dockerfiles=repo.dockerfiles())


def only(report: SizeReport, name: str = "Dockerfile") -> ImageResult:
    return next(i for i in report.images if i.name == name)


def rows(image: ImageResult) -> list[tuple[int, str, int | None, int | None]]:
    assert image.alignment is not None
    return [(r.line, r.status, r.base, r.head) for r in image.alignment.rows]


def test_adding_a_layer(engine: Engine, busybox_base: str, make_repo: MakeRepo) -> None:
    base = f"FROM {busybox_base}\n" + blob("a", 100_000)
    repo = make_repo({"Dockerfile": base}, {"Dockerfile": base + blob("b", 200_000)})
    report = step(repo, engine)
    image = only(report)
    assert image.status == "compared"
    assert image.base is not None and image.head is not None
    assert image.base.size == base_image_bytes() + 100_000
    assert image.head.size == base_image_bytes() + 300_000
    assert report.delta_bytes == 200_000
    assert rows(image) == [(2, "same", 100_000, 100_000), (3, "added", None, 200_000)]
    assert image.compressed_delta is not None and 200_000 <= image.compressed_delta < 201_000
    assert report.builds == 2
    md = size_sink.markdown(report)
    assert "| 🔺 | Dockerfile | 2.0 MiB | 2.2 MiB | +195.3 KiB | +9.6% |" in md
    assert ("| 3 | RUN head -c 200000 /dev/urandom &gt; /b (new) | — | 195.3 KiB | +195.3 KiB |"
            in md)


def test_removing_and_growing_layers(engine: Engine, busybox_base: str,
                                     make_repo: MakeRepo) -> None:
    base = f"FROM {busybox_base}\n" + blob("a", 100_000) + blob("b", 50_000)
    head = f"FROM {busybox_base}\n" + blob("a", 150_000)
    report = step(make_repo({"Dockerfile": base}, {"Dockerfile": head}), engine)
    image = only(report)
    assert report.delta_bytes == 0
    assert rows(image) == [(2, "changed", 100_000, 150_000), (3, "removed", 50_000, None)]
    assert image.head is not None and image.head.own == 150_000
    # A delta of zero is below the threshold: the image counts as unchanged.
    assert "1 image unchanged: Dockerfile" in size_sink.markdown(report)


def test_inserted_instruction_keeps_later_pairs(engine: Engine, busybox_base: str,
                                                make_repo: MakeRepo) -> None:
    base = f"FROM {busybox_base}\n" + blob("a", 100_000) + "ENV X=1\n" + blob("c", 120_000)
    head = (f"FROM {busybox_base}\n" + blob("a", 100_000) + blob("b", 50_000) + "ENV X=1\n"
            + blob("c", 120_000))
    report = step(make_repo({"Dockerfile": base}, {"Dockerfile": head}), engine)
    image = only(report)
    assert rows(image) == [(2, "same", 100_000, 100_000), (3, "added", None, 50_000),
                           (5, "changed", 120_000, 120_000)]
    assert report.delta_bytes == 50_000
    assert image.alignment is not None
    assert image.alignment.base_image == (base_image_bytes(), base_image_bytes())


def test_multi_stage_target(engine: Engine, busybox_base: str, make_repo: MakeRepo) -> None:
    def dockerfile(built: int) -> str:
        return (f"FROM {busybox_base} AS builder\n" + blob("x", built)
                + f"FROM {busybox_base} AS final\nCOPY --from=builder /x /x\n" + blob("y", 10_000)
                + "FROM final AS debug\n" + blob("z", 500_000))
    images = "- name: app\n  dockerfile: Dockerfile\n  target: final\n"
    settings = SizeSettings.from_env({"INPUT_IMAGES": images,
                                     "INPUT_DOCKER_COMMAND": engine.client})
    report = step(make_repo({"Dockerfile": dockerfile(400_000)},
                            {"Dockerfile": dockerfile(450_000)}), engine, settings)
    image = only(report, "app")
    assert image.head is not None and image.head.size == base_image_bytes() + 460_000
    assert report.delta_bytes == 50_000
    # Line 5 rebuilds on a new parent: new layer content, same size.
    assert rows(image) == [(4, "changed", 400_000, 450_000), (5, "changed", 10_000, 10_000)]
    assert "target final" in size_sink.markdown(report)


def test_build_failing_only_on_base(engine: Engine, busybox_base: str, make_repo: MakeRepo) -> None:
    good = f"FROM {busybox_base}\n" + blob("a", 10_000)
    repo = make_repo({"app/Dockerfile": f"FROM {busybox_base}\nRUN false\n",
                      "other/Dockerfile": good},
                     {"app/Dockerfile": good, "other/Dockerfile": good + blob("b", 20_000)})
    report = step(repo, engine)
    app = only(report, "app/Dockerfile")
    assert app.status == "failed"
    assert app.failure is not None and app.failure.side == "base"
    assert "false" in app.failure.log_tail
    other = only(report, "other/Dockerfile")
    assert other.status == "compared" and other.delta == 20_000
    assert report.delta_bytes == 20_000
    assert "| ❌ | app/Dockerfile | base build failed |" in size_sink.markdown(report)


def test_unchanged_image_is_not_built(engine: Engine, busybox_base: str,
                                      make_repo: MakeRepo) -> None:
    df = f"FROM {busybox_base}\n" + blob("a", 10_000)
    repo = make_repo({"a/Dockerfile": df, "b/Dockerfile": df, "README.md": "x"},
                     {"a/Dockerfile": df + "ENV Y=2\n", "b/Dockerfile": df, "README.md": "y"})
    report = step(repo, engine)
    assert report.builds == 2
    assert only(report, "b/Dockerfile").status == "unchanged"
    # Affected by the changed list but equal content at base and head: no build either.
    again = step(repo, engine, changed=["b/Dockerfile"])
    assert again.builds == 0
    assert only(again, "b/Dockerfile").note == "not built: same content hash at base and head"


def test_waste_from_a_later_delete(engine: Engine, busybox_base: str, make_repo: MakeRepo) -> None:
    base = f"FROM {busybox_base}\n" + blob("a", 10_000)
    head = base + blob("junk", 300_000) + "RUN rm /junk\n"
    report = step(make_repo({"Dockerfile": base}, {"Dockerfile": head}), engine)
    image = only(report)
    assert image.head is not None and image.head.waste == 300_000
    assert image.base is not None and image.base.waste == 0
    (row,) = image.waste
    assert (row.bytes, row.files, row.largest, row.kind) == (300_000, 1, "junk", "deleted")
    assert row.created.startswith("line 3 (RUN head -c 300000")
    assert row.removed == "line 4 (RUN rm /junk)"


def test_build_arg_value_never_appears(engine: Engine, busybox_base: str,
                                       make_repo: MakeRepo, tmp_path: Path) -> None:
    secret = "s3cr3t-build-arg-value-42"
    ok = (f"FROM {busybox_base}\nARG TOKEN\n"
          'RUN echo "$TOKEN" > /token && head -c 20000 /dev/urandom > /pad\n')
    bad = f'FROM {busybox_base}\nARG TOKEN\nRUN echo "token is $TOKEN" && false\n'
    images = (f"- name: ok\n  dockerfile: ok/Dockerfile\n  build-args: {{TOKEN: {secret}}}\n"
              "  max-image-size: 1KiB\n"
              f"- name: bad\n  dockerfile: bad/Dockerfile\n  build-args: {{TOKEN: {secret}}}\n")
    settings = SizeSettings.from_env({"INPUT_IMAGES": images,
                                     "INPUT_DOCKER_COMMAND": engine.client})
    repo = make_repo({"ok/Dockerfile": f"FROM {busybox_base}\n", "bad/Dockerfile": ok},
                     {"ok/Dockerfile": ok, "bad/Dockerfile": bad})
    report = step(repo, engine, settings)
    assert only(report, "bad").failure is not None
    assert "token is ***" in (only(report, "bad").failure.log_tail)  # type: ignore[union-attr]
    everything = (size_sink.markdown(report) + json.dumps(size_sink.to_json(report)) + repr(report)
                  + "".join(f.message for f in report.findings) + repr(settings))
    assert secret not in everything
    assert report.failed and [f.code for f in report.findings] == ["DC501"]


def test_size_only_events_build_head_alone(engine: Engine, busybox_base: str,
                                           make_repo: MakeRepo) -> None:
    df = f"FROM {busybox_base}\n" + blob("a", 10_000)
    repo = make_repo({"Dockerfile": df}, {"Dockerfile": df + blob("b", 1_000)})
    report = run_step(SizeSettings(docker_command=engine.client), workspace=repo.path,
                      event_name="workflow_dispatch", base_sha=None, head_sha=repo.head,
                      changed=None, dockerfiles=repo.dockerfiles())
    image = only(report)
    assert image.status == "head-only" and image.delta is None and report.builds == 1
    assert image.head is not None and image.head.size == base_image_bytes() + 11_000
    assert "| | Dockerfile | 1.9 MiB |" in size_sink.markdown(report)


def test_store_is_the_one_the_engine_is_named_for(engine: Engine) -> None:
    probed = Docker(engine.client).probe()
    if engine.store == "containerd":
        assert probed.store == "containerd (overlayfs)" and probed.server.startswith("26.")
        assert probed.buildx is not None  # the docker 26 client builds through buildx
    else:
        assert probed.store == "classic (overlay2)" and probed.server.startswith("20.10.")
        assert probed.builder == "buildkit" and probed.buildx is None
    assert probed.host_network  # --bridge=none: builds run with --network host


def test_reported_size_is_uncompressed_on_both_stores(engine: Engine, busybox_base: str,
                                                      make_repo: MakeRepo) -> None:
    zeros = "RUN head -c 300000 /dev/zero > /zeros\n"  # gzips to a few hundred bytes
    base = f"FROM {busybox_base}\n"
    report = step(make_repo({"Dockerfile": base}, {"Dockerfile": base + zeros}), engine)
    image = only(report)
    assert image.head is not None and image.head.size == base_image_bytes() + 300_000
    assert report.delta_bytes == 300_000
    assert image.compressed_delta is not None and 0 < image.compressed_delta < 2_000
    # What the engine itself says differs by store (docs/size.md): the classic store's
    # inspect Size is these uncompressed bytes, the containerd store's its compressed content.
    engine.docker("build", "-q", "--network", "host", "-t", "size-tests:zeros", "-",
                  stdin=(base + zeros).encode(), timeout=300)
    said = int(engine.docker("image", "inspect", "--format", "{{.Size}}",
                             "size-tests:zeros").stdout)
    engine.docker("image", "rm", "size-tests:zeros")
    if engine.store == "classic":
        assert said == base_image_bytes() + 300_000
    else:
        assert said < base_image_bytes()


def test_one_image_under_two_tags(engine: Engine, busybox_base: str, tmp_path: Path) -> None:
    """The same build in two contexts: on the containerd store two image indexes (their
    provenance attestations differ) around one image manifest, which containerd 1.7's export
    lists once in manifest.json, with one of the tags; the other is found in index.json."""
    docker = Docker(engine.client)
    tags = []
    for name in ("one", "two"):
        context = tmp_path / name
        context.mkdir()
        (context / "Dockerfile").write_text(f"FROM {busybox_base}\n" + blob("a", 30_000))
        tag = f"size-tests:{name}"
        outcome = docker.build(BuildRequest(context, context / "Dockerfile", tag), timeout=300)
        assert outcome.ok, outcome.log_tail
        tags.append(tag)
    docker.save(tags, tmp_path / "images.tar", timeout=300)
    with Archive(tmp_path / "images.tar") as archive:
        one, two = (archive.image(tag) for tag in tags)
    assert one.size == two.size == base_image_bytes() + 30_000
    assert [layer.diff_id for layer in one.layers] == [layer.diff_id for layer in two.layers]
    docker.remove(tags)
