"""The action's own image: built for real from the top-level Dockerfile, then run the way GitHub
runs a Docker action (workspace at /github/workspace, file commands, the engine's socket).

No registry is reachable here, so the build uses the local Debian + Python stand-in
``local/python:3.11`` (scripts/build-base-image) as BASE_IMAGE; pip inside the build reaches PyPI.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.image_layers import Layer, check, own_layers

ROOT = Path(__file__).resolve().parent.parent
DOCKER = "/usr/bin/docker"  # the 20.10 client with BuildKit (see scripts/dockerd)
BASE = "local/python:3.11"
IMAGE = "local/dockerfile-review-action:test"
TOKEN = "ghs_imageTestTokenThatMustNeverAppear0001"
# The image's own layers on the bookworm stand-in, measured (docs/action-image.md).
OWN_LAYERS = (
    Layer("ENV", "environment", 0),
    Layer("RUN", "git without perl", 14_028_164),
    Layer("COPY", "docker client 20.10", 45_582_984),
    Layer("COPY", "buildx plugin (none on bookworm)", 0),
    Layer("RUN", "venv: dependencies and hadolint", 93_139_347),
    Layer("RUN", "project", 2_709_830),
    Layer("COPY", "entrypoint.py", 0),
    Layer("ENTRYPOINT", "entrypoint", 0),
)

pytestmark = [pytest.mark.docker, pytest.mark.slow]


def _engine_up() -> bool:
    if not Path(DOCKER).is_file():
        return False
    proc = subprocess.run([DOCKER, "info"], capture_output=True, timeout=30, check=False)
    return proc.returncode == 0


if not _engine_up():
    pytest.skip("no Docker engine (scripts/dockerd start)", allow_module_level=True)


def docker(*args: str, timeout: float = 120, env: dict[str, str] | None = None,
           ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([DOCKER, *args], capture_output=True, text=True, timeout=timeout,
                          check=False, env=env)


@pytest.fixture(scope="module")
def base_image() -> str:
    if docker("image", "inspect", BASE).returncode != 0:
        if shutil.which("debootstrap") is None:
            pytest.skip(f"{BASE} is missing and debootstrap is not installed")
        proc = subprocess.run([str(ROOT / "scripts" / "build-base-image")], capture_output=True,
                              text=True, timeout=600, check=False)
        assert proc.returncode == 0, proc.stdout + proc.stderr
    return BASE


@pytest.fixture(scope="module")
def action_image(base_image: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Build from the repository itself: the real Dockerfile and .dockerignore as the context."""
    context = ROOT
    if not (ROOT / "entrypoint.py").is_file():
        # Before entrypoint.py lands, build a copy whose entrypoint runs the CLI.
        context = tmp_path_factory.mktemp("context")
        for name in ("Dockerfile", ".dockerignore", "pyproject.toml"):
            shutil.copy2(ROOT / name, context / name)
        shutil.copytree(ROOT / "lint", context / "lint",
                        ignore=shutil.ignore_patterns("__pycache__"))
        (context / "entrypoint.py").write_text(
            "import sys\nfrom lint.cli import main\nsys.exit(main(sys.argv[1:]))\n",
            encoding="utf-8")
    env = {**os.environ, "DOCKER_BUILDKIT": "1"}
    start = time.monotonic()
    proc = docker("build", "--network", "host", "--progress", "plain",
                  "--build-arg", f"BASE_IMAGE={base_image}", "-t", IMAGE, str(context),
                  timeout=900, env=env)
    elapsed = time.monotonic() - start
    assert proc.returncode == 0, proc.stderr[-4000:]
    size = int(docker("image", "inspect", "--format", "{{.Size}}", IMAGE).stdout)
    print(f"\naction image {IMAGE}: {size} bytes ({size / 10**6:.0f} MB), built in {elapsed:.1f} s")
    yield IMAGE


