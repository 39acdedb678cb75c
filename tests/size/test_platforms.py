"""One row per platform: an image naming several platforms (the ``images`` input's
``platforms:``, bake's ``platforms``, compose's ``build.platforms``) is measured once per
platform. Pure tests of the forms, names and bounds; then, once per engine, two platforms built
here from ``FROM scratch`` and ``COPY`` (no ``RUN``: no emulation needed) with exact bytes per
row, and a base read per platform from a two-platform index in a real registry on loopback."""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from lint.inputs import Secret
from lint.sinks import size as size_sink
from lint.size import SizeSettings
from lint.size import platforms as _platforms
from lint.size.align import Alignment
from lint.size.images import expand_platforms, select
from lint.size.report import Failure, ImageResult, Side, SizeReport
from lint.size.settings import SizeSettingsError, parse_images
from tests.size.conftest import Engine, Repo
from tests.size.registry_server import Registry, layer_tar
from tests.size.test_docker_sizes import step

MakeRepo = Callable[[dict[str, str | None], dict[str, str | None]], Repo]
AMD, ARM, S390X = "linux/amd64", "linux/arm64", "linux/s390x"


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")


# --- pure: forms, names, bounds -------------------------------------------------------------


def test_images_input_takes_a_list_or_buildx_comma_string() -> None:
    (listed, comma, single, none) = parse_images(
        "- name: a\n  dockerfile: a/Dockerfile\n  platforms: [linux/amd64, linux/arm64/v8]\n"
        "- name: b\n  dockerfile: b/Dockerfile\n"
        "  platforms: 'linux/amd64, linux/arm64,linux/amd64'\n"
        "- name: c\n  dockerfile: c/Dockerfile\n  platform: linux/arm64\n"
        "- name: d\n  dockerfile: d/Dockerfile\n  platforms: ''\n") or ()
    assert listed.platforms == (AMD, "linux/arm64/v8")
    assert comma.platforms == (AMD, ARM)  # each once, in the order given
    assert (single.platform, single.platforms) == (ARM, ())
    assert (none.platform, none.platforms) == (None, ())
    assert "platforms=('linux/amd64', 'linux/arm64/v8')" in repr(listed)


@pytest.mark.parametrize(("entry", "message"), [
    ("  platform: linux/amd64\n  platforms: [linux/arm64]\n",
     "input images[0]: give platform or platforms, not both"),
    ("  platforms: [linux/amd64, arm64]\n",
     "input images[0]: platforms: 'arm64' is not a platform (os/arch[/variant])"),
    ("  platforms: {linux: amd64}\n",
     "input images[0]: platforms: expected a list or a comma-separated string of platforms"),
    ("  platforms: 'linux/amd64,,linux/arm64'\n",
     "input images[0]: platforms: '' is not a platform (os/arch[/variant])"),
])
def test_bad_platforms_say_where(entry: str, message: str) -> None:
    with pytest.raises(SizeSettingsError) as caught:
        parse_images("- dockerfile: Dockerfile\n" + entry)
    assert str(caught.value) == message


def test_rows_are_named_by_platform_and_bounded() -> None:
    assert _platforms.expand("app", (AMD, ARM)) == (
        [("app (linux/amd64)", AMD), ("app (linux/arm64)", ARM)], None)
    assert _platforms.expand("app", (ARM,)) == ([("app", ARM)], None)  # one: the plain name
    many = tuple(f"linux/arch{n}" for n in range(10))
    rows, note = _platforms.expand("app", many)
    assert [p for _, p in rows] == list(many[:8]) and len(rows) == _platforms.MAX_PLATFORMS
    assert note == ("image app: 10 platforms; only the first 8 are measured (not linux/arch8, "
                    "linux/arch9)")


