#!/usr/bin/env python3
"""The cost of one hostile file at the largest size the bounds accept.

    python3 bench/bounds.py [--wall 2] [--rss 200] [--only NAME] [--budget SECONDS]

Each shape is generated twice: at the largest size every bound accepts (``lint.engine.guard``:
the read cap, the nesting bound, the longest word; ``lint.engine.for_hadolint``: what hadolint
is given), so the file is parsed, checked by every rule and linted by hadolint; and filled up to
the read cap, where a bound refuses it (DC003). Each is written to a temporary folder and linted
through the CLI
exactly as a user would (``python3 -m lint -f json FILE``: parsing, every DC rule and the real
hadolint). Wall time and the peak RSS of the whole process tree (the CLI and its hadolint,
sampled every 5 ms from /proc, as in ``bench/lint.py``) are printed per shape with pass/fail
against the target (2 s, 200 MB); the exit code is 1 when any shape misses. Also printed:
hadolint alone on the accepted file (one process, its default runtime, as a user runs it), and
the findings that say a bound applied (DC003), so a shape refused by a bound is visible as such.
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

from lint import engine  # noqa: E402
from lint.dockerfile import Dockerfile  # noqa: E402
from lint.engine import MAX_BRACKETS, MAX_NESTING, MAX_PARENS, MAX_WORD, READ_CAP  # noqa: E402
from lint.hadolint import HEAP_MB, find_binary  # noqa: E402

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


WORD = nest(MAX_NESTING, "x" * (MAX_WORD - 6 * MAX_NESTING))  # deepest nesting, longest word
CHAIN = "RUN echo start" + " && echo hello world" * 400  # 8,014 characters on one line
SEGMENT = " \\\n && echo hello world"

#: shape -> the file with ``n`` repetitions of its unit.
SHAPES: dict[str, Callable[[int], str]] = {
    "nested words": lambda n: HEAD + f"RUN echo {WORD}\n" * n,
    "nested long RUN": lambda n: HEAD + "RUN echo " + " \\\n ".join([WORD] * n) + "\n",
    "many instructions": lambda n: HEAD + "RUN echo hello world\n" * n,
    "one huge RUN": lambda n: HEAD + "RUN echo start" + SEGMENT * n + "\n",
    "huge heredoc": lambda n: HEAD + "RUN <<EOF\n" + "echo hello world\n" * n + "EOF\n",
    "'[' in RUN": lambda n: HEAD + ("RUN rm -rf /tmp/" + "[" * (MAX_BRACKETS // 8) + "\n") * n,
    "'[' in one word": lambda n: HEAD + ("RUN rm -rf /tmp/" + "[" * MAX_BRACKETS + "\n") * n,
    "'[' in paths": lambda n: HEAD + (f"COPY src /app/{'[' * (MAX_WORD - 16)}\n"
                                      f"RUN rm -rf /app/{'[' * 2}\n") * n,
    "flat ${A}": lambda n: HEAD + ("RUN echo " + " ".join(["${A}"] * 200) + "\n") * n,
    "many stages": lambda n: HEAD + ("FROM alpine:3.20 AS s\nCOPY --from=s /a /b\n"
                                     "RUN rm -rf /b/*\n") * n,
    "nested $(": lambda n: HEAD + ("RUN echo " + "$(" * MAX_PARENS + "x" + ")" * MAX_PARENS
                                   + "\n") * n,
    "long one-line RUNs": lambda n: HEAD + (CHAIN + "\n") * n,
    "dense short RUNs": lambda n: HEAD + (CHAIN[:320] + "\n") * n,
}


def accepted(text: str) -> bool:
    """Whether every bound accepts ``text``: it is parsed, checked by every rule and handed to
    hadolint."""
    data = text.encode()
    if engine.guard("Dockerfile", data, len(data)) is not None:
        return False
    parsed = engine.parse_or_error("Dockerfile", data)
    return isinstance(parsed, Dockerfile) and engine.for_hadolint(parsed) is None


def largest(make: Callable[[int], str], fits: Callable[[str], bool]) -> int:
    """The largest ``n`` for which ``fits(make(n))`` (0 when not even 1 does), by doubling then
    bisection (each shape's cost only grows with ``n``)."""
    if not fits(make(1)):
        return 0
    low, high = 1, 2
    while fits(make(high)):  # both uses refuse anything over the read cap
        low, high = high, high * 2
    while high - low > 1:
        mid = (low + high) // 2
        low, high = (mid, high) if fits(make(mid)) else (low, mid)
    return low


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--wall", type=float, default=2.0, help="seconds per file (target)")
    parser.add_argument("--rss", type=float, default=200.0, help="MB of peak RSS (target)")
    parser.add_argument("--only", action="append", default=[], metavar="NAME")
    parser.add_argument("--budget", type=float, default=None,
                        help="passed on as --hadolint-budget")
    args = parser.parse_args(argv)
    bench = _bench_lint()
    hadolint_bin = find_binary()
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}, "
          f"{len(os.sched_getaffinity(0))} cores; caps: read {READ_CAP:,} B, "
          f"nesting {MAX_NESTING}, word {MAX_WORD:,}; hadolint is given at most "
          f"{engine.MAX_RUNS} RUNs, {engine.MAX_INSTRUCTION:,} characters a RUN, "
          f"{engine.MAX_SHELL:,} of shell, {engine.MAX_EXPANSIONS:,} '$' and '`', "
          f"{MAX_BRACKETS} '[', parentheses "
          f"{MAX_PARENS} deep, a heap of {HEAP_MB} MB")
    print(f"{'shape':20} {'size':10} {'bytes':>9} {'wall s':>7} {'RSS MB':>7}  {'result':6} "
          f"{'hadolint alone s':>16}  bounds applied")
    misses = 0
    env_path = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = str(ROOT) + (os.pathsep + env_path if env_path else "")
    with tempfile.TemporaryDirectory(prefix="bounds-") as tmp:
        for name, make in SHAPES.items():
            if args.only and name not in args.only:
                continue
            sizes = {"accepted": largest(make, accepted),
                     "read cap": largest(make, lambda t: len(t.encode()) <= READ_CAP)}
            for size, n in sizes.items():
                if n == 0:
                    print(f"{name:20} {size:10} (no size is accepted)")
                    misses += 1
                    continue
                path = Path(tmp) / "Dockerfile"
                data = make(n).encode()
                assert len(data) <= READ_CAP, (name, len(data))
                path.write_bytes(data)
                command = [sys.executable, "-m", "lint", "-f", "json", str(path)]
                if args.budget is not None:
                    command += ["--hadolint-budget", str(args.budget)]
                run = bench.measure(command, Path(tmp))
                alone = "-"
                if size == "accepted":
                    # hadolint alone on the same file, as a user would run it: the reference
                    reference = bench.measure([hadolint_bin, "-f", "json", str(path)], Path(tmp))
                    alone = f"{reference.wall:.2f}"
                try:
                    findings = json.loads(run.stdout)
                except ValueError:
                    findings = []
                applied = sorted({f"{f['code']}:{f['line']}" for f in findings
                                  if f["code"] in ("DC002", "DC003")})
                rss = run.peak_rss / 1e6
                ok = run.code in (0, 1) and run.wall <= args.wall and rss <= args.rss
                misses += not ok
                print(f"{name:20} {size:10} {len(data):>9,} {run.wall:>7.2f} {rss:>7.0f}  "
                      f"{'pass' if ok else 'MISS':6} {alone:>16}  {' '.join(applied) or '-'}"
                      + ("" if run.code in (0, 1) else f" (exit {run.code})"), flush=True)
    return 1 if misses else 0


if __name__ == "__main__":
    sys.exit(main())
