"""The pure core: from parsed Dockerfiles and linter output to the final list of findings.

``analyze`` runs our rules on one file; ``apply_config`` applies pragmas and the shared
configuration to every finding, whichever tool produced it; ``supersede`` drops another tool's
finding where one of our rules declares (``SUPERSEDES``) that it says the same thing. The engine
knows rules only through the data they declare. No I/O here.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import replace

from lint.config import Config
from lint.dockerfile import Dockerfile, DockerfileError, parse
from lint.finding import SOURCE_OURS, Finding, Severity
from lint.redact import redact
from lint.rules import BY_CODE, RULES, Code, Hit, Rule, RuleContext
from lint.rules._shell import Scripts

#: The code for a file that cannot be parsed, the one for a file too large for hadolint, and
#: the one for a file refused before parsing (``guard``).
UNPARSABLE, TOO_LARGE, NOT_LINTED = "DC001", "DC002", "DC003"
#: Bounds checked before a file is parsed (DC003's docs say why these numbers).
READ_CAP = 131_072
MAX_NESTING = 8
MAX_WORD = 1_024
#: Bounds on what hadolint is given, checked on the parsed file (DC003's docs say why these
#: numbers): RUN instructions, characters of one RUN (heredoc bodies included), of all shell,
#: expansions and substitutions (``$`` and backticks) in all shell, ``[`` in all shell (ShellCheck's
#: time grows with the square of a word's ``[``; counted over all shell, not per word, so that
#: quoting or escaping cannot split a word from the count), nesting of parentheses in a RUN.
MAX_RUNS = 200
MAX_INSTRUCTION = 8_192
MAX_SHELL = 65_536
MAX_EXPANSIONS = 1_024
MAX_BRACKETS = 256
MAX_PARENS = 16
#: Rules off by default (``ENABLED = False``: their measured precision is below the gate in
#: docs/precision.md); naming one under an ``override`` level turns it on.
OPT_IN = frozenset(r.CODE for r in RULES if not getattr(r, "ENABLED", True))


class RuleCrash(Exception):
    """A rule raised: a bug of this project. Carries the rule code and file."""


def stamp(rule: Code, hit: Hit, path: str) -> Finding:
    """Turn a rule's ``Hit`` into a ``Finding``: code, severity and formatted message. What
    the message quotes from the Dockerfile (the hit's arguments) is redacted (``lint.redact``)
    here, where findings are made, so every output shows the same text; the rule's own words
    are left as they are."""
    args = {k: redact(v) if isinstance(v, str) else v for k, v in hit.args.items()}
    try:
        message = rule.MESSAGE.format(**args)
    except (KeyError, IndexError, ValueError):
        message = rule.MESSAGE
    return Finding(
        path=path,
        line=hit.line,
        end_line=hit.end_line or hit.line,
        code=rule.CODE,
        severity=hit.severity or rule.SEVERITY,
        message=message,
        source=SOURCE_OURS,
        related=hit.related,
    )


def parse_or_error(path: str, data: bytes) -> Dockerfile | DockerfileError:
    """Parse, or return the error (its ``kind`` is the edge policy that applied)."""
    try:
        return parse(path, data)
    except DockerfileError as exc:
        return exc


def unparsable(path: str, error: DockerfileError) -> Finding:
    """The DC001 finding that explains why ``path`` could not be parsed."""
    return stamped(UNPARSABLE, path, error.line, reason=error.message)


def stamped(code: str, path: str, line: int, **args: object) -> Finding:
    """A finding of one of our codes stamped from what only the caller knows (a parse error,
    a file's size, a built image's size): the code's own severity and message template."""
    return stamp(BY_CODE[code], Hit(line, args=args), path)


def parse_or_finding(path: str, data: bytes) -> Dockerfile | Finding:
    """Parse, or return the DC001 finding that explains why not."""
    parsed = parse_or_error(path, data)
    return unparsable(path, parsed) if isinstance(parsed, DockerfileError) else parsed


def nesting(text: str) -> tuple[int, int]:
    """(deepest ``${`` nesting on any line, that line), in one pass over the text; a line
    ending in ``\\`` or a backtick goes on in the next, as BuildKit joins them."""
    best, where, depth, line = 0, 1, 0, 1
    previous = ""
    for char in text:
        if char == "\r":
            continue
        if char == "\n":
            depth, line = (depth if previous in ("\\", "`") else 0), line + 1
        elif char == "{" and previous == "$":
            depth += 1
            if depth > best:
                best, where = depth, line
        elif char == "}" and depth:
            depth -= 1
        previous = char
    return best, where


def longest_word(text: str) -> tuple[int, int]:
    """(longest run of non-blank characters, the line it ends on), continuation lines joined
    (a line ending in ``\\`` or a backtick goes on in the next: BuildKit joins them, so a word
    can span lines), in one pass over the text."""
    best, where, run, line = 0, 1, 0, 1
    previous = ""
    for char in text:
        if char == "\r":
            continue
        if char == "\n":
            line += 1
            if previous in ("\\", "`"):
                run -= 1  # the escape is dropped and the word goes on
            else:
                run = 0
        elif char in " \t\f\v":
            run = 0
        else:
            run += 1
            if run > best:
                best, where = run, line
        previous = char
    return best, where


def guard(path: str, data: bytes, size: int) -> Finding | None:
    """The DC003 finding for a file that must not be parsed (``size``: its size on disk;
    ``data`` holds at most ``READ_CAP`` + 1 bytes of it), or ``None``."""
    if size > READ_CAP:
        return stamped(NOT_LINTED, path, 1, extent="not linted",
                       reason=f"File is {size:,} bytes, over the {READ_CAP:,}-byte read cap")
    text = data.decode("utf-8", "replace")
    deepest, line = nesting(text)
    if deepest > MAX_NESTING:
        return stamped(NOT_LINTED, path, line, extent="not linted",
                       reason=f"Variable substitutions nest {deepest} deep on line {line}, "
                              f"deeper than {MAX_NESTING}")
    if b"\x00" in data:
        return None  # binary: the parser refuses it before any work (DC001)
    longest, line = longest_word(text)
    if longest > MAX_WORD:
        return stamped(NOT_LINTED, path, line, extent="not linted",
                       reason=f"A word of {longest:,} characters ends on line {line}, longer "
                              f"than {MAX_WORD:,}")
    return None


def _parens(script: str) -> int:
    """The deepest nesting of parentheses, in one pass."""
    deepest = depth = 0
    for char in script:
        if char == "(":
            depth += 1
            deepest = max(deepest, depth)
        elif char == ")" and depth:
            depth -= 1
    return deepest


def _shell_bound(df: Dockerfile) -> tuple[int, str] | None:
    runs = shell = expansions = brackets = 0
    for ins in df.instructions:
        if "RUN" not in (ins.keyword, ins.sub_keyword):
            continue  # only a RUN's text goes to ShellCheck
        runs += 1
        if runs > MAX_RUNS:
            return ins.line, (f"RUN instruction number {runs} is on line {ins.line}, more "
                              f"than the {MAX_RUNS} hadolint is given")
        size = len(ins.original)  # heredoc bodies included
        if size > MAX_INSTRUCTION:
            return ins.line, (f"The RUN on line {ins.line} has {size:,} characters, more than "
                              f"the {MAX_INSTRUCTION:,} hadolint is given")
        script = ins.script
        shell += len(script)
        if shell > MAX_SHELL:
            return ins.line, (f"The RUN instructions up to line {ins.line} hold {shell:,} "
                              f"characters of shell, more than the {MAX_SHELL:,} hadolint is "
                              "given")
        expansions += script.count("$") + script.count("`")
        if expansions > MAX_EXPANSIONS:
            return ins.line, (f"The RUN instructions up to line {ins.line} hold {expansions:,} "
                              f"'$' and '`', more than the {MAX_EXPANSIONS:,} hadolint is given")
        brackets += script.count("[")
        if brackets > MAX_BRACKETS:
            return ins.line, (f"The RUN instructions up to line {ins.line} hold {brackets:,} "
                              f"'[', more than the {MAX_BRACKETS} hadolint is given")
        parens = _parens(script)
        if parens > MAX_PARENS:
            return ins.line, (f"Parentheses nest {parens} deep in the RUN on line {ins.line}, "
                              f"deeper than the {MAX_PARENS} hadolint is given")
    return None


def for_hadolint(df: Dockerfile) -> Finding | None:
    """The DC003 finding for a parsed file whose shell is too much for hadolint (its ShellCheck's
    time and memory grow with these, some faster than linearly), or ``None``. The file is still
    checked by every rule of ours; hadolint is not run on it."""
    bound = _shell_bound(df)
    if bound is None:
        return None
    line, reason = bound
    return stamped(NOT_LINTED, df.path, line, extent="not fully linted", reason=reason)


def text_for_hadolint(text: str) -> bool:
    """Whether a file the parser refused may still go to hadolint (whose own parser may read it):
    the bounds of ``for_hadolint`` counted on the whole text, as if it were all shell."""
    return (len(text) <= MAX_SHELL and text.count("$") + text.count("`") <= MAX_EXPANSIONS
            and text.count("[") <= MAX_BRACKETS and _parens(text) <= MAX_PARENS
            and len(_RUN_LINE.findall(text)) <= MAX_RUNS)


_RUN_LINE = re.compile(r"^[ \t]*(?:ONBUILD[ \t]+)?RUN\b", re.IGNORECASE | re.MULTILINE)


def hung(path: str, seconds: float) -> Finding:
    """The DC003 finding for a file hadolint did not finish within its time: our rules' findings
    stand, hadolint's are missing."""
    return stamped(NOT_LINTED, path, 1, extent="not fully linted",
                   reason=f"hadolint did not finish within {seconds:g} s")


def out_of_memory(path: str, megabytes: int) -> Finding:
    """The DC003 finding for a file hadolint could not lint within its memory limit."""
    return stamped(NOT_LINTED, path, 1, extent="not fully linted",
                   reason=f"hadolint ran out of memory ({megabytes} MB) on it")


def too_large(path: str, size: int, limit: int) -> Finding:
    return stamped(TOO_LARGE, path, 1, size=size, limit=limit)


def analyze(
    dockerfile: Dockerfile, context: RuleContext, rules: Sequence[Rule] = RULES
) -> list[Finding]:
    """Run every rule over one parsed Dockerfile. The rules share one memo of tokenised
    scripts, made for this analysis and gone with it."""
    context = replace(context, scripts=Scripts())
    out: list[Finding] = []
    for rule in rules:
        try:
            hits = list(rule.check(dockerfile, context))
        except Exception as exc:  # a rule bug must not hide the other rules' findings
            raise RuleCrash(f"{rule.CODE} crashed on {dockerfile.path}: {exc!r}") from exc
        out += [stamp(rule, hit, dockerfile.path) for hit in hits]
    return out


def lines_where(codes: Collection[str], dockerfile: Dockerfile,
                target: str | None) -> dict[int, list[str]]:
    """The lines where the named rules fire on ``dockerfile`` (shipping ``target``), each with
    the codes that fire there; a rule that crashes is left out. For callers that explain
    something by our findings (the size step's waste table)."""
    out: dict[int, list[str]] = {}
    context = RuleContext(target=target)  # one script memo for the rules asked
    for rule in RULES:
        if rule.CODE not in codes:
            continue
        try:
            hits = list(rule.check(dockerfile, context))
        except Exception:  # noqa: S112 - an explanation is optional; the crash shows in the lint
            continue
        for hit in hits:
            out.setdefault(hit.line, []).append(rule.CODE)
    return out


def apply_config(
    findings: Iterable[Finding],
    config: Config,
    dockerfiles: Mapping[str, Dockerfile],
) -> list[Finding]:
    """Drop ignored codes, pragma-ignored findings and the findings of opt-in rules the
    configuration does not turn on (by naming the code under an ``override`` level, as
    hadolint's DL3057); apply severity overrides."""
    out = []
    for finding in findings:
        if finding.code in config.ignored:
            continue
        if finding.code in OPT_IN and not config.turns_on(finding.code):
            continue
        df = dockerfiles.get(finding.path)
        if df is not None and not config.disable_ignore_pragma:
            # A pragma names the instruction below it; a finding anywhere in that instruction
            # is covered (hadolint reports on the first line, our rules sometimes further down).
            ins = df.instruction_at(finding.line)
            if df.pragmas.ignores(finding.code, ins.line if ins else finding.line):
                continue
        severity = config.severity_of(finding.code, finding.severity)
        if severity is not finding.severity:
            finding = finding.with_(severity=severity)
        out.append(finding)
    return out


def supersede(findings: Sequence[Finding], unparsed: Collection[str] = ()) -> list[Finding]:
    """Drop the findings our rules declare they supersede (``SUPERSEDES``): another tool's
    code on the same file and line as the rule's finding, or anywhere in a file of ``unparsed``
    (files our parser rejected as a whole, where our finding stands for the whole file)."""
    declared = {rule.CODE: getattr(rule, "SUPERSEDES", ()) for rule in RULES}
    here = {(f.path, f.line, code) for f in findings for code in declared.get(f.code, ())}
    whole = {(f.path, code) for f in findings if f.path in unparsed
             for code in declared.get(f.code, ())}
    return [f for f in findings
            if (f.path, f.line, f.code) not in here and (f.path, f.code) not in whole]


def exceeds(findings: Iterable[Finding], config: Config) -> bool:
    """Does any finding reach the failure threshold?"""
    return any(config.fails(f.severity) for f in findings)


def worst(findings: Iterable[Finding]) -> Severity | None:
    ranked = sorted((f.severity for f in findings), key=lambda s: s.rank, reverse=True)
    return ranked[0] if ranked else None


__all__ = ["BY_CODE", "RULES", "RuleCrash", "analyze", "apply_config", "exceeds", "lines_where",
           "stamp", "stamped", "supersede"]
