"""Lint a set of Dockerfiles: read, parse, run hadolint and our rules, apply the config.

This is the I/O edge of the lint step (files, the hadolint process, temporary copies); the
decisions are in ``lint.engine``.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from lint import catalog, engine, fingerprint, hadolint, heredoc
from lint import context as context_io
from lint.config import Config, Overrides, hadolint_args
from lint.discovery import Found
from lint.dockerfile import Dockerfile, DockerfileError
from lint.finding import Finding
from lint.rules import RuleContext

MAX_FILE_SIZE = 1_000_000


@dataclass(frozen=True)
class LintOptions:
    overrides: Overrides = field(default_factory=Overrides)
    target: str | None = None
    context: Path | None = None
    max_file_size: int = MAX_FILE_SIZE
    hadolint_bin: str | None = None
    processes: int | None = None
    #: Seconds hadolint may take per file (``lint.hadolint.batch_timeout``).
    hadolint_budget: float = hadolint.BUDGET
    pin_exempt: tuple[str, ...] = ()
    hadolint_all_stages: bool = False
    run_hadolint: bool = True


@dataclass
class LintResult:
    findings: list[Finding] = field(default_factory=list)
    dockerfiles: dict[str, Dockerfile] = field(default_factory=dict)
    contexts: dict[str, RuleContext] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: Files that could not be fully linted, each with why (a DC002 or DC003 finding, or
    #: hadolint failing on it), whatever the configuration ignores: a report that is missing
    #: their findings must not replace a complete one (code scanning would close alerts).
    incomplete: dict[str, str] = field(default_factory=dict)
    #: Files not linted, or not fully, because of a bound (each with its DC003 message):
    #: whatever the configuration does with DC003, the size step does not build them.
    refused: dict[str, str] = field(default_factory=dict)


#: Why a file is incomplete when hadolint failed on it (its exit code, a timeout or its output).
HADOLINT_FAILED = "hadolint failed on it (exit code, time limit or unreadable output)"


def could_not_lint(path: str) -> str:
    """The run's error for a file hadolint failed on."""
    return f"hadolint could not lint {path}"


#: Findings that say a file was not (fully) linted: too large for hadolint, refused before parsing.
PARTIAL = (engine.TOO_LARGE, engine.NOT_LINTED)


def _shipped_only(findings: list[Finding], df: Dockerfile, ctx: RuleContext) -> list[Finding]:
    """hadolint's rules about what ships (catalog scope ``final``), kept for the shipped
    stage's chain only."""
    chain = df.chain(df.shipped_stage(ctx.target))
    spans = [(s.instructions[0].line, s.instructions[-1].end_line) for s in chain]
    return [
        f for f in findings
        if catalog.lookup(f.code).scope != "final" or any(a <= f.line <= b for a, b in spans)
    ]


