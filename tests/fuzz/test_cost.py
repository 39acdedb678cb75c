"""The pure core's cost grows no faster than linearly with the input, with wide margins.

For each hostile shape (``tests/fuzz/shapes.py``) the core that runs on every file (the guard,
the parser, every DC rule through ``engine.analyze``, the heredoc rewrite, the bounds on what
hadolint is given, pragmas and config
applied to the findings, their fingerprints; not hadolint) runs at size ``n`` and ``8n``; the
process CPU time of ``8n`` (best of 3) must stay under 3 times the linear 8 x the time of ``n``
(best of 5). Linear code measures 6-10 here, quadratic 30-60.
Absolute times belong in ``bench/``, not here. Every repetition gets a fresh salt
(``Input.salted``) so no cache of compiled patterns makes it cheaper than a first run.

Shapes that are still superlinear are marked ``xfail(strict=True)`` with the reason: the day
the cost is fixed the test passes, strict makes that a failure, and the mark must go.
"""

from __future__ import annotations

import time

import pytest

from lint import engine, fingerprint, heredoc
from lint.config import Config
from lint.dockerfile import Dockerfile
from lint.rules import RULES, RuleContext
from tests.fuzz.shapes import SHAPES, Input

FACTOR = 8
MARGIN = 3
REPEAT = 3

#: shape -> n, chosen so that n takes some milliseconds and 8n stays within the parser's
#: and the guard's bounds (65,535 bytes a line, nesting 8, words of 1,024).
SIZES = {
    "nested_substitutions": 40, "nested_lines": 60, "long_run_line": 200, "continued_run": 100,
    "many_instructions": 150, "chown_copies": 40, "cleanups_against_downloads": 40,
    "bracket_path": 120, "bracket_copies": 100,
    "many_heredocs": 60, "multi_heredoc_run": 60, "stage_chain": 40, "stage_fanout": 40,
    "many_stages": 500, "env_list": 150,
    "env_lines": 60, "big_context": 800, "pragmas": 100,
}

#: Every rule on, the opt-in ones too, so that every rule's findings go through the whole path.
EVERY_RULE = Config(enabled=frozenset(r.CODE for r in RULES))

SUPERLINEAR: dict[str, str] = {
}


def core(inp: Input) -> None:
    data = inp.text.encode("utf-8")
    assert engine.guard("Dockerfile", data, len(data)) is None
    df = engine.parse_or_error("Dockerfile", data)
    assert isinstance(df, Dockerfile), df
    ctx = RuleContext(context_dir="app", dockerignore=inp.dockerignore,
                      dockerignore_name=".dockerignore", context_files=inp.context_files)
    findings = engine.analyze(df, ctx)
    heredoc.for_hadolint(df)
    engine.for_hadolint(df)
    # What every run does with a file's findings: pragmas and config, then fingerprints (each
    # finding's instruction, each stage's place in the shipped chain).
    kept = engine.apply_config(findings, EVERY_RULE, {"Dockerfile": df})
    fingerprint.assign(kept, {"Dockerfile": df})


def cpu(inp: Input, repeat: int = REPEAT) -> float:
    """Best process CPU time of ``repeat`` runs, each on a freshly salted copy."""
    best = float("inf")
    for run in range(repeat):
        salted = inp.salted(f"r{run}x{time.perf_counter_ns()}")
        start = time.process_time()
        core(salted)
        best = min(best, time.process_time() - start)
    return max(best, 1e-4)


def _param(name: str) -> object:
    marks = [pytest.mark.xfail(strict=True, reason=SUPERLINEAR[name])] \
        if name in SUPERLINEAR else []
    return pytest.param(name, marks=marks, id=name)


@pytest.mark.parametrize("name", [_param(name) for name in SHAPES])
def test_cost_grows_linearly(name: str) -> None:
    make, n = SHAPES[name], SIZES[name]
    small, large = make(n), make(FACTOR * n)
    core(small)  # warm up imports and first-use caches of the code, not of the input
    base = cpu(small, repeat=5)  # cheap: more runs make the base robust to a busy machine
    bound = FACTOR * MARGIN * base
    grown = float("inf")
    for _ in range(REPEAT):  # best of 3, stopping at the first run under the bound
        grown = min(grown, cpu(large, repeat=1))
        if grown < bound:
            break
    assert grown < bound, (f"{name}: n={n} {base * 1000:.1f} ms, {FACTOR}n {grown * 1000:.1f} "
                           f"ms: x{grown / base:.1f}, bound x{FACTOR * MARGIN}")


def test_every_shape_has_a_size() -> None:
    assert set(SIZES) == set(SHAPES)
    assert set(SUPERLINEAR) <= set(SHAPES)