def test_image_config_follows_githubs_rules(action_image: str) -> None:
    inspect = docker("image", "inspect", "--format", "{{json .Config}}", action_image)
    cfg = json.loads(inspect.stdout)
    assert cfg["User"] == ""  # GitHub runs Docker actions as root
    assert cfg["WorkingDir"] == ""  # and sets --workdir /github/workspace itself
    assert cfg["Entrypoint"] == ["python3", "/opt/dockerfile-review/entrypoint.py"]
    assert "PYTHONUNBUFFERED=1" in cfg["Env"]


def test_own_layers_stay_at_their_measured_size(action_image: str, base_image: str) -> None:
    total = check(own_layers(DOCKER, action_image, base_image), OWN_LAYERS)
    print(f"\n{action_image}: own part {total} bytes above {base_image}")


def test_tools_inside(action_image: str) -> None:
    proc = docker("run", "--rm", "--network", "none", "--entrypoint", "sh", action_image, "-c",
                  "hadolint --version && python3 -m lint --version && git --version"
                  " && docker --version")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0] == "Haskell Dockerfile Linter 2.15.1"
    assert lines[1].startswith("dockerfile-review ")
    assert lines[2].startswith("git version ")
    assert lines[3].startswith("Docker version ")


def test_git_keeps_what_the_action_runs(action_image: str) -> None:
    """perl and git's servers are cut from the image: a shallow clone and fetch over file://
    (upload-pack) still work, the HTTPS transport helper is there (the refusal comes from curl,
    not from a missing git-remote-https), and dpkg still lists git."""
    script = (
        "set -e; cd /tmp; git init -q -b main origin;"
        " git -C origin -c user.name=t -c user.email=t@example.com commit -q --allow-empty -m c;"
        " git clone -q --depth=1 file:///tmp/origin clone;"
        " git -C clone fetch -q --depth=1 origin main; git -C clone rev-list --count HEAD;"
        " git ls-remote https://127.0.0.1:9/x.git 2>&1 || true;"
        " dpkg-query -W -f '${db:Status-Abbrev}${Package}\\n' git perl 2>&1 || true"
    )
    proc = docker("run", "--rm", "--network", "none", "--entrypoint", "sh", action_image, "-c",
                  script)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0] == "1"
    assert lines[1].startswith("fatal: unable to access 'https://127.0.0.1:9/x.git/': "
                               "Failed to connect to 127.0.0.1 port 9")
    # perl-base (essential, from the base image) stays; the perl package does not come in.
    assert lines[2:] == ["ii git", "un perl"]  # un: not installed


def test_docker_client_inside_builds_with_buildkit_on_the_mounted_engine(
        action_image: str, base_image: str) -> None:
    """As on GitHub: the host's socket mounted, the client in the image drives a BuildKit build."""
    script = (
        "set -e; mkdir /tmp/ctx; cd /tmp/ctx;"
        f" printf 'FROM {base_image}\\nRUN echo built-inside > /marker\\n' > Dockerfile;"
        " DOCKER_BUILDKIT=1 docker build --network host --progress plain"
        " -t local/dockerfile-review-inner:test . 2>&1 | tail -3"
    )
    proc = docker("run", "--rm", "--network", "none",
                  "-v", "/var/run/docker.sock:/var/run/docker.sock",
                  "--entrypoint", "sh", action_image, "-c", script, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "naming to docker.io/local/dockerfile-review-inner:test" in proc.stdout
    inspect = docker("image", "inspect", "local/dockerfile-review-inner:test")
    assert inspect.returncode == 0
    docker("image", "rm", "local/dockerfile-review-inner:test")


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.com",
                    *args], check=True, capture_output=True)


