"""Images from bake files: real ``docker buildx bake --print`` (Engine 26's buildx 0.13.1 from
``scripts/engine26 env``, run standalone: it needs no engine) on variables, inherits, a matrix,
a function, args, platforms and relative paths; the fallback on JSON and literal HCL when buildx
is missing or fails; contexts outside the workspace refused; a huge matrix bounded; and a
change inside a bake target's context measured on a real engine."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from lint.sinks import size as size_sink
from lint.size import SizeSettings, run_step
from lint.size.bakefile import BakeFileError, parse_hcl, parse_json
from lint.size.images import (
    MAX_BAKE_TARGETS,
    Image,
    affected,
    bake_images,
    expand_platforms,
    select,
)
from tests.size.conftest import DOCKER, Engine, Repo, base_image_bytes

MakeRepo = Callable[[dict[str, str | None], dict[str, str | None]], Repo]


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")


def rows(images: list[Image]) -> list[tuple[object, ...]]:
    return [(i.name, i.dockerfile, i.context, i.target, dict(i.build_args), i.platform, i.source)
            for i in images]


EVALUATED = '''\
variable "TAG" { default = "1.0" }
variable "PY" { default = "3.12" }
variable "GITHUB_TOKEN" { default = "none" }
variable "VERSION" { default = "from-default" }
function "flavour" {
  params = [name]
  result = "${lower(name)}-slim"
}
group "default" { targets = ["api", "worker"] }
target "_common" {
  args = { PYTHON_VERSION = PY, TOKEN_SEEN = GITHUB_TOKEN, VERSION = VERSION }
  platforms = ["linux/amd64"]
}
target "api" {
  inherits = ["_common"]
  context = "../services/api"
  dockerfile = "Dockerfile.prod"
  target = flavour("RUNTIME")
  tags = ["api:${TAG}"]
}
target "worker" {
  name = "worker-${kind}"
  matrix = { kind = ["a", "b"] }
  context = "../services/worker"
  dockerfile = "${kind}.Dockerfile"
  args = { KIND = kind }
  platforms = ["linux/s390x", "linux/amd64", "linux/arm64"]
}
target "unused" { context = "../elsewhere" }
'''


def test_buildx_evaluates_variables_inherits_matrix_functions(
        buildx: tuple[str, ...], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The runner's environment never reaches the evaluation: a token, an input, and even a
    # harmless variable of the same name as a bake variable keep their defaults.
    monkeypatch.setenv("GITHUB_TOKEN", "ghs_secretvalue")
    monkeypatch.setenv("VERSION", "from-environment")
    write(tmp_path, {"deploy/docker-bake.hcl": EVALUATED})
    notes: list[str] = []
    images = select(None, tmp_path, [], notes, buildx)
    assert rows(images) == [
        ("api", "services/api/Dockerfile.prod", "services/api", "runtime-slim",
         {"PYTHON_VERSION": "3.12", "TOKEN_SEEN": "none", "VERSION": "from-default"},
         "linux/amd64", "bake"),
        ("worker-a", "services/worker/a.Dockerfile", "services/worker", None, {"KIND": "a"},
         None, "bake"),
        ("worker-b", "services/worker/b.Dockerfile", "services/worker", None, {"KIND": "b"},
         None, "bake"),
    ]
    assert notes == []
    # Several platforms: one row each, in bake's order; one platform is the image's own.
    several = ("linux/s390x", "linux/amd64", "linux/arm64")
    assert [i.platforms for i in images] == [(), several, several]
    expanded = expand_platforms(images, notes)
    assert [(i.name, i.platform, i.family) for i in expanded] == [
        ("api", "linux/amd64", ""),
        *((f"worker-{k} ({p})", p, f"worker-{k}") for k in "ab" for p in several)]
    assert notes == []


def test_without_a_default_every_target_not_inherited_from(buildx: tuple[str, ...],
                                                           tmp_path: Path) -> None:
    write(tmp_path, {"docker-bake.hcl": 'target "base" { args = { A = "1" } }\n'
                                        'target "app" {\n  inherits = ["base"]\n'
                                        '  context = "app"\n}\n'
                                        'target "tool" { dockerfile = "tool.Dockerfile" }\n'})
    notes: list[str] = []
    assert rows(select(None, tmp_path, [], notes, buildx)) == [
        ("app", "app/Dockerfile", "app", None, {"A": "1"}, None, "bake"),
        ("tool", "tool.Dockerfile", "", None, {}, None, "bake")]
    assert notes == []


def test_buildx_reads_json_and_override_files(buildx: tuple[str, ...], tmp_path: Path) -> None:
    write(tmp_path, {
        "docker-bake.json": '{"variable": {"V": {"default": "7"}}, "target": {"default": '
                            '{"context": "app", "args": {"A": "${V}", "B": "b"}}}}',
        "docker-bake.override.hcl": 'target "default" {\n  args = { B = "override" }\n'
                                    '  dockerfile = "Dockerfile.dev"\n}\n'})
    notes: list[str] = []
    assert rows(select(None, tmp_path, [], notes, buildx)) == [
        ("default", "app/Dockerfile.dev", "app", None, {"A": "7", "B": "override"}, None, "bake")]
    assert notes == []


LITERAL = '''\
# a comment
// another
/* and a
   block comment */
variable "TAG" { default = "x" }
group "default" {
  targets = ["app", "docs", "templated", "matrixed", "called", "derived", "tagged"]
}
target "app" {
  context = "app"
  dockerfile = "Dockerfile.prod"
  target = "runtime"
  args = {
    PLAIN = "a \\"quoted\\" value"
    "DOLLAR" = "$${NOT_INTERPOLATED}"
    NUMBER = 3
    FLAG: true,
    NOTHING = null
  }
  platforms = [
    "linux/amd64",
  ]
  tags = ["app:${TAG}"]
}
target "docs" {
  dockerfile = <<EOT
docs.Dockerfile
EOT
}
target "templated" { context = "${TAG}" }
target "matrixed" {
  matrix = { v = ["1", "2"] }
  args = { V = "1" }
}
target "called" { target = upper("x") }
target "derived" { inherits = ["app"] }
target "tagged" { args = { X = TAG } }
'''


def test_literal_hcl_without_buildx(tmp_path: Path) -> None:
    write(tmp_path, {"docker-bake.hcl": LITERAL})
    notes: list[str] = []
    images = select(None, tmp_path, [], notes, (str(tmp_path / "no-such-buildx"),))
    assert rows(images) == [
        ("app", "app/Dockerfile.prod", "app", "runtime",
         {"PLAIN": 'a "quoted" value', "DOLLAR": "${NOT_INTERPOLATED}", "NUMBER": "3",
          "FLAG": "true"}, "linux/amd64", "bake"),
        ("docs", "docs.Dockerfile\n", "", None, {}, None, "bake"),
    ]
    missing = str(tmp_path / "no-such-buildx")
    why = "without buildx it cannot be evaluated"
    assert notes == [
        f"docker-bake.hcl: evaluated without buildx (buildx: {missing} could not run (No such "
        "file or directory)): literal values only",
        f"docker-bake.hcl: target called is not measured: {why} (target is a function call "
        "(upper))",
        f"docker-bake.hcl: target derived is not measured: {why} (it uses inherits)",
        f"docker-bake.hcl: target matrixed is not measured: {why} (it uses matrix)",
        f"docker-bake.hcl: target tagged is not measured: {why} (args is a variable reference "
        "(TAG))",
        f"docker-bake.hcl: target templated is not measured: {why} (context is a ${{…}} "
        "interpolation)",
    ]


def test_override_files_merge_as_buildx_merges_them(tmp_path: Path) -> None:
    write(tmp_path, {
        "docker-bake.hcl": 'group "default" { targets = ["a", "b"] }\n'
                           'target "a" {\n  args = { A = "1", B = "2" }\n  context = "x"\n}\n'
                           'target "b" {\n  args = { A = FROM_A_VARIABLE }\n}\n',
        "docker-bake.override.hcl": 'target "a" {\n  args = { B = "over" }\n'
                                    '  dockerfile = "Dockerfile.dev"\n}\n'
                                    'target "b" {\n  args = { C = "3" }\n}\n'})
    notes: list[str] = []
    assert rows(select(None, tmp_path, [], notes, None)) == [
        ("a", "x/Dockerfile.dev", "x", None, {"A": "1", "B": "over"}, None, "bake")]
    assert notes == [
        "docker-bake.hcl, docker-bake.override.hcl: evaluated without buildx (no buildx was "
        "given): literal values only",
        "docker-bake.hcl, docker-bake.override.hcl: target b is not measured: without buildx it "
        "cannot be evaluated (args is a variable reference (FROM_A_VARIABLE))"]


def test_docs_heredoc_keeps_its_newline() -> None:
    # A heredoc is a literal with its final newline, as in HCL: buildx would look for the same
    # odd name (and the build would fail, which the size report says), not a guessed one.
    assert parse_hcl('target "d" {\n  dockerfile = <<EOT\nx\nEOT\n}\n').targets == {
        "d": {"dockerfile": "x\n"}}


def test_json_without_buildx_and_buildx_failing(buildx: tuple[str, ...], tmp_path: Path) -> None:
    # buildx rejects the file (an unknown variable): the fallback still reads what is literal.
    write(tmp_path, {"docker-bake.json": '''{
      "group": {"default": {"targets": ["app", "ghost", "later", "inherit"]}},
      "target": {
        "app": {"context": "app", "args": {"A": "$${KEEP}"}, "platforms": ["linux/amd64"]},
        "later": {"dockerfile": "${UNDEFINED_VARIABLE}.Dockerfile"},
        "inherit": {"inherits": ["app"]}
      }
    }'''})
    notes: list[str] = []
    images = select(None, tmp_path, [], notes, buildx)
    assert rows(images) == [
        ("app", "app/Dockerfile", "app", None, {"A": "${KEEP}"}, "linux/amd64", "bake")]
    assert notes[0].startswith("docker-bake.json: evaluated without buildx (buildx: exited with "
                               "1: ")
    assert "UNDEFINED_VARIABLE" in notes[0] and notes[0].endswith("): literal values only")
    assert notes[1:] == [
        "docker-bake.json: target ghost is not defined",
        "docker-bake.json: target inherit is not measured: without buildx it cannot be "
        "evaluated (it uses inherits)",
        "docker-bake.json: target later is not measured: without buildx it cannot be evaluated "
        "(dockerfile is a ${…} interpolation)",
    ]


def test_a_docker_client_without_the_plugin_falls_back(tmp_path: Path) -> None:
    # The 20.10 client scripts/setup installs has no buildx plugin (it answers "unknown flag:
    # --progress", exit 125; so does the preinstalled docker 28 client).
    if not Path(DOCKER).exists():
        pytest.skip(f"{DOCKER} is not installed (scripts/setup installs it)")
    probe = subprocess.run([DOCKER, "buildx", "version"], capture_output=True, check=False,
                           env={"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path),
                                "DOCKER_CONFIG": str(tmp_path)})
    if probe.returncode == 0:
        pytest.skip(f"{DOCKER} has a buildx plugin here")
    write(tmp_path, {"ws/docker-bake.hcl": 'target "default" { context = "app" }\n'})
    notes: list[str] = []
    images = select(None, tmp_path / "ws", [], notes, (DOCKER, "buildx"))
    assert rows(images) == [("default", "app/Dockerfile", "app", None, {}, None, "bake")]
    assert notes == [f"docker-bake.hcl: evaluated without buildx (buildx: {DOCKER} buildx is "
                     "not available): literal values only"]


@pytest.mark.parametrize("with_buildx", [True, False])
def test_contexts_outside_the_workspace_are_refused(with_buildx: bool, buildx: tuple[str, ...],
                                                    tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    write(tmp_path, {"outside/Dockerfile": "FROM scratch\n"})
    (ws / "app").mkdir(parents=True)
    (ws / "escape").symlink_to(tmp_path / "outside")
    (ws / "inside").symlink_to(ws / "app")
    write(ws, {"docker-bake.hcl": '''
group "default" { targets = ["up", "absolute", "link", "dockerfile", "ok", "via-inside"] }
target "up" { context = "../outside" }
target "absolute" { context = "/etc" }
target "link" { context = "escape" }
target "dockerfile" {
  context = "app"
  dockerfile = "../../outside/Dockerfile"
}
target "ok" { context = "app" }
target "via-inside" { context = "inside" }
'''})
    # A bake file that is a symlink out of the workspace is not read at all.
    (ws / "sub").mkdir()
    write(tmp_path, {"outside/docker-bake.hcl": 'target "default" { context = "." }\n'})
    (ws / "sub" / "docker-bake.hcl").symlink_to(tmp_path / "outside" / "docker-bake.hcl")
    notes: list[str] = []
    images = select(None, ws, [], notes, buildx if with_buildx else None)
    assert rows(images) == [("ok", "app/Dockerfile", "app", None, {}, None, "bake"),
                            ("via-inside", "inside/Dockerfile", "inside", None, {}, None, "bake")]
    refused = [f"docker-bake.hcl: target {name} is not measured: its context or Dockerfile is "
               "outside the repository" for name in ("absolute", "dockerfile", "link", "up")]
    if not with_buildx:
        refused.insert(0, "docker-bake.hcl: evaluated without buildx (no buildx was given): "
                          "literal values only")
    assert notes == refused


HUGE = '''\
target "m" {
  name = "m-${a}-${b}"
  matrix = { a = range(300), b = range(300) }
  args = { A = a, B = b }
}
target "small" {
  name = "s-${a}"
  matrix = { a = range(400) }
}
'''


def test_a_huge_matrix_is_stopped_in_time(buildx: tuple[str, ...], tmp_path: Path) -> None:
    write(tmp_path, {"docker-bake.hcl": HUGE.replace('target "small"', 'target "_small"')})
    notes: list[str] = []
    started = time.monotonic()
    assert bake_images(tmp_path, notes, buildx, timeout=2) == []
    assert time.monotonic() - started < 6
    assert notes == [
        "docker-bake.hcl: evaluated without buildx (buildx: stopped: it did not finish within "
        "2 s): literal values only",
        "docker-bake.hcl: target _small is not measured: without buildx it cannot be evaluated "
        "(it uses matrix)",
        "docker-bake.hcl: target m is not measured: without buildx it cannot be evaluated "
        "(args is a variable reference (a); it uses matrix)",
    ]


def test_output_is_bounded_and_targets_are_capped(buildx: tuple[str, ...],
                                                   tmp_path: Path) -> None:
    write(tmp_path, {"docker-bake.hcl": 'target "default" {\n  name = "s-${a}"\n'
                                        '  matrix = { a = range(100) }\n}\n'})
    notes: list[str] = []
    assert bake_images(tmp_path, notes, buildx, max_output=2000) == []
    assert notes[0] == ("docker-bake.hcl: evaluated without buildx (buildx: stopped: it wrote "
                        "more than 2,000 bytes): literal values only")
    notes = []
    images = bake_images(tmp_path, notes, buildx)
    assert len(images) == MAX_BAKE_TARGETS == 64
    assert images[0].name == "s-0" and images[-1].name == "s-66"  # by name: s-0, s-1, s-10 ...
    assert notes == ["docker-bake.hcl: 100 targets; only the first 64 by name are measured"]


@pytest.mark.parametrize(("text", "message"), [
    ('target "a" {\n  context = "x\n}\n', "line 2: a string is not closed"),
    ('target "a" {\n  args = { A = "1" \n', "line 1: { is not closed"),
    ('target "a" {\n  context = "x" ]\n}\n', "line 2: unbalanced ]"),
    ('target "a" {\n  x = <<EOT\nnever closed\n}\n', "line 2: heredoc EOT is not closed"),
    ('target "a" {\n  context = "x" @\n}\n', "line 2: unexpected character '@'"),
])
def test_unreadable_hcl_says_where(text: str, message: str) -> None:
    with pytest.raises(BakeFileError) as err:
        parse_hcl(text)
    assert str(err.value) == message


def test_unreadable_without_buildx_is_a_note(tmp_path: Path) -> None:
    write(tmp_path, {"docker-bake.json": "{not json"})
    notes: list[str] = []
    assert select(None, tmp_path, [], notes, None) == []
    assert notes == ["docker-bake.json: no buildx was given; not readable without buildx either "
                     "(line 1: not valid JSON (Expecting property name enclosed in double "
                     "quotes)); its images are not measured"]
    assert parse_json('{"target": {"a": {"args": {"${K}": "v"}}}}').targets["a"]["args"].why == (
        "a ${…} interpolation")


def test_images_input_wins_and_compose_duplicates_are_dropped(buildx: tuple[str, ...],
                                                              tmp_path: Path) -> None:
    write(tmp_path, {
        "docker-bake.hcl": 'group "default" { targets = ["web", "job"] }\n'
                           'target "web" { context = "web" }\n'
                           'target "job" { context = "job" }\n',
        "compose.yaml": "services:\n  web:\n    build: web\n",
        "web/Dockerfile": "FROM scratch\n", "job/Dockerfile": "FROM scratch\n",
        "other/Dockerfile": "FROM scratch\n"})
    notes: list[str] = []
    images = select(None, tmp_path, ["web/Dockerfile", "job/Dockerfile", "other/Dockerfile"],
                    notes, buildx)
    assert [(i.name, i.source) for i in images] == [
        ("web", "compose"), ("job", "bake"), ("other/Dockerfile", "dockerfile")]
    settings = SizeSettings.from_env({"INPUT_IMAGES": "- dockerfile: web/Dockerfile\n"})
    assert [i.source for i in select(settings.images, tmp_path, [], notes, buildx)] == ["images"]


def test_buildx_command_setting() -> None:
    assert SizeSettings.from_env({}).buildx_command == ("docker", "buildx")
    assert SizeSettings.from_env({"INPUT_DOCKER_COMMAND": "/usr/bin/docker"}).buildx_command == (
        "/usr/bin/docker", "buildx")
    assert SizeSettings.from_env({"BUILDX": "/opt/docker-buildx"}).buildx_command == (
        "/opt/docker-buildx",)


def test_a_change_in_a_bake_context_affects_that_image(buildx: tuple[str, ...],
                                                       tmp_path: Path) -> None:
    write(tmp_path, {"deploy/docker-bake.hcl": EVALUATED})
    api, worker_a, _ = select(None, tmp_path, [], [], buildx)
    assert affected(api, ["services/api/src/main.py"], None)
    assert not affected(api, ["services/worker/a.Dockerfile"], None)
    assert affected(worker_a, ["services/worker/a.Dockerfile"], None)
    assert not affected(worker_a, ["services/api/src/main.py", "deploy/README.md"], None)


BAKE = '''\
variable "SIZE" { default = "150000" }
group "default" { targets = ["app", "tool"] }
target "app" {
  context = "app"
  dockerfile = "Dockerfile.bake"
  args = { SIZE = SIZE }
}
target "tool" { context = "tool" }
'''


@pytest.mark.docker
def test_a_pull_request_changing_a_bake_context_measures_it(
        engine: Engine, busybox_base: str, make_repo: MakeRepo, buildx: tuple[str, ...]) -> None:
    dockerfile = (f"FROM {busybox_base}\nARG SIZE\nRUN head -c $SIZE /dev/urandom > /blob\n"
                  "COPY data /data\n")
    base: dict[str, str | None] = {
        "docker-bake.hcl": BAKE, "app/Dockerfile.bake": dockerfile, "app/data": "x" * 1000,
        "tool/Dockerfile": f"FROM {busybox_base}\n"}
    # The head also raises SIZE in the bake file: the base is built from the base's own bake
    # file (SIZE 150000), the head from the head's (160000), and the report says so.
    repo = make_repo(base, {"app/data": "x" * 5000,
                            "docker-bake.hcl": BAKE.replace("150000", "160000")})
    settings = SizeSettings(docker_command=engine.client, buildx_command=buildx)
    report = run_step(settings, workspace=repo.path, event_name="pull_request",
                      base_sha=repo.base, head_sha=repo.head, changed=repo.changed(),
                      dockerfiles=repo.dockerfiles())
    by_name = {i.name: i for i in report.images}
    assert sorted(by_name) == ["app", "tool"]
    app = by_name["app"]
    assert (app.status, app.dockerfile, app.context) == ("compared", "app/Dockerfile.bake", "app")
    assert app.base is not None and app.head is not None
    assert app.base.size == base_image_bytes() + 150_000 + 1000
    assert app.head.size == base_image_bytes() + 160_000 + 5000
    assert app.delta == 14_000
    # The RUN layer grew by the arg alone, the COPY layer by the context's change.
    assert app.alignment is not None
    assert [(r.keyword, r.base, r.head) for r in app.alignment.rows] == [
        ("RUN", 150_000, 160_000), ("COPY", 1000, 5000)]
    # Its definition did not change: "unchanged", as before.
    assert (by_name["tool"].status, by_name["tool"].note) == (
        "unchanged", "not built: no change to its Dockerfile or context")
    assert report.builds == 2
    assert report.notes == []
    assert app.base_source is not None and app.base_source.definition is not None
    md = size_sink.markdown(report)
    assert (f"base: built here at `{repo.base[:12]}` from the base branch's docker-bake.hcl "
            "target `app`: args differ (`SIZE`); measured by engine") in md
    assert "150000" not in md and "160000" not in md  # build-arg values never reach it
