"""The docker edge: one client binary, run as a subprocess, raising one named error.

Build-arg values travel in the client's environment (``--build-arg NAME`` without ``=`` makes
the client read ``NAME`` from its environment), so they are never on a command line, and every
text that leaves this module (error messages, build log tails) has them replaced by ``***``.
BuildKit needs ``--network host`` where the engine has no ``bridge`` network (engines started
with ``--bridge=none``); elsewhere the default network is kept. The client's environment is
allow-listed (``lint.subprocess_env``: the base plus ``DOCKER_NAMES`` and ``BUILDX_*``), so no
input or token reaches it.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from lint.redact import redact
from lint.subprocess_env import allowed

LOG_TAIL_LINES = 30
_PROTECTED_ENV = re.compile(r"^(PATH|HOME|USER|SHELL|TMPDIR|LANG|LC_.*|DOCKER_.*|BUILDKIT_.*)$")
_ARG_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
#: What the docker client reads from its environment to find and talk to the engine.
DOCKER_NAMES = ("DOCKER_HOST", "DOCKER_CONFIG", "DOCKER_BUILDKIT", "DOCKER_CONTEXT",
                "DOCKER_CERT_PATH", "DOCKER_TLS_VERIFY", "DOCKER_API_VERSION")
DOCKER_PREFIXES = ("BUILDX_",)


def scrub(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every secret value replaced by ``***`` (short values only as whole words,
    so a value such as ``1`` does not mangle every number), then ``redact``'s patterns."""
    for value in sorted({s for s in secrets if s}, key=len, reverse=True):
        if len(value) >= 4:
            text = text.replace(value, "***")
        else:
            text = re.sub(rf"(?<![A-Za-z0-9_]){re.escape(value)}(?![A-Za-z0-9_])", "***", text)
    return redact(text)


class DockerError(Exception):
    """A docker command failed: the command, its exit code (-1: could not run or timed out)
    and the end of its stderr, secrets removed."""

    def __init__(self, command: Sequence[str], code: int, stderr: str,
                 secrets: Iterable[str] = ()) -> None:
        secrets = tuple(secrets)
        self.command = scrub(" ".join(command), secrets)
        self.code = code
        lines = scrub(stderr, secrets).strip().splitlines()
        self.stderr = "\n".join(lines[-LOG_TAIL_LINES:])
        last = lines[-1] if lines else ""
        super().__init__(f"{self.command} exited with {code}: {last}"[:500])


@dataclass(frozen=True)
class Engine:
    """What ``probe`` learned: versions, the builder, the image store, the network to use."""

    client: str
    server: str
    builder: str  # "buildkit" or "legacy"
    buildx: str | None
    store: str  # "classic (overlay2)" / "containerd (...)"
    host_network: bool

    def describe(self, command: str) -> str:
        how = (f"BuildKit through buildx {self.buildx}" if self.buildx
               else "BuildKit (the client's built-in)" if self.builder == "buildkit"
               else "the legacy builder (BuildKit is not available to this client)")
        return (f"{how}; docker client {self.client} ({command}), engine {self.server}, "
                f"{self.store} image store")


@dataclass(frozen=True)
class BuildRequest:
    context: Path
    dockerfile: Path
    tag: str
    target: str | None = None
    platform: str | None = None
    build_args: Mapping[str, str] = field(default_factory=dict, repr=False)
    #: Set on the image's config (``--label``) by BuildKit, where they add no layer and no
    #: history entry. The legacy builder appends a ``LABEL`` step to the history instead,
    #: which would shift the alignment of layers to instructions, so it gets none.
    labels: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class BuildOutcome:
    ok: bool
    seconds: float
    log_tail: str  # secrets and build-arg values removed
    timed_out: bool = False


