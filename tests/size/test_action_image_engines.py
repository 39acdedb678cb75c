"""The shipped action image's own Docker client against both engines.

The action image's default base is Debian 13 (trixie), whose docker-cli 26 and buildx plugin
the image carries; tests elsewhere build it on the bookworm stand-in, with the 20.10 client. Here
it is built on a trixie stand-in (``scripts/build-base-image --release trixie``, no registry is
reachable) and run the way GitHub runs it, with an engine's socket mounted at
/var/run/docker.sock: the 20.10 engine (classic image store, API 1.41, which the 26 client
negotiates down to) and Engine 26 (containerd image store). The size step (``python -m
lint.size``) runs inside the image with the image's own client and buildx, and measures exact
bytes on each engine.

The image is built and run by the 20.10 engine (it is the one ``scripts/dockerd`` starts on the
default socket); only the mounted socket changes per engine. One build per session.
"""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest

from tests.image_layers import Layer, check, own_layers
from tests.size.conftest import ROOT, Engine

HOST_DOCKER = "/usr/bin/docker"  # the 20.10 client: builds and runs the action image
TRIXIE_BASE = "local/python:3.13-trixie"
IMAGE = "local/dockerfile-review-action:trixie-test"
CLIENT = "26.1.5+dfsg1"  # Debian 13's docker-cli
BUILDX = "0.13.1+ds1"  # Debian 13's docker-buildx
# The image's own layers on the trixie stand-in, measured (docs/action-image.md).
OWN_LAYERS = (
    Layer("ENV", "environment", 0),
    Layer("RUN", "git without perl", 24_383_054),
    Layer("COPY", "docker client 26", 30_721_152),
    Layer("COPY", "buildx plugin", 65_898_896),
    Layer("RUN", "venv: dependencies and hadolint", 92_776_554),
    Layer("RUN", "project", 2_539_912),
    Layer("COPY", "entrypoint.py", 0),
    Layer("ENTRYPOINT", "entrypoint", 0),
)

pytestmark = [pytest.mark.docker, pytest.mark.slow]


def host(*args: str, timeout: float = 120, env: dict[str, str] | None = None,
         ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([HOST_DOCKER, *args], capture_output=True, text=True, timeout=timeout,
                          check=False, env=env)


@pytest.fixture(scope="session")
def trixie_action_image() -> str:
    """The action image built from this checkout on the trixie stand-in (once per session)."""
    if not Path(HOST_DOCKER).exists() or host("version").returncode != 0:
        reason = "the 20.10 engine does not answer (scripts/dockerd start)"
        if os.environ.get("DOCKERFILE_REVIEW_REQUIRE_ENGINE") == "1":
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    if host("image", "inspect", TRIXIE_BASE).returncode != 0:
        proc = subprocess.run([str(ROOT / "scripts" / "build-base-image"), "--release", "trixie"],
                              capture_output=True, text=True, timeout=900, check=False)
        assert proc.returncode == 0, proc.stdout + proc.stderr
    start = time.monotonic()
    proc = host("build", "--network", "host", "--progress", "plain",
                "--build-arg", f"BASE_IMAGE={TRIXIE_BASE}", "-t", IMAGE, str(ROOT),
                timeout=900, env={**os.environ, "DOCKER_BUILDKIT": "1"})
    assert proc.returncode == 0, proc.stderr[-4000:]
    print(f"\n{IMAGE} built in {time.monotonic() - start:.1f} s")
    return IMAGE


def socket_of(engine: Engine) -> str:
    """The engine's socket on this machine, symlinks resolved (a bind mount source)."""
    assert engine.host.startswith("unix://")
    return os.path.realpath(engine.host.removeprefix("unix://"))


def inside(image: str, engine: Engine, *command: str, mounts: tuple[str, ...] = (),
           timeout: float = 300) -> subprocess.CompletedProcess[str]:
    args = ["run", "--rm", "--network", "none",
            "-v", f"{socket_of(engine)}:/var/run/docker.sock"]
    for mount in mounts:
        args += ["-v", mount]
    return host(*args, "--entrypoint", command[0], image, *command[1:], timeout=timeout)


def test_own_layers_stay_at_their_measured_size(trixie_action_image: str) -> None:
    total = check(own_layers(HOST_DOCKER, trixie_action_image, TRIXIE_BASE), OWN_LAYERS)
    print(f"\n{trixie_action_image}: own part {total} bytes above {TRIXIE_BASE}")


def test_the_images_client_negotiates_with_each_engine(trixie_action_image: str,
                                                       engine: Engine) -> None:
    proc = inside(trixie_action_image, engine, "docker", "version", "--format",
                  "{{.Client.Version}} {{.Client.APIVersion}} {{.Server.Version}} "
                  "{{.Server.APIVersion}}")
    assert proc.returncode == 0, proc.stderr
    api = "1.41" if engine.store == "classic" else "1.45"
    assert proc.stdout == f"{CLIENT} {api} {engine.version} {api}\n"
    proc = inside(trixie_action_image, engine, "docker", "buildx", "version")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(f"github.com/docker/buildx {BUILDX} ")


def test_size_step_inside_the_image_measures_exact_bytes(
        trixie_action_image: str, engine: Engine, busybox_base: str, tmp_path: Path) -> None:
    example = tmp_path / "example"
    example.mkdir()
    start = f"FROM {busybox_base}\nRUN head -c 102400 /dev/zero > /a\n"
    (example / "Dockerfile.base").write_text(start)
    (example / "Dockerfile.head").write_text(start + "RUN head -c 204800 /dev/zero > /b\n")
    proc = inside(trixie_action_image, engine, "python3", "-m", "lint.size",
                  "--base", "/ex/Dockerfile.base", "--head", "/ex/Dockerfile.head",
                  "--context", "/ex", "--from-image", "", "--docker", "docker",
                  mounts=(f"{example}:/ex:ro",))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    store = "classic (overlay2)" if engine.store == "classic" else "containerd (overlayfs)"
    assert (f"Built with BuildKit through buildx {BUILDX}; docker client {CLIENT} (docker), "
            f"engine {engine.version}, {store} image store; compared with the base `"
            ) in proc.stdout
    assert "| 3 | RUN head -c 204800 /dev/zero &gt; /b (new) | — | 200.0 KiB | +200.0 KiB |" in (
        proc.stdout)
    assert "| 2 | RUN head -c 102400 /dev/zero &gt; /a | 100.0 KiB | 100.0 KiB | ±0 B |" in (
        proc.stdout)
    assert "Base image ±0 B, this Dockerfile's own layers +200.0 KiB." in proc.stdout