def lint_files(found: Sequence[Found], config: Config, options: LintOptions) -> LintResult:
    result = LintResult(files=[f.path for f in found])
    ours: dict[str, list[Finding]] = {}
    jobs: list[hadolint.Job] = []
    line_maps: dict[str, list[int]] = {}
    # Read and parse everything first, so hadolint can start while our rules run. An entry is
    # the file with its parse result and first findings, or the message of a file not read.
    entries: list[tuple[Found, Dockerfile | Finding, list[Finding]] | str] = []
    tmp = tempfile.TemporaryDirectory(prefix="dockerfile-review-")
    pool = ThreadPoolExecutor(max_workers=1)
    try:
        for index, item in enumerate(found):
            try:
                with item.disk.open("rb") as handle:  # bounded: never more than the cap
                    data = handle.read(engine.READ_CAP + 1)
                    size = item.disk.stat().st_size
            except OSError as exc:
                entries.append(f"cannot read {item.path}: {exc.strerror or exc}")
                continue
            refused = engine.guard(item.path, data, size)
            if refused is not None:
                entries.append((item, refused, [refused]))
                continue
            outcome = engine.parse_or_error(item.path, data)
            findings: list[Finding] = []
            hadolint_ok = len(data) <= options.max_file_size
            parsed: Dockerfile | Finding
            if isinstance(outcome, DockerfileError):
                # An unparsable file gets its one DC001 (no DC002 besides); binary or
                # undecodable content is not handed to hadolint (nothing to learn), nor a line
                # over BuildKit's limit or text over the bounds on what hadolint is given
                # (counted on the whole text: there are no instructions to count on).
                parsed = engine.unparsable(item.path, outcome)
                findings.append(parsed)
                hadolint_ok = (hadolint_ok
                               and outcome.kind not in ("binary", "encoding", "too-long")
                               and engine.text_for_hadolint(data.decode("utf-8", "replace")))
            else:
                parsed = outcome
                if not hadolint_ok:
                    findings.append(
                        engine.too_large(item.path, len(data), options.max_file_size))
                elif (bounded := engine.for_hadolint(parsed)) is not None:
                    findings.append(bounded)
                    hadolint_ok = False
            entries.append((item, parsed, findings))
            if hadolint_ok and options.run_hadolint:
                disk = str(item.disk.absolute())
                if isinstance(parsed, Dockerfile):
                    rewritten = heredoc.for_hadolint(parsed)
                    if rewritten is not None:
                        copy = Path(tmp.name) / f"{index}.Dockerfile"
                        copy.write_text(rewritten[0], encoding="utf-8")
                        disk = str(copy)
                        line_maps[item.path] = rewritten[1]
                jobs.append(hadolint.Job(item.path, disk))
        pending = pool.submit(
            hadolint.run, jobs, hadolint_args(options.overrides, config),
            binary=options.hadolint_bin, processes=options.processes,
            budget=options.hadolint_budget, cwd=config.directory,
        ) if jobs else None
        for entry in entries:
            if isinstance(entry, str):
                result.errors.append(entry)
                continue
            item, parsed, findings = entry
            if isinstance(parsed, Dockerfile):
                ctx = context_io.load(
                    item.disk, options.context, options.target, options.pin_exempt,
                    config.trusted_registries,
                )
                result.dockerfiles[item.path] = parsed
                result.contexts[item.path] = ctx
                try:
                    findings += engine.analyze(parsed, ctx)
                except engine.RuleCrash as exc:
                    result.errors.append(str(exc))
            ours[item.path] = findings
        theirs: dict[str, list[Finding]] = {}
        if pending is not None:
            try:
                linted = pending.result()
            except hadolint.HadolintError as exc:
                result.errors.append(str(exc))
                linted = hadolint.Linted([], [], [])
            for path in linted.failed:
                result.errors.append(could_not_lint(path))
                result.incomplete.setdefault(path, HADOLINT_FAILED)
            for path in linted.hung:
                hung = engine.hung(path, hadolint.batch_timeout(1, options.hadolint_budget))
                ours.setdefault(path, []).append(hung)
            for path in linted.heavy:
                ours.setdefault(path, []).append(engine.out_of_memory(path, hadolint.HEAP_MB))
            for f in linted.findings:
                lmap = line_maps.get(f.path)
                if lmap is not None and 1 <= f.line <= len(lmap):
                    f = f.with_(line=lmap[f.line - 1], end_line=lmap[f.line - 1])
                theirs.setdefault(f.path, []).append(f)
    finally:
        pool.shutdown(wait=True)  # hadolint may still read the rewritten copies
        tmp.cleanup()
    combined: list[Finding] = []
    for path in result.files:
        if path not in ours:
            continue
        mine, hl = ours[path], theirs.get(path, [])
        df = result.dockerfiles.get(path)
        if df is not None and not options.hadolint_all_stages:
            hl = _shipped_only(hl, df, result.contexts[path])
        combined += mine + hl
    for f in combined:
        if f.code in PARTIAL:
            result.incomplete.setdefault(f.path, f"{f.code}: {f.message}")
        if f.code == engine.NOT_LINTED:
            result.refused.setdefault(f.path, f.message)
    combined = engine.apply_config(combined, config, result.dockerfiles)
    unparsed = [p for p in result.files if p in ours and p not in result.dockerfiles]
    combined = engine.supersede(combined, unparsed)
    result.findings = fingerprint.assign(combined, result.dockerfiles, options.target)
    return result
