"""The base side of a compose- or bake-defined image comes from the base tree's own definition
(``lint.size.definition``, ``lint.size.step.plan``): git repositories with a base and a head
commit, real ``docker buildx bake --print`` (Engine 26's buildx, run standalone: no engine),
exact images per side. The byte delta that follows from the base's own build arg is measured
on both engines in ``test_bake.py::test_a_pull_request_changing_a_bake_context_measures_it``."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

from lint.sinks import size as size_sink
from lint.size import SizeSettings
from lint.size.definition import Build, Found, Origin, choose, differences
from lint.size.images import Image
from lint.size.report import Source
from lint.size.step import Planned, plan
from tests.size.conftest import Repo

MakeRepo = Callable[[dict[str, str | None], dict[str, str | None]], Repo]
DF = "FROM local/busybox:size-tests\nARG SIZE\nRUN head -c $SIZE /dev/zero > /blob\n"

BAKE = '''\
variable "SIZE" { default = "150000" }
group "default" { targets = ["app"] }
target "app" {
  context = "app"
  args = { SIZE = SIZE, KEEP = "same" }
}
'''


def side(image: Image | None) -> tuple[object, ...] | None:
    if image is None:
        return None
    return (image.name, image.dockerfile, image.context, image.target, dict(image.build_args),
            image.platform, image.source, image.defined_in)


def sides(planned: list[Planned]) -> dict[str, tuple[object, ...]]:
    return {p.head.name: (p.status, side(p.head), side(p.base)) for p in planned}


def run_plan(repo: Repo, buildx_command: tuple[str, ...]) -> tuple[list[Planned], list[str]]:
    """``()``: no buildx (the literal reader)."""
    settings = SizeSettings(buildx_command=buildx_command)
    planned, report = plan(settings, workspace=repo.path, base_sha=repo.base,
                           head_sha=repo.head, changed=repo.changed(),
                           dockerfiles=repo.dockerfiles())
    leftover = subprocess.run(["git", "worktree", "list"], cwd=repo.path, capture_output=True,
                              text=True, check=True).stdout.splitlines()
    assert len(leftover) == 1  # the base's work tree is gone again
    return planned, report.notes


def test_a_changed_bake_arg_builds_the_base_with_its_own_value(
        make_repo: MakeRepo, buildx: tuple[str, ...]) -> None:
    # Only the bake file changes: before, the image was "unchanged" (no change to its
    # Dockerfile or context) and, when built, both sides took the head's SIZE.
    repo = make_repo({"docker-bake.hcl": BAKE, "app/Dockerfile": DF},
                     {"docker-bake.hcl": BAKE.replace("150000", "160000")})
    planned, notes = run_plan(repo, buildx)
    head = ("app", "app/Dockerfile", "app", None, {"SIZE": "160000", "KEEP": "same"}, None,
            "bake", ("docker-bake.hcl",))
    base = ("app", "app/Dockerfile", "app", None, {"SIZE": "150000", "KEEP": "same"}, None,
            "bake", ("docker-bake.hcl",))
    assert sides(planned) == {"app": ("compared", head, base)}
    assert planned[0].origin == Origin("bake", "docker-bake.hcl", "app", "base", ("args",),
                                       ("SIZE",), "app/Dockerfile", "app")
    assert notes == []


def test_an_unchanged_definition_in_a_changed_bake_file_is_not_rebuilt(
        make_repo: MakeRepo, buildx: tuple[str, ...]) -> None:
    # A comment and a tag differ; what decides the build does not: nothing to build.
    repo = make_repo({"docker-bake.hcl": BAKE, "app/Dockerfile": DF},
                     {"docker-bake.hcl": "# tags\n" + BAKE.replace(
                         'context = "app"', 'context = "app"\n  tags = ["app:2"]')})
    planned, notes = run_plan(repo, buildx)
    assert planned == [] and notes == []


COMPOSE = "services:\n  web:\n    build:\n      context: web\n      dockerfile: {}\n"


def test_a_changed_compose_dockerfile_path_builds_the_base_from_its_own(
        make_repo: MakeRepo) -> None:
    repo = make_repo({"compose.yaml": COMPOSE.format("Dockerfile"), "web/Dockerfile": DF},
                     {"compose.yaml": COMPOSE.format("Dockerfile.new"),
                      "web/Dockerfile.new": DF + "COPY . /app\n"})
    planned, notes = run_plan(repo, ())
    assert sides(planned) == {"web": (
        "compared",
        ("web", "web/Dockerfile.new", "web", None, {}, None, "compose", ("compose.yaml",)),
        ("web", "web/Dockerfile", "web", None, {}, None, "compose", ("compose.yaml",))),
        # No longer named by compose at the head: an image of its own, whose context (its
        # directory) gained Dockerfile.new.
        "web/Dockerfile": (
        "compared", ("web/Dockerfile", "web/Dockerfile", "web", None, {}, None, "dockerfile", ()),
        ("web/Dockerfile", "web/Dockerfile", "web", None, {}, None, "dockerfile", ()))}
    assert planned[0].origin == Origin("compose", "compose.yaml", "web", "base",
                                       ("dockerfile",), (), "web/Dockerfile", "web")
    assert notes == []


def test_a_bake_target_added_by_the_change_is_new(make_repo: MakeRepo,
                                                  buildx: tuple[str, ...]) -> None:
    added = BAKE.replace('targets = ["app"]', 'targets = ["app", "worker"]') + (
        'target "worker" {\n  context = "app"\n  target = "worker"\n}\n')
    repo = make_repo({"docker-bake.hcl": BAKE, "app/Dockerfile": DF + "FROM scratch AS worker\n"},
                     {"docker-bake.hcl": added})
    planned, notes = run_plan(repo, buildx)
    assert sides(planned) == {"worker": (
        "new", ("worker", "app/Dockerfile", "app", "worker", {}, None, "bake",
                ("docker-bake.hcl",)), None)}
    assert planned[0].origin is None and notes == []


def test_a_bake_file_added_by_the_change_makes_its_images_new(
        make_repo: MakeRepo, buildx: tuple[str, ...]) -> None:
    repo = make_repo({"app/Dockerfile": DF}, {"deploy/docker-bake.hcl": BAKE.replace(
        'context = "app"', 'context = "../app"')})
    planned, notes = run_plan(repo, buildx)
    # The Dockerfile alone is an image of its own (its directory as the context) at both.
    assert [(p.head.name, p.status, side(p.base) is None) for p in planned] == [
        ("app", "new", True)]
    assert notes == []


def test_a_base_bake_file_that_does_not_evaluate_falls_back_to_the_head(
        make_repo: MakeRepo, buildx: tuple[str, ...]) -> None:
    broken = BAKE + 'target "x" {\n'
    repo = make_repo({"docker-bake.hcl": broken, "app/Dockerfile": DF},
                     {"docker-bake.hcl": BAKE, "app/Dockerfile": DF + "RUN true\n"})
    planned, notes = run_plan(repo, buildx)
    head = ("app", "app/Dockerfile", "app", None, {"SIZE": "150000", "KEEP": "same"}, None,
            "bake", ("docker-bake.hcl",))
    # The head's definition applied to the base tree, as before this was resolved per side.
    assert sides(planned) == {"app": ("compared", head, head)}
    origin = planned[0].origin
    assert origin is not None and (origin.tree, origin.files, origin.name) == (
        "head", "docker-bake.hcl", "app")
    assert origin.why.startswith("buildx: exited with 1: ")
    assert origin.why.endswith("; not readable without buildx either (line 7: { is not closed)")
    assert len(notes) == 2
    assert notes[0] == (f"base branch: docker-bake.hcl: {origin.why}; its definitions are not "
                        "used")
    assert notes[1] == ("image app: the base branch's definition (target app of "
                        f"docker-bake.hcl) could not be used: {origin.why}; the head's "
                        "definition stands for both sides")


def test_a_fallback_with_nothing_else_changed_says_the_definition_change_is_not_measured(
        make_repo: MakeRepo, buildx: tuple[str, ...]) -> None:
    broken = BAKE + 'target "x" {\n'
    repo = make_repo({"docker-bake.hcl": broken, "app/Dockerfile": DF},
                     {"docker-bake.hcl": BAKE.replace('"150000"', '"160000"'),
                      "app/Dockerfile": DF})
    planned, report = plan(SizeSettings(buildx_command=buildx), workspace=repo.path,
                           base_sha=repo.base, head_sha=repo.head, changed=repo.changed(),
                           dockerfiles=repo.dockerfiles())
    assert planned == []
    assert [(i.name, i.status, i.note) for i in report.images] == [
        ("app", "unchanged", "not built: no change to its Dockerfile or context; its definition "
                             "changed, which alone is not measured (the base branch's could not "
                             "be used)")]
    assert report.notes[-1].startswith("image app: the base branch's definition (target app of "
                                "docker-bake.hcl) could not be used: buildx: ")


def test_without_buildx_a_base_target_needing_evaluation_falls_back(
        make_repo: MakeRepo) -> None:
    literal = 'target "app" {\n  context = "app"\n  args = { SIZE = "150000" }\n}\n'
    repo = make_repo({"docker-bake.hcl": BAKE, "app/Dockerfile": DF},
                     {"docker-bake.hcl": literal, "app/Dockerfile": DF + "RUN true\n"})
    planned, notes = run_plan(repo, ())
    assert [(p.status, p.origin.why if p.origin else None) for p in planned] == [
        ("compared", "without buildx it cannot be evaluated (args is a variable reference "
                     "(SIZE))")]
    assert notes == [
        "docker-bake.hcl: evaluated without buildx (no buildx was given): literal values only",
        "base branch: docker-bake.hcl: evaluated without buildx (no buildx was given): literal "
        "values only",
        "base branch: docker-bake.hcl: target app is not used: without buildx it cannot be "
        "evaluated (args is a variable reference (SIZE))",
        "image app: the base branch's definition (target app of docker-bake.hcl) could not be "
        "used: without buildx it cannot be evaluated (args is a variable reference (SIZE)); the "
        "head's definition stands for both sides"]


def test_a_base_context_through_a_symlink_out_of_the_tree_is_refused(
        make_repo: MakeRepo, buildx: tuple[str, ...], tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "Dockerfile").write_text(DF)
    repo = make_repo({"docker-bake.hcl": BAKE.replace('context = "app"', 'context = "escape"'),
                      "app/Dockerfile": DF, "escape": None},
                     {"docker-bake.hcl": BAKE, "app/Dockerfile": DF + "RUN true\n"})
    # The base commit holds "escape" as a symlink to a directory outside the repository.
    repo.git("checkout", "-q", repo.base)
    (repo.path / "escape").symlink_to(outside)
    repo.git("add", "escape")
    repo.git("commit", "-q", "-m", "link")
    repo.base = repo.git("rev-parse", "HEAD")
    repo.git("checkout", "-q", "main")
    planned, notes = run_plan(repo, buildx)
    assert [(p.status, side(p.base) == side(p.head)) for p in planned] == [("compared", True)]
    assert notes == [
        "base branch: docker-bake.hcl: target app is not used: its context or Dockerfile is "
        "outside the repository",
        "image app: the base branch's definition (target app of docker-bake.hcl) could not be "
        "used: its context or Dockerfile is outside the repository; the head's definition "
        "stands for both sides"]
    assert planned[0].origin == Origin(
        "bake", "docker-bake.hcl", "app", "head",
        why="its context or Dockerfile is outside the repository")


def test_differences_name_fields_and_arg_names_only() -> None:
    head = Build("a/Dockerfile", "a", "runtime", {"A": "1", "B": "secret", "C": "3"}, None)
    base = Build("a/Dockerfile.old", "a", "build", {"A": "1", "B": "other", "D": ""}, "linux/arm64")
    assert differences(base, head) == (("dockerfile", "target", "args", "platform"),
                                       ("B", "C", "D"))
    assert differences(head, head) == ((), ())
    assert choose(head, Found(head), "bake", "f", "t") == (head, None)
    assert choose(head, Found(), "bake", "f", "t") == (None, None)
    assert choose(head, Found(refused="why"), "compose", "f", "t") == (
        head, Origin("compose", "f", "t", "head", why="why"))


def test_the_report_says_where_the_base_came_from_escaped() -> None:
    sha = "fedcba9876543210"
    own = Origin("bake", "deploy/docker-bake.hcl", "app", "base", ("dockerfile", "context",
                                                                   "target", "args"),
                 ("SIZE", "VERSION"), "app/Dockerfile.old", "", None)
    assert size_sink.source_text("base", Source("built", commit=sha, definition=own)) == (
        "base: built here at `fedcba987654` from the base branch's deploy/docker-bake.hcl "
        "target `app`: dockerfile `app/Dockerfile.old`, context `.`, target none, args differ "
        "(`SIZE`, `VERSION`)")
    hostile = Origin("compose", "x/compose.yaml", "w`eb [x](https://e.test)", "head",
                     why="x/compose.yaml is not readable as YAML")
    text = size_sink.source_text("base", Source("built", commit=sha, definition=hostile)) or ""
    assert text.startswith("base: built here at `fedcba987654` with the head's x/compose.yaml "
                           "service ")
    assert "`" not in text.replace("\\`", "").replace("`fedcba987654`", "")
    assert "\\[x\\](https:&#8203;//e.test)" in text  # no link
    assert text.endswith("(the base branch's could not be used: x/compose.yaml is not "
                         "readable as YAML)")
    data = size_sink._source_json(Source("built", commit=sha, definition=own))
    assert data is not None and data["definition"] == {
        "kind": "bake", "files": "deploy/docker-bake.hcl", "name": "app", "tree": "base",
        "differs": ["dockerfile", "context", "target", "args"], "arg_names": ["SIZE", "VERSION"],
        "dockerfile": "app/Dockerfile.old", "context": "", "target": None, "platform": None,
        "why": None}


def test_a_base_compose_file_over_the_read_cap_falls_back(make_repo: MakeRepo) -> None:
    padding = "# " + "x" * 1000 + "\n"
    huge = COMPOSE.format("Dockerfile") + padding * 1100  # over MAX_COMPOSE_FILE (1 MiB)
    repo = make_repo({"compose.yaml": huge, "web/Dockerfile": DF},
                     {"compose.yaml": COMPOSE.format("Dockerfile"),
                      "web/Dockerfile": DF + "RUN true\n"})
    planned, notes = run_plan(repo, ())
    assert [(p.status, p.origin) for p in planned] == [
        ("compared", Origin("compose", "compose.yaml", "web", "head",
                            why="compose.yaml is larger than 1,048,576 bytes"))]
    assert notes == [
        "base branch: compose.yaml: larger than 1,048,576 bytes; its definitions are not used",
        "image web: the base branch's definition (service web of compose.yaml) could not be "
        "used: compose.yaml is larger than 1,048,576 bytes; the head's definition stands for "
        "both sides"]


def test_a_base_context_that_is_a_symlink_out_of_the_base_tree_is_not_built(
        tmp_path: Path) -> None:
    from lint.dockerfile import parse
    from lint.size.step import _Job, _parse_bases

    tree, outside = tmp_path / "base", tmp_path / "outside"
    outside.mkdir()
    (outside / "Dockerfile").write_text(DF)
    tree.mkdir()
    (tree / "app").symlink_to(outside)
    (tree / "ok").mkdir()
    (tree / "ok" / "Dockerfile").write_text(DF)
    head_df = parse("app/Dockerfile", DF.encode())
    escaping = _Job(Image("app/Dockerfile", "app/Dockerfile", "app"), head_df, base_tag="t1")
    fine = _Job(Image("ok/Dockerfile", "ok/Dockerfile", "ok"), head_df, base_tag="t2")
    _parse_bases([escaping, fine], tree)
    assert (escaping.status, escaping.base_tag, escaping.base_df, escaping.note) == (
        "error", "", None,
        "the base tree's context or Dockerfile resolves outside the repository; not built")
    assert (fine.status, fine.base_tag) == ("compared", "t2") and fine.base_df is not None
