#!/usr/bin/env python3
"""The cost of one hostile file at the largest size the bounds accept.

    python3 bench/bounds.py [--wall 2] [--rss 200] [--only NAME] [--budget SECONDS]

Each shape is generated at the largest size ``lint.engine.guard`` accepts (the read cap, the
nesting bound, the longest word), written to a temporary folder and linted through the CLI
exactly as a user would (``python3 -m lint -f json FILE``: parsing, every DC rule and the real
hadolint). Wall time and the peak RSS of the whole process tree (the CLI and its hadolint,
sampled every 5 ms from /proc, as in ``bench/lint.py``) are printed per shape with pass/fail
against the target (2 s, 200 MB); the exit code is 1 when any shape misses. Also printed: the
findings that say a bound applied (DC003), so a shape refused by a bound is visible as such.
The machine's load average is printed first: absolute times mean little on a loaded machine.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lint.engine import MAX_NESTING, MAX_WORD, READ_CAP  # noqa: E402

HEAD = "FROM alpine:3.20\n"


def _bench_lint() -> ModuleType:
    # bench/lint.py is loaded by path: a plain import would find the ``lint`` package.
    spec = importlib.util.spec_from_file_location("bench_lint", ROOT / "bench" / "lint.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def nest(depth: int, inner: str) -> str:
    return "${A:-" * depth + inner + "}" * depth


def fill(line: str, cap: int = READ_CAP) -> str:
    """``HEAD`` and ``line`` repeated up to (not over) ``cap`` bytes."""
    room = cap - len(HEAD.encode())
    return HEAD + (line + "\n") * max(1, room // len((line + "\n").encode()))


def _nested_words() -> str:
    # The deepest nesting with the longest word inside it, on as many lines as fit.
    word = nest(MAX_NESTING, "x" * (MAX_WORD - 6 * MAX_NESTING))
    return fill(f"RUN echo {word}")


def _nested_long_line() -> str:
    # One logical RUN: many deepest-nested words joined by continuations.
    word = nest(MAX_NESTING, "x" * (MAX_WORD - 6 * MAX_NESTING))
    count = (READ_CAP - len(HEAD) - 20) // (len(word) + 3)
    return HEAD + "RUN echo " + " \\\n ".join([word] * count) + "\n"


def _many_instructions() -> str:
    return fill("RUN echo hello world")


def _one_huge_run() -> str:
    segment = " \\\n && echo hello world"
    count = (READ_CAP - len(HEAD) - 20) // len(segment)
    return HEAD + "RUN echo start" + segment * count + "\n"


def _huge_heredoc() -> str:
    count = (READ_CAP - len(HEAD) - 20) // 17
    return HEAD + "RUN <<EOF\n" + "echo hello world\n" * count + "EOF\n"


def _brackets_in_run() -> str:
    # ShellCheck (inside hadolint) is superlinear in a run of '[' in a shell word.
    return fill("RUN rm -rf /tmp/" + "[" * (MAX_WORD - 8))


def _brackets_in_paths() -> str:
    # COPY destinations and RUN cleanup paths full of '[' compared by rules/_paths (DC204).
    path = "/app/" + "[" * (MAX_WORD - 16)
    return fill(f"COPY src {path}\nRUN rm -rf {path}")


def _flat_variables() -> str:
    return fill("RUN echo " + " ".join(["${A}"] * 200))


def _many_stages() -> str:
    return fill("FROM alpine:3.20 AS s\nCOPY --from=s /a /b\nRUN rm -rf /b/*")


SHAPES: dict[str, Callable[[], str]] = {
    "nested words": _nested_words,
    "nested long RUN": _nested_long_line,
    "many instructions": _many_instructions,
    "one huge RUN": _one_huge_run,
    "huge heredoc": _huge_heredoc,
    "'[' in RUN": _brackets_in_run,
    "'[' in paths": _brackets_in_paths,
    "flat ${A}": _flat_variables,
    "many stages": _many_stages,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--wall", type=float, default=2.0, help="seconds per file (target)")
    parser.add_argument("--rss", type=float, default=200.0, help="MB of peak RSS (target)")
    parser.add_argument("--only", action="append", default=[], metavar="NAME")
    parser.add_argument("--budget", type=float, default=None,
                        help="passed on as --hadolint-budget")
    args = parser.parse_args(argv)
    bench = _bench_lint()
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}, "
          f"{len(os.sched_getaffinity(0))} cores; caps: read {READ_CAP:,} B, "
          f"nesting {MAX_NESTING}, word {MAX_WORD:,}")
    print(f"{'shape':20} {'bytes':>9} {'wall s':>7} {'RSS MB':>7}  {'result':6} bounds applied")
    misses = 0
    with tempfile.TemporaryDirectory(prefix="bounds-") as tmp:
        for name, make in SHAPES.items():
            if args.only and name not in args.only:
                continue
            path = Path(tmp) / "Dockerfile"
            data = make().encode()
            assert len(data) <= READ_CAP, (name, len(data))
            path.write_bytes(data)
            command = [sys.executable, "-m", "lint", "-f", "json", str(path)]
            if args.budget is not None:
                command += ["--hadolint-budget", str(args.budget)]
            env_path = os.environ.get("PYTHONPATH")
            os.environ["PYTHONPATH"] = str(ROOT) + (os.pathsep + env_path if env_path else "")
            run = bench.measure(command, Path(tmp))
            try:
                findings = json.loads(run.stdout)
            except ValueError:
                findings = []
            applied = sorted({f"{f['code']}:{f['line']}" for f in findings
                              if f["code"] in ("DC002", "DC003")})
            rss = run.peak_rss / 1e6
            ok = run.code in (0, 1) and run.wall <= args.wall and rss <= args.rss
            misses += not ok
            print(f"{name:20} {len(data):>9,} {run.wall:>7.2f} {rss:>7.0f}  "
                  f"{'pass' if ok else 'MISS':6} {' '.join(applied) or '-'}"
                  + ("" if run.code in (0, 1) else f" (exit {run.code})"), flush=True)
    return 1 if misses else 0


if __name__ == "__main__":
    sys.exit(main())