def test_platforms_match_as_an_index_is_read() -> None:
    assert _platforms.matches("linux/arm64", "linux/arm64/v8")
    assert _platforms.matches("linux/arm/v7", "linux/arm/v7")
    assert not _platforms.matches("linux/arm/v6", "linux/arm/v7")
    assert not _platforms.matches("linux/amd64", "linux/arm64")
    assert not _platforms.matches("windows/amd64", "linux/amd64")


def test_a_foreign_platform_failure_says_to_set_up_qemu() -> None:
    assert _platforms.failure_note("head", AMD, AMD, "exec format error") == "head build failed"
    assert _platforms.failure_note("head", None, AMD, "") == "head build failed"
    assert _platforms.failure_note("base", ARM, AMD, "#5 exec /bin/sh: exec format error") == (
        "base build failed for linux/arm64: this machine (linux/amd64) cannot run its programs "
        "(exec format error); set up QEMU (docker/setup-qemu-action) before this step")
    assert _platforms.failure_note("head", ARM, AMD, "COPY failed: not found") == (
        "head build failed for linux/arm64, not this machine's linux/amd64: if a RUN failed "
        "there, set up QEMU (docker/setup-qemu-action) before this step")


def test_images_expand_one_per_platform(tmp_path: Path) -> None:
    write(tmp_path, {"app/Dockerfile": "FROM scratch\n", "pre/Dockerfile": "FROM scratch\n"})
    specs = parse_images(
        "- name: app\n  dockerfile: app/Dockerfile\n  platforms: linux/amd64,linux/arm64\n"
        "- name: pre\n  dockerfile: pre/Dockerfile\n  platforms: linux/amd64,linux/arm64\n"
        "  image: ghcr.io/org/pre:pr-1\n")
    notes: list[str] = []
    images = expand_platforms(select(specs, tmp_path, [], notes), notes)
    assert [(i.name, i.platform, i.family, i.platforms, i.defined_as) for i in images] == [
        ("app (linux/amd64)", AMD, "app", (AMD, ARM), "app"),
        ("app (linux/arm64)", ARM, "app", (AMD, ARM), "app"),
        ("pre", None, "", (), "pre"),
    ]
    # A head already built is one image in the engine: measured for its own platform.
    assert notes == ["image pre: the head already built (ghcr.io/org/pre:pr-1) is measured for "
                     "its own platform only, not for each of linux/amd64, linux/arm64"]
    assert expand_platforms(images, notes) == images  # rows are not expanded again


def test_compose_build_platforms(tmp_path: Path) -> None:
    write(tmp_path, {
        "compose.yaml": ("services:\n"
                         "  web:\n    build:\n      context: web\n"
                         "      platforms: [linux/amd64, linux/arm64]\n"
                         "  one:\n    build:\n      context: one\n      platforms: [linux/arm64]\n"
                         "  bad:\n    build:\n      context: bad\n      platforms: [amd64]\n"),
        "web/Dockerfile": "FROM scratch\n", "one/Dockerfile": "FROM scratch\n",
        "bad/Dockerfile": "FROM scratch\n"})
    notes: list[str] = []
    images = select(None, tmp_path, [], notes)
    assert [(i.name, i.platform, i.platforms) for i in images] == [
        ("web", None, (AMD, ARM)), ("one", ARM, ())]
    assert notes == ["compose.yaml: service bad: platforms: 'amd64' is not a platform "
                     "(os/arch[/variant]); not measured"]
    assert [(i.name, i.platform) for i in expand_platforms(images, notes)] == [
        ("web (linux/amd64)", AMD), ("web (linux/arm64)", ARM), ("one", ARM)]


