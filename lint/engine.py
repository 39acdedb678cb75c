"""The pure core: from parsed Dockerfiles and linter output to the final list of findings.

``analyze`` runs our rules on one file; ``apply_config`` applies pragmas and the shared
configuration to every finding, whichever tool produced it. No I/O here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from lint.config import Config
from lint.dockerfile import Dockerfile, DockerfileError, parse
from lint.finding import SOURCE_OURS, Finding, Severity
from lint.rules import BY_CODE, RULES, Hit, Rule, RuleContext, _shell
from lint.rules import dc001_unparsable as DC001
from lint.rules import dc002_file_too_large as DC002


class RuleCrash(Exception):
    """A rule raised: a bug of this project. Carries the rule code and file."""


def stamp(rule: Rule, hit: Hit, path: str) -> Finding:
    """Turn a rule's ``Hit`` into a ``Finding``: code, severity and formatted message."""
    try:
        message = rule.MESSAGE.format(**hit.args)
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
    )


def parse_or_error(path: str, data: bytes) -> Dockerfile | DockerfileError:
    """Parse, or return the error (its ``kind`` is the edge policy that applied)."""
    try:
        return parse(path, data)
    except DockerfileError as exc:
        return exc


def unparsable(path: str, error: DockerfileError) -> Finding:
    """The DC001 finding that explains why ``path`` could not be parsed."""
    return stamp(DC001, Hit(error.line, args={"reason": error.message}), path)


def parse_or_finding(path: str, data: bytes) -> Dockerfile | Finding:
    """Parse, or return the DC001 finding that explains why not."""
    parsed = parse_or_error(path, data)
    return unparsable(path, parsed) if isinstance(parsed, DockerfileError) else parsed


def too_large(path: str, size: int, limit: int) -> Finding:
    return stamp(DC002, Hit(1, args={"size": size, "limit": limit}), path)


def analyze(
    dockerfile: Dockerfile, context: RuleContext, rules: Sequence[Rule] = RULES
) -> list[Finding]:
    """Run every rule over one parsed Dockerfile."""
    out: list[Finding] = []
    try:
        for rule in rules:
            try:
                hits = list(rule.check(dockerfile, context))
            except Exception as exc:  # a rule bug must not hide the other rules' findings
                raise RuleCrash(f"{rule.CODE} crashed on {dockerfile.path}: {exc!r}") from exc
            out += [stamp(rule, hit, dockerfile.path) for hit in hits]
    finally:
        _shell.forget()
    return out


def apply_config(
    findings: Iterable[Finding],
    config: Config,
    dockerfiles: Mapping[str, Dockerfile],
) -> list[Finding]:
    """Drop ignored codes and pragma-ignored findings; apply severity overrides. A DL3064
    (secret-named ENV/ARG) on a line where DC102 still reports the token value itself is dropped:
    DC102 says the same, more precisely (see DC102's docs)."""
    out = []
    for finding in findings:
        if finding.code in config.ignored:
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
    secrets = {(f.path, f.line) for f in out if f.code == "DC102"}
    return [f for f in out if f.code != "DL3064" or (f.path, f.line) not in secrets]


def merge_hadolint(ours: list[Finding], theirs: list[Finding]) -> list[Finding]:
    """Combine our findings with hadolint's for one file. hadolint's DL1000 (parse error) is
    dropped where our DC001 already says the same thing: when our parser rejected the whole file
    (DC001 without any other DC finding), or on a line where DC001 reports (an unknown
    instruction)."""
    dc001_lines = {f.line for f in ours if f.code == DC001.CODE}
    whole_file_error = bool(dc001_lines) and all(
        f.code in (DC001.CODE, DC002.CODE) for f in ours
    )
    theirs = [f for f in theirs
              if f.code != "DL1000" or not (whole_file_error or f.line in dc001_lines)]
    return ours + theirs


def exceeds(findings: Iterable[Finding], config: Config) -> bool:
    """Does any finding reach the failure threshold?"""
    return any(config.fails(f.severity) for f in findings)


def worst(findings: Iterable[Finding]) -> Severity | None:
    ranked = sorted((f.severity for f in findings), key=lambda s: s.rank, reverse=True)
    return ranked[0] if ranked else None


__all__ = ["BY_CODE", "RULES", "RuleCrash", "analyze", "apply_config", "exceeds", "stamp"]
