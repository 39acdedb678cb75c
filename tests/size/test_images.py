"""Which images are measured (no engine): the ``images`` input, compose ``build:`` entries, the
default context, and whether a change touches an image (``.dockerignore`` honoured)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from lint.git import Git
from lint.size.images import Image, affected, content_hash, ignore_at, select
from lint.size.settings import ImageSpec, SizeSettings, SizeSettingsError, parse_images


def test_images_input_every_field() -> None:
    (api, worker) = parse_images(
        "- name: api\n"
        "  dockerfile: ./services/api/Dockerfile.prod\n"
        "  context: services\n"
        "  target: runtime\n"
        "  build-args: {PYTHON_VERSION: '3.12', EMPTY: null}\n"
        "  platform: linux/amd64\n"
        "- context: worker\n"
        "  build-args: [A=1, B=x=y]\n") or ()
    assert (api.name, api.dockerfile, api.context, api.target, api.platform) == (
        "api", "services/api/Dockerfile.prod", "services", "runtime", "linux/amd64")
    assert dict(api.build_args) == {"PYTHON_VERSION": "3.12", "EMPTY": ""}
    # Without dockerfile, the context's Dockerfile; without name, the dockerfile's path.
    assert (worker.name, worker.dockerfile, worker.context, worker.target) == (
        "worker/Dockerfile", "worker/Dockerfile", "worker", None)
    assert dict(worker.build_args) == {"A": "1", "B": "x=y"}
    assert parse_images("") is None and parse_images("  \n") is None


def test_image_names_the_head_already_built(tmp_path: Path) -> None:
    (api, worker) = parse_images("- name: api\n  dockerfile: api/Dockerfile\n"
                                 "  image: ghcr.io/org/api:pr-42\n"
                                 "- dockerfile: worker/Dockerfile\n") or ()
    assert (api.image, worker.image) == ("ghcr.io/org/api:pr-42", None)
    write(tmp_path, {"api/Dockerfile": "FROM scratch\n", "worker/Dockerfile": "FROM scratch\n"})
    chosen = select((api, worker), tmp_path, [], [])
    assert [i.reference for i in chosen] == ["ghcr.io/org/api:pr-42", None]


def test_head_image_input() -> None:
    assert SizeSettings.from_env({"INPUT_HEAD_IMAGE": " app:pr-7 "}).head_image == "app:pr-7"
    assert SizeSettings.from_env({}).head_image is None
    with pytest.raises(SizeSettingsError, match="input head-image: '-q' is not an image "):
        SizeSettings.from_env({"INPUT_HEAD-IMAGE": "-q"})


def test_build_arg_values_stay_out_of_the_repr() -> None:
    (spec,) = parse_images("- dockerfile: Dockerfile\n  build-args: {TOKEN: hunter2-value}\n") or ()
    assert "hunter2-value" not in repr(spec) and "TOKEN" in repr(spec)


@pytest.mark.parametrize(("text", "message"), [
    ("- name: a\n  dockerfile: [unclosed\n",
     "input images: not valid YAML (line 3, column 1: expected ',' or ']', but got "
     "'<stream end>')"),
    ("- name: a\n\tdockerfile: x\n",
     "input images: not valid YAML (line 2, column 1: found character '\\t' that cannot start "
     "any token)"),
    ("name: a\ndockerfile: Dockerfile\n", "input images: expected a YAML list of images"),
    ("- Dockerfile\n", "input images[0]: expected a mapping with at least dockerfile"),
    ("- name: a\n", "input images[0]: dockerfile is missing"),
    ("- dockerfile: a/Dockerfile\n  contxt: a\n", "input images[0]: unknown keys contxt"),
    ("- dockerfile: a/Dockerfile\n- dockerfile: a/Dockerfile\n",
     "input images[1]: the name 'a/Dockerfile' is used twice"),
    ("- dockerfile: Dockerfile\n  build-args: TOKEN\n",
     "input images[0]: build-args must be a mapping"),
    ("- dockerfile: Dockerfile\n  image: --output=/x\n",
     "input images[0]: image must be an image reference"),
    ("- dockerfile: Dockerfile\n  image: [a]\n",
     "input images[0]: image must be an image reference"),
])
def test_bad_images_input_says_where(text: str, message: str) -> None:
    with pytest.raises(SizeSettingsError) as err:
        parse_images(text)
    assert str(err.value) == message


def test_bad_yaml_error_never_quotes_the_text() -> None:
    with pytest.raises(SizeSettingsError) as err:
        parse_images("- dockerfile: Dockerfile\n  build-args: {TOKEN: s3cr3t-value: x}\n")
    assert "s3cr3t" not in str(err.value)
    assert str(err.value).startswith("input images: not valid YAML (line 2, column ")


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)


def test_compose_build_entries(tmp_path: Path) -> None:
    write(tmp_path, {
        "deploy/compose.yaml": (
            "services:\n"
            "  web:\n"
            "    build:\n"
            "      context: ../web\n"
            "      dockerfile: Dockerfile.prod\n"
            "      target: runtime\n"
            "      args: {MODE: production}\n"
            "  worker:\n"
            "    build: ../worker\n"
            "  cli:\n"
            "    build:\n"
            "      context: ../cli\n"
            "      args: [DEBUG=1, NOVALUE]\n"
            "  db:\n"
            "    image: postgres:16\n"
            "  remote:\n"
            "    build: https://github.com/octo-org/octo-repo.git#main\n"
            "  outside:\n"
            "    build: ../../elsewhere\n"),
        "web/Dockerfile.prod": "FROM scratch\n",
        "worker/Dockerfile": "FROM scratch\n",
        "cli/Dockerfile": "FROM scratch\n",
        "other/Dockerfile": "FROM scratch\n",
        "node_modules/x/compose.yaml": "services: {ignored: {build: .}}\n",
    })
    notes: list[str] = []
    images = select(None, tmp_path, ["web/Dockerfile.prod", "worker/Dockerfile",
                                     "other/Dockerfile"], notes)
    got = [(i.name, i.dockerfile, i.context, i.target, dict(i.build_args), i.source)
           for i in images]
    assert got == [
        ("web", "web/Dockerfile.prod", "web", "runtime", {"MODE": "production"}, "compose"),
        ("worker", "worker/Dockerfile", "worker", None, {}, "compose"),
        ("cli", "cli/Dockerfile", "cli", None, {"DEBUG": "1", "NOVALUE": ""}, "compose"),
        # Not in a compose file: its own directory is the context.
        ("other/Dockerfile", "other/Dockerfile", "other", None, {}, "dockerfile"),
    ]
    assert notes == [
        "deploy/compose.yaml: service remote builds from a remote context; not measured",
        "deploy/compose.yaml: service outside leaves the repository; not measured",
    ]


def test_unreadable_compose_file_is_a_note(tmp_path: Path) -> None:
    write(tmp_path, {"docker-compose.yml": "services: [unclosed\n", "Dockerfile": "FROM x\n"})
    notes: list[str] = []
    images = select(None, tmp_path, ["Dockerfile"], notes)
    assert [(i.dockerfile, i.context) for i in images] == [("Dockerfile", "")]
    assert notes == ["docker-compose.yml: not readable as YAML; its images are not measured"]


def test_default_context_is_the_dockerfiles_directory(tmp_path: Path) -> None:
    notes: list[str] = []
    images = select(None, tmp_path, ["Dockerfile", "a/b/app.Dockerfile"], notes)
    assert [(i.name, i.dockerfile, i.context) for i in images] == [
        ("Dockerfile", "Dockerfile", ""), ("a/b/app.Dockerfile", "a/b/app.Dockerfile", "a/b")]
    # The images input wins over compose files and discovery; its context defaults the same way.
    write(tmp_path, {"compose.yaml": "services: {web: {build: web}}\n"})
    specs = (ImageSpec("api", "svc/api/Dockerfile"), ImageSpec("up", "../up/Dockerfile"),
             ImageSpec("root", "Dockerfile", context="."))
    chosen = select(specs, tmp_path, ["Dockerfile"], notes)
    assert [(i.name, i.context, i.source) for i in chosen] == [
        ("api", "svc/api", "images"), ("root", "", "images")]
    assert notes == ["image up: its dockerfile or context is outside the repository; "
                     "not measured"]


IGNORE = "**/*.md\ntests\n!tests/keep.py\n"


@pytest.mark.parametrize(("changed", "expected"), [
    (["app/Dockerfile"], True),
    (["app/src/main.py"], True),  # a context file the ignore file keeps
    (["app/README.md", "app/docs/x.md"], False),  # excluded by **/*.md
    (["app/tests/test_x.py"], False),  # excluded directory
    (["app/tests/keep.py"], True),  # re-included by !
    (["app/.dockerignore"], True),  # the ignore file itself
    (["app/Dockerfile.dockerignore"], True),
    (["other/main.py", "application/x.py"], False),  # outside the context
    ([], False),
])
def test_which_changes_select_an_image(changed: list[str], expected: bool) -> None:
    image = Image("app", "app/Dockerfile", "app")
    assert affected(image, changed, IGNORE) is expected


def test_root_context_and_no_ignore_file() -> None:
    image = Image("root", "Dockerfile", "")
    assert affected(image, ["anything/at/all.txt"], None)
    assert not affected(image, ["docs/x.md"], "docs\n")


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.email=t@example.com", "-c", "user.name=t", *args],
                          cwd=cwd, capture_output=True, check=True, text=True).stdout.strip()


def test_content_hash_honours_the_ignore_file(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q", "-b", "main")
    write(tmp_path, {"app/Dockerfile": "FROM scratch\nCOPY . /\n", "app/.dockerignore": "*.md\n",
                     "app/main.py": "print(1)\n", "app/NOTES.md": "a\n"})
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "one")
    one = git(tmp_path, "rev-parse", "HEAD")
    write(tmp_path, {"app/NOTES.md": "b\n"})
    git(tmp_path, "commit", "-qam", "ignored change")
    two = git(tmp_path, "rev-parse", "HEAD")
    write(tmp_path, {"app/main.py": "print(2)\n"})
    git(tmp_path, "commit", "-qam", "real change")
    three = git(tmp_path, "rev-parse", "HEAD")
    repo = Git(tmp_path)
    image = Image("app", "app/Dockerfile", "app")
    hashes = [content_hash(repo, sha, image) for sha in (one, two, three)]
    assert hashes[0] is not None and hashes[0] == hashes[1] != hashes[2]
    assert content_hash(repo, one, Image("x", "x/Dockerfile", "x")) is None
    assert ignore_at(repo, one, image) == ("app/.dockerignore", "*.md\n")
    # BuildKit reads <Dockerfile>.dockerignore before the context's .dockerignore.
    write(tmp_path, {"app/Dockerfile.dockerignore": "*.py\n"})
    assert ignore_at(repo, None, image, tmp_path) == ("app/Dockerfile.dockerignore", "*.py\n")


def test_base_image_inputs() -> None:
    (api, worker) = parse_images("- name: api\n  dockerfile: api/Dockerfile\n"
                                 "  base-image: ghcr.io/org/api:main\n"
                                 "- dockerfile: worker/Dockerfile\n") or ()
    assert (api.base_image, worker.base_image) == ("ghcr.io/org/api:main", None)
    assert "ghcr.io/org/api:main" in repr(api)
    with pytest.raises(SizeSettingsError, match=r"input images\[0\]: base-image must be an "):
        parse_images("- dockerfile: Dockerfile\n  base-image: [a]\n")
    env = {"INPUT_BASE_IMAGE": "ghcr.io/org/app:main", "INPUT_REGISTRY_USERNAME": "bot",
           "INPUT_REGISTRY-PASSWORD": "hunter2-secret", "INPUT_DOCKER_CONFIG": ".docker",
           "INPUT_REGISTRY_MAX_DOWNLOAD": "100MiB", "GITHUB_TOKEN": "ghs_jobtoken",
           "GITHUB_ACTOR": "octocat"}
    s = SizeSettings.from_env(env)
    assert (s.base_image, s.registry_username, s.docker_config, s.registry_max_download,
            s.github_actor) == ("ghcr.io/org/app:main", "bot", ".docker", 100 << 20, "octocat")
    assert s.registry_password.reveal() == "hunter2-secret"
    assert s.github_token.reveal() == "ghs_jobtoken"
    assert "hunter2-secret" not in repr(s) and "ghs_jobtoken" not in repr(s)
    assert SizeSettings.from_env({}).registry_max_download == 2 << 30
    for bad, message in (({"INPUT_BASE_IMAGE": "-x"}, "input base-image: '-x' is not an image"),
                         ({"INPUT_REGISTRY_USERNAME": "bot"},
                          "inputs registry-username and registry-password: give both"),
                         ({"INPUT_REGISTRY_MAX_DOWNLOAD": "100"}, "input registry-max-download")):
        with pytest.raises(SizeSettingsError, match=message):
            SizeSettings.from_env(bad)


def test_a_base_compose_service_that_cannot_be_built_says_why(tmp_path: Path) -> None:
    from lint.size import definition
    from lint.size.images import defined_at

    write(tmp_path, {"compose.yaml": (
        "services:\n"
        "  odd:\n"
        "    build: 5\n"
        "  inline:\n"
        "    build:\n"
        "      dockerfile_inline: FROM scratch\n"
        "  web:\n"
        "    build: web\n"),
        "web/Dockerfile": "FROM scratch\n"})
    notes: list[str] = []
    found = defined_at(definition.Key("compose", "compose.yaml", "web"), tmp_path, notes, None)
    assert sorted(found.images) == ["web"]
    assert found.refused == {
        "odd": "its build is neither a context nor a mapping",
        "inline": "its build is not a context and a Dockerfile (dockerfile_inline)"}
    assert notes == []