def test_rows_render_escaped_with_their_platform() -> None:
    report = SizeReport(compared=True, base_sha="b" * 40, builder="BuildKit")
    report.images.append(ImageResult(
        "<app> (linux/arm64)", "Dockerfile", "", None, "failed", platform=ARM,
        failure=Failure("head", "exec /bin/sh: exec format error"),
        note=_platforms.failure_note("head", ARM, AMD, "exec format error")))
    md = size_sink.markdown(report)
    assert "| ❌ | &lt;app&gt; (linux/arm64) | head build failed |" in md
    assert ("head build failed for linux/arm64: this machine (linux/amd64) cannot run its "
            "programs (exec format error); set up QEMU (docker/setup-qemu-action) before this "
            "step") in md
    data = size_sink.to_json(report)["images"][0]
    assert (data["name"], data["platform"]) == ("<app> (linux/arm64)", ARM)


# --- engines: two platforms built here ------------------------------------------------------

#: The file both sides share comes first: a layer after a changed one is built again from the
#: base's checkout, whose files carry other modification times (a row that would then depend on
#: the clock), while a first layer of the same content is BuildKit's cache hit on both sides.
PER_ARCH = ("FROM scratch\nARG TARGETARCH\nCOPY common.bin /common\n"
            "COPY ${TARGETARCH}.bin /payload\n")
TWO = "- name: app\n  dockerfile: Dockerfile\n  platforms: linux/amd64,linux/arm64\n"


@pytest.mark.docker
def test_two_platforms_built_here_give_a_row_each(engine: Engine, make_repo: MakeRepo) -> None:
    files = {"Dockerfile": PER_ARCH, "common.bin": "c" * 5_000}
    repo = make_repo({**files, "amd64.bin": "a" * 10_000, "arm64.bin": "r" * 20_000},
                     {**files, "amd64.bin": "a" * 15_000, "arm64.bin": "r" * 40_000})
    report = step(repo, engine, SizeSettings(docker_command=engine.client,
                                             images=parse_images(TWO)))
    assert report.builds == 4 and report.notes == []
    got = [(i.name, i.platform, i.status, i.base.size if i.base else None,
            i.head.size if i.head else None, i.delta) for i in report.images]
    assert got == [("app (linux/amd64)", AMD, "compared", 15_000, 20_000, 5_000),
                   ("app (linux/arm64)", ARM, "compared", 25_000, 45_000, 20_000)]
    for image, (base, head) in zip(report.images, ((10_000, 15_000), (20_000, 40_000)),
                                   strict=True):
        assert image.alignment is not None
        assert [(r.line, r.status, r.base, r.head) for r in image.alignment.rows] == [
            (3, "same", 5_000, 5_000), (4, "changed", base, head)]
    md = size_sink.markdown(report)
    assert "| 🔺 | app (linux/amd64) | 14.6 KiB | 19.5 KiB | +4.9 KiB | +33.3% |" in md
    assert "| 🔺 | app (linux/arm64) | 24.4 KiB | 43.9 KiB | +19.5 KiB | +80.0% |" in md
    data = json.loads(json.dumps(size_sink.to_json(report)))["images"]
    assert [(d["name"], d["platform"], d["delta_bytes"]) for d in data] == [
        ("app (linux/amd64)", AMD, 5_000), ("app (linux/arm64)", ARM, 20_000)]


# --- a registry base: each row's base from its own platform's manifest ----------------------