class Docker:
    """One docker client. ``command`` is the binary (``docker``, ``/usr/bin/docker``)."""

    def __init__(self, command: str = "docker", env: Mapping[str, str] | None = None) -> None:
        self.command = command
        self._env = allowed(os.environ if env is None else env, DOCKER_NAMES, DOCKER_PREFIXES,
                            extra={"DOCKER_CLI_HINTS": "false", "BUILDKIT_PROGRESS": "plain"})
        self.engine: Engine | None = None

    def _run(self, args: Sequence[str], timeout: float = 120.0,
             env: Mapping[str, str] | None = None,
             secrets: Iterable[str] = ()) -> subprocess.CompletedProcess[bytes]:
        command = [self.command, *args]
        try:
            proc = subprocess.run(command, env=dict(env or self._env), capture_output=True,
                                  timeout=timeout, check=False)
        except FileNotFoundError:
            raise DockerError(command, -1, f"{self.command}: command not found") from None
        except subprocess.TimeoutExpired:
            raise DockerError(command, -1, f"timed out after {timeout:.0f} s", secrets) from None
        except OSError as exc:
            raise DockerError(command, -1, str(exc), secrets) from None
        if proc.returncode != 0:
            raise DockerError(command, proc.returncode, proc.stderr.decode("utf-8", "replace"),
                              secrets)
        return proc

    def probe(self) -> Engine:
        """Versions, builder, store and network; ``DockerError`` when no engine answers."""
        with ThreadPoolExecutor(max_workers=4) as pool:  # four independent questions at once
            asked = {name: pool.submit(self._run, args, 30) for name, args in (
                ("version", ["version", "--format", "{{json .}}"]),
                ("buildx", ["buildx", "version"]),
                ("info", ["info", "--format", "{{json .}}"]),
                ("network", ["network", "inspect", "bridge"]))}
        out = asked["version"].result().stdout
        data = json.loads(out.decode("utf-8", "replace") or "{}")
        client = str((data.get("Client") or {}).get("Version", "?"))
        server = str((data.get("Server") or {}).get("Version", "?"))
        buildx: str | None = None
        try:
            words = asked["buildx"].result().stdout.decode().split()
            buildx = words[1] if len(words) > 1 else "?"
        except DockerError:
            buildx = None
        major = int(re.match(r"\d+", client).group(0)) if re.match(r"\d+", client) else 0  # type: ignore[union-attr]
        builder = "buildkit" if buildx or major < 23 else "legacy"
        info = asked["info"].result().stdout
        details = json.loads(info.decode("utf-8", "replace") or "{}")
        driver = str(details.get("Driver", "?"))
        status = json.dumps(details.get("DriverStatus") or [])
        store = (f"containerd ({driver})" if "io.containerd.snapshotter" in status
                 else f"classic ({driver})")
        try:
            asked["network"].result()
            host_network = False
        except DockerError:
            host_network = True
        self.engine = Engine(client, server, builder, buildx, store, host_network)
        return self.engine

    def build(self, request: BuildRequest, timeout: float) -> BuildOutcome:
        """Build and tag one image; a failed or timed-out build is an outcome, not an error."""
        engine = self.engine or self.probe()
        env = dict(self._env)
        env["DOCKER_BUILDKIT"] = "1" if engine.builder == "buildkit" else "0"
        args = ["build", "--file", str(request.dockerfile), "--tag", request.tag]
        if engine.builder == "buildkit":
            args += ["--progress", "plain"]
            for name, value in request.labels.items():
                args += ["--label", f"{name}={value}"]
        if engine.host_network:
            args += ["--network", "host"]
        if request.target:
            args += ["--target", request.target]
        if request.platform:
            args += ["--platform", request.platform]
        for name, value in request.build_args.items():
            if _ARG_NAME.match(name) and not _PROTECTED_ENV.match(name):
                env[name] = value
                args += ["--build-arg", name]
            else:  # cannot travel in the environment; still never printed (see scrub)
                args += ["--build-arg", f"{name}={value}"]
        args.append(str(request.context))
        secrets = tuple(request.build_args.values())
        start = time.monotonic()
        try:
            proc = subprocess.run([self.command, *args], env=env, capture_output=True,
                                  timeout=timeout, check=False)
        except subprocess.TimeoutExpired as exc:
            seconds = time.monotonic() - start
            log = _tail((exc.stderr or b"") + (exc.output or b""), secrets)
            return BuildOutcome(False, seconds, log, timed_out=True)
        except OSError as exc:
            raise DockerError([self.command, *args], -1, str(exc), secrets) from None
        seconds = time.monotonic() - start
        log = _tail(proc.stderr + proc.stdout, secrets)
        return BuildOutcome(proc.returncode == 0, seconds, log)

    def labels(self, reference: str) -> dict[str, str]:
        """The labels of an image in the engine; ``DockerError`` when the engine lacks it."""
        out = self._run(["image", "inspect", "--format", "{{json .Config.Labels}}", "--",
                         reference], timeout=60).stdout
        data = json.loads(out.decode("utf-8", "replace").strip() or "null")
        return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}

    def save(self, tags: Sequence[str], dest: Path, timeout: float) -> None:
        self._run(["save", "--output", str(dest), *tags], timeout=timeout)

    def remove(self, tags: Sequence[str]) -> None:
        if tags:
            try:
                self._run(["image", "rm", "--force", *tags], timeout=120)
            except DockerError:
                pass  # leftover tags are harmless; the report matters more


def _tail(data: bytes, secrets: Iterable[str]) -> str:
    lines = scrub(data.decode("utf-8", "replace"), secrets).rstrip().splitlines()
    return "\n".join(lines[-LOG_TAIL_LINES:])