def test_action_runs_like_on_github(action_image: str, tmp_path: Path) -> None:
    workspace = tmp_path / "workspace"
    (workspace / "svc").mkdir(parents=True)
    (workspace / "svc" / "Dockerfile").write_text(
        "FROM local/busybox:1\nCMD echo hello\nCOPY . /srv/\n", encoding="utf-8")
    _git(workspace, "init", "-q", "-b", "main")
    _git(workspace, "add", ".")
    _git(workspace, "commit", "-q", "-m", "fixture")
    sha = subprocess.run(["git", "-C", str(workspace), "rev-parse", "HEAD"], check=True,
                         capture_output=True, text=True).stdout.strip()
    workflow = tmp_path / "workflow"
    commands = tmp_path / "file_commands"
    home = tmp_path / "home"
    for d in (workflow, commands, home):
        d.mkdir()
    (workflow / "event.json").write_text(json.dumps({"inputs": {}, "ref": "refs/heads/main"}),
                                         encoding="utf-8")
    (commands / "step_summary").write_text("", encoding="utf-8")
    (commands / "output").write_text("", encoding="utf-8")
    env = {
        "GITHUB_ACTIONS": "true", "CI": "true", "HOME": "/github/home",
        "GITHUB_WORKSPACE": "/github/workspace", "GITHUB_EVENT_NAME": "workflow_dispatch",
        "GITHUB_EVENT_PATH": "/github/workflow/event.json",
        "GITHUB_STEP_SUMMARY": "/github/file_commands/step_summary",
        "GITHUB_OUTPUT": "/github/file_commands/output",
        "GITHUB_REPOSITORY": "octo/fixture", "GITHUB_SHA": sha, "GITHUB_REF": "refs/heads/main",
        "GITHUB_API_URL": "http://127.0.0.1:9", "GITHUB_SERVER_URL": "https://github.com",
        "GITHUB_RUN_ID": "1", "GITHUB_JOB": "review",
        "GITHUB_WORKFLOW_REF": "octo/fixture/.github/workflows/review.yml@refs/heads/main",
        "INPUT_GITHUB_TOKEN": TOKEN, "INPUT_SIZE": "false", "INPUT_COMMENT": "never",
        "INPUT_FAILURE_THRESHOLD": "warning", "INPUT_OUTPUT_FILE": "dockerfile-review.sarif",
        # Opt-in rules turned on through the action's inputs, as a user would.
        "INPUT_OVERRIDE_WARNING": "DC101,DC304", "INPUT_OVERRIDE_INFO": "DC301",
    }
    args = ["run", "--rm", "--network", "none", "--workdir", "/github/workspace",
            "-v", f"{workspace}:/github/workspace", "-v", f"{workflow}:/github/workflow",
            "-v", f"{commands}:/github/file_commands", "-v", f"{home}:/github/home"]
    for key, value in env.items():
        args += ["-e", f"{key}={value}"]
    proc = docker(*args, action_image, timeout=180)
    assert proc.returncode == 1, proc.stdout + proc.stderr  # DC101 is a warning: fails the step

    sarif_path = workspace / "dockerfile-review.sarif"
    sarif = json.loads(sarif_path.read_text(encoding="utf-8"))
    results = sarif["runs"][0]["results"]
    found = {(r["ruleId"],
              r["locations"][0]["physicalLocation"]["region"]["startLine"],
              r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"])
             for r in results}
    assert found == {
        ("DC101", 1, "svc/Dockerfile"),  # no USER
        ("DC301", 1, "svc/Dockerfile"),  # not pinned by digest
        ("DC304", 1, "svc/Dockerfile"),  # no .dockerignore
        ("DL3025", 2, "svc/Dockerfile"),  # CMD in shell form
    }
    summary = (commands / "step_summary").read_text(encoding="utf-8")
    assert "svc/Dockerfile" in summary
    outputs = (commands / "output").read_text(encoding="utf-8")
    assert "sarif-file" in outputs and "dockerfile-review.sarif" in outputs
    everything = [proc.stdout, proc.stderr, summary, outputs]
    everything += [p.read_text(encoding="utf-8", errors="replace")
                   for p in workspace.rglob("*") if p.is_file() and ".git" not in p.parts]
    assert not any(TOKEN in text for text in everything)