@pytest.mark.docker
@pytest.mark.slow
def test_each_row_reads_its_own_platform_of_the_base_index(
        engine: Engine, registry: Registry, make_repo: MakeRepo) -> None:
    dockerfile = "FROM scratch\nCOPY payload.bin /payload\n"
    repo = make_repo({"Dockerfile": dockerfile, "payload.bin": "p" * 1_000},
                     {"Dockerfile": dockerfile, "payload.bin": "p" * 30_000})
    published = {AMD: layer_tar({"payload": b"a" * 10_000}),
                 ARM: layer_tar({"payload": b"r" * 25_000})}
    children = []
    for platform, layer in published.items():
        digest, size = registry.push_image(
            "org/app", None, [layer], ["COPY payload.bin /payload # buildkit"],
            platform=platform, labels={"org.opencontainers.image.revision": repo.base})
        children.append((platform, digest, size))
    index = registry.push_index("org/app", "main", children)
    images = ("- name: app\n  dockerfile: Dockerfile\n"
              "  platforms: linux/amd64,linux/arm64,linux/s390x\n"
              f"  base-image: {registry.host}/org/app:main\n")
    settings = SizeSettings(docker_command=engine.client, images=parse_images(images),
                            registry_username=registry.user,
                            registry_password=Secret(registry.password))
    report = step(repo, engine, settings)
    assert report.builds == 3  # the heads only
    got = {i.platform: i for i in report.images}
    assert [i.name for i in report.images] == [
        "app (linux/amd64)", "app (linux/arm64)", "app (linux/s390x)"]
    for platform, base_bytes in ((AMD, 10_000), (ARM, 25_000)):
        image = got[platform]
        assert image.status == "compared" and image.note == ""
        assert image.base is not None and image.head is not None
        assert (image.base.size, image.head.size, image.delta) == (
            base_bytes, 30_000, 30_000 - base_bytes)
        source = image.base_source
        assert source is not None and source.kind == "registry"
        assert (source.digest, source.platform, source.revision) == (index, platform,
                                                                     repo.base)
        blob_bytes = len(gzip.compress(published[platform], 6, mtime=0))
        assert source.downloaded == blob_bytes  # its own platform's layer, nothing else
        assert image.base.compressed == blob_bytes and image.base.compressed_exact
        assert image.base_platforms == ()  # the index's other platform has its own row
    # A platform the index lacks: new at the base, with a note.
    s390x = got[S390X]
    missing = (f"the base image {registry.host}/org/app:main has no linux/s390x image (it has "
               "linux/amd64, linux/arm64); new at the base")
    assert (s390x.status, s390x.note, s390x.base, s390x.delta) == ("new", missing, None, None)
    assert s390x.head is not None and s390x.head.size == 30_000
    assert report.notes == [f"image app (linux/s390x): {missing}"]
    md = size_sink.markdown(report)
    assert "| 🆕 | app (linux/s390x) (new) | — | 29.3 KiB | — | — | — |" in md
    data = json.loads(json.dumps(size_sink.to_json(report)))["images"]
    assert [(d["platform"], d["base_source"] and d["base_source"]["platform"])
            for d in data] == [(AMD, AMD), (ARM, ARM), (S390X, None)]


def test_an_image_without_platforms_lists_the_others_with_how_to_get_rows() -> None:
    report = SizeReport(compared=True, base_sha="b" * 40, builder="BuildKit")
    report.images.append(ImageResult(
        "app", "Dockerfile", "", None, "compared", base=Side(0, 0, 0),
        head=Side(4096, 0, 4096), alignment=Alignment((0, 0), "scratch", ()),
        base_platforms=((ARM, 2 * 1024 * 1024),)))
    assert ("Other platforms of the base image, compressed (not compared): linux/arm64 "
            "2.0 MiB. Name them in `platforms` (the `images` entry, the bake target or the "
            "compose `build`) for a row each.") in size_sink.markdown(report)


def test_a_base_definition_of_several_platforms_gives_the_rows_platform() -> None:
    from lint.size.definition import Build, Found
    from lint.size.images import Definitions, Image, native_platform

    defined = Definitions("docker-bake.hcl", images={"app": Image(
        "app", "Dockerfile", "", platforms=(AMD, ARM), source="bake")})
    assert defined.found("app", ARM) == Found(Build("Dockerfile", "", platform=ARM))
    assert defined.found("app", S390X) == Found()  # not built for it: new at the base
    # An image of one platform (the head's names none): the machine's own, else the first.
    native = native_platform()
    assert defined.found("app") == Found(Build("Dockerfile", "", platform=native
                                               if native in (AMD, ARM) else AMD))
    # A definition of one platform, or of none (the machine's), builds only that one.
    native_only = Definitions("compose.yaml", images={
        "one": Image("one", "Dockerfile", "", platform=ARM, source="compose"),
        "none": Image("none", "Dockerfile", "", source="compose")})
    assert native_only.found("one", ARM) == Found(Build("Dockerfile", "", platform=ARM))
    assert native_only.found("one", AMD) == Found()
    assert native_only.found("none", native) == Found(Build("Dockerfile", "", platform=native))
    assert native_only.found("none", S390X) == Found()


