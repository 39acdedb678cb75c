"""The buildx edge: ``docker buildx bake --print``, bounded, raising one named error.

``--print`` evaluates a bake definition (variables, functions, ``inherits``, ``matrix``)
without building and without an engine or a builder (measured with buildx 0.13.1: no daemon
running, no builder configured). HCL variables read environment variables of their own name, so
the process gets the base allow-list of ``lint.subprocess_env`` only (no ``DOCKER_*``,
``BUILDX_*``, inputs, token or secret), an empty temporary ``HOME`` and ``DOCKER_CONFIG`` (no
registry credentials), runs in the bake file's own directory with the files named explicitly
(never compose files, which the size step reads itself), and is killed (with its process group:
``docker buildx`` runs the plugin as a child) when it outlives ``timeout`` seconds or writes
more than ``max_output`` bytes. A large ``matrix`` is what makes evaluation slow: 40 × 40 values
took 15 s and 250 KB of output here.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from lint.redact import redact
from lint.subprocess_env import allowed

TIMEOUT = 30.0
MAX_OUTPUT = 8 * 1024 * 1024
_POLL = 0.05
#: What a docker client without the buildx plugin answers to ``docker buildx bake --print``.
_NO_BUILDX = ("unknown flag: --progress", "unknown flag: --print", "is not a docker command",
              "unknown command")


class BuildxError(Exception):
    """``bake --print`` could not run or failed; ``missing`` when there is no buildx at all."""

    def __init__(self, message: str, missing: bool = False) -> None:
        super().__init__(message)
        self.missing = missing


def command_for(docker: str, env: Mapping[str, str]) -> tuple[str, ...]:
    """How to run buildx: ``$BUILDX`` (a ``docker-buildx`` binary, which runs standalone) when
    set, else the docker client's plugin (``docker buildx``)."""
    binary = env.get("BUILDX", "").strip()
    return (binary,) if binary else (docker, "buildx")


def bake_print(command: Sequence[str], directory: Path, files: Sequence[str],
               targets: Sequence[str], *, timeout: float = TIMEOUT,
               max_output: int = MAX_OUTPUT, env: Mapping[str, str] | None = None
               ) -> dict[str, Any]:
    """The JSON ``bake --print`` writes for ``targets`` of ``files`` (names in ``directory``)."""
    args = [*command, "bake", "--progress", "quiet", "--print"]
    for name in files:
        args += ["--file", name]
    args += ["--", *targets] if targets else []
    with tempfile.TemporaryDirectory(prefix="dockerfile-review-bake-") as home, \
            tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        config = Path(home) / ".docker"
        config.mkdir()
        child_env = allowed(os.environ if env is None else env,
                            extra={"HOME": home, "DOCKER_CONFIG": str(config),
                                   "DOCKER_CLI_HINTS": "false"})
        try:
            proc = subprocess.Popen(args, cwd=directory, env=child_env, stdin=subprocess.DEVNULL,
                                    stdout=out, stderr=err, start_new_session=True)
        except OSError as exc:
            raise BuildxError(f"{args[0]} could not run ({exc.strerror or exc})",
                              missing=True) from None
        why = _wait(proc, out, err, timeout, max_output)
        if why:
            raise BuildxError(why)
        out.seek(0)
        err.seek(0)
        stderr = err.read(64 * 1024).decode("utf-8", "replace")
        if proc.returncode != 0:
            lines = [ln for ln in stderr.splitlines() if ln.strip()]
            last = redact(lines[-1].strip())[:300] if lines else ""
            if any(sign in stderr for sign in _NO_BUILDX):
                raise BuildxError(f"{' '.join(command)} is not available", missing=True)
            raise BuildxError(f"exited with {proc.returncode}: {last}")
        try:
            data = json.loads(out.read().decode("utf-8", "replace"))
        except ValueError:
            raise BuildxError("printed something that is not JSON") from None
    if not isinstance(data, dict):
        raise BuildxError("printed something that is not a bake definition")
    return data


def _wait(proc: subprocess.Popen[bytes], out: Any, err: Any, timeout: float,
          max_output: int) -> str | None:
    """Wait for ``proc``; kill it and say why when it takes too long or writes too much."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            proc.wait(timeout=_POLL)
            finished = True
        except subprocess.TimeoutExpired:
            finished = False
        written = os.fstat(out.fileno()).st_size + os.fstat(err.fileno()).st_size
        if written > max_output:
            _kill(proc)
            return f"stopped: it wrote more than {max_output:,} bytes"
        if finished:
            return None
        if time.monotonic() > deadline:
            _kill(proc)
            return f"stopped: it did not finish within {timeout:g} s"


def _kill(proc: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()