def test_a_platform_added_to_a_compose_definition_is_new_at_the_base(
        make_repo: MakeRepo) -> None:
    from lint.size.step import plan

    compose = ("services:\n  web:\n    build:\n      context: web\n"
               "      platforms: [{}]\n")
    repo = make_repo({"compose.yaml": compose.format(AMD), "web/Dockerfile": "FROM scratch\n"},
                     {"compose.yaml": compose.format(f"{AMD}, {ARM}")})
    planned, report = plan(SizeSettings(buildx_command=()), workspace=repo.path,
                           base_sha=repo.base, head_sha=repo.head, changed=repo.changed(),
                           dockerfiles=repo.dockerfiles())
    # linux/amd64 is built alike at both commits and its context did not change: unchanged.
    assert [(i.name, i.status, i.platform) for i in report.images] == [
        ("web (linux/amd64)", "unchanged", AMD)]
    assert [(p.status, p.head.name, p.head.platform, p.base) for p in planned] == [
        ("new", "web (linux/arm64)", ARM, None)]
    assert report.notes == ["image web (linux/arm64): the base branch's service web of "
                            "compose.yaml is not built for linux/arm64; new at the base"]


#: A program for no machine (ELF, 64-bit, e_machine 0x1234): the kernel and every binfmt handler
#: refuse it with ENOEXEC, as a machine without QEMU refuses an arm64 binary.
FOREIGN = (b"\x7fELF\x02\x01\x01" + b"\0" * 9 + b"\x02\x00\x34\x12" + b"\0" * 44)


@pytest.mark.docker
def test_a_platform_whose_build_fails_is_that_rows_failure(engine: Engine,
                                                           tmp_path: Path) -> None:
    from tests.size.conftest import BUSYBOX

    repo = Repo(tmp_path / "repo")
    repo.path.mkdir()
    repo.git("init", "-q", "-b", "main")
    (repo.path / "amd64").mkdir()
    (repo.path / "s390x").mkdir()
    (repo.path / "amd64" / "tool").write_bytes(BUSYBOX.read_bytes())
    (repo.path / "s390x" / "tool").write_bytes(FOREIGN)
    for tool in ("amd64/tool", "s390x/tool"):
        (repo.path / tool).chmod(0o755)
    repo.base = repo.commit({"Dockerfile": "FROM scratch\nARG TARGETARCH\n"
                             "COPY ${TARGETARCH}/tool /true\nRUN [\"/true\"]\n"})
    repo.head = repo.commit({"data.bin": "d" * 3_000, "Dockerfile": (
        "FROM scratch\nARG TARGETARCH\nCOPY ${TARGETARCH}/tool /true\nRUN [\"/true\"]\n"
        "COPY data.bin /data\n")})
    images = "- name: app\n  dockerfile: Dockerfile\n  platforms: [linux/amd64, linux/s390x]\n"
    report = step(repo, engine, SizeSettings(docker_command=engine.client,
                                             images=parse_images(images)))
    amd, s390x = report.images
    assert (amd.name, amd.status, amd.delta) == ("app (linux/amd64)", "compared", 3_000)
    assert (s390x.name, s390x.status, s390x.platform) == ("app (linux/s390x)", "failed", S390X)
    assert s390x.failure is not None and s390x.failure.side == "head"
    assert "exec format error" in s390x.failure.log_tail
    assert s390x.note == _platforms.failure_note("head", S390X, AMD, "exec format error")
    assert "set up QEMU (docker/setup-qemu-action)" in size_sink.markdown(report)
