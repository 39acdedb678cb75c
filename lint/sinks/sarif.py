"""SARIF 2.1.0 for GitHub code scanning: one run, one driver, rules for every code that appears.

What GitHub's ingestion needs (https://docs.github.com/en/code-security/code-scanning/
integrating-with-code-scanning/sarif-support-for-code-scanning), all met here:

* exactly one run (uploads with several runs of one tool and category are rejected);
* every rule with id, short and full description (at most 1,024 characters each), help text
  (and markdown); security rules
  carry ``properties["security-severity"]`` as a string holding a number;
* every result a message and one physical location with a repository-relative URI and a
  region; our own ``partialFingerprints`` key, never ``primaryLocationLineHash`` (GitHub
  computes that one itself);
* ``"results": []`` even when nothing was found.

``rules`` lists only the codes that appear in this run (sorted), not every DC rule: the file
stays small and a golden file does not change when an unrelated rule's docs change. DC rules
are documented from their module docstrings (``lint.ruledoc``), DL and SC codes from
``lint.catalog``. No ``region.snippet`` is written: file text can hold secrets.

Columns are UTF-16 code units (``columnKind``), as GitHub's web UI counts them. When nothing
finer than the line is known, a region spans the whole end line; when the file's text is not
known either (an unreadable or binary file), ``endColumn`` is left out, which SARIF defines as
the same thing.

The objects are plain dicts, not sarif-om's classes: built with sarif-om's object model and
serialised with jschema-to-python, the same log (identical once SARIF's defaults are applied, 0
validator errors) took 4.7 times as long for 25,000 results and added 2.9 MB of packages to the
action image (``bench/sarif.py``; figures in docs/ARCHITECTURE.md).
"""

from __future__ import annotations

import json
import posixpath
from collections.abc import Mapping, Sequence
from pathlib import PurePosixPath
from urllib.parse import quote

from lint import __version__, catalog, ruledoc
from lint.finding import Finding, Severity
from lint.rules import BY_CODE, Code

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
VERSION = "2.1.0"
TOOL_NAME = "dockerfile-review"
INFORMATION_URI = "https://github.com/dockerfile-review/dockerfile-review"
FINGERPRINT_KEY = "dockerfileReview/v1"
SRCROOT = "%SRCROOT%"
#: GitHub code scanning rejects a run with more results.
MAX_RESULTS = 25_000
#: GitHub's documented maximum for a rule's short and full description.
DESCRIPTION_LIMIT = 1024

LEVELS = {
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.INFO: "note",
    Severity.STYLE: "note",
}

Json = dict[str, object]


def level(severity: Severity | None) -> str:
    """SARIF level for a severity; rules that are off by default document as ``note``."""
    return LEVELS[severity] if severity is not None else "note"


def _text(value: str) -> Json:
    return {"text": value}


def pascal_name(name: str) -> str:
    """SARIF wants ``name`` to be a PascalCase identifier: ``missing-user`` -> ``MissingUser``."""
    return "".join(part[:1].upper() + part[1:] for part in name.split("-") if part)


def _limit(text: str, size: int = DESCRIPTION_LIMIT) -> str:
    """At most ``size`` characters, cut at a word boundary with an ellipsis."""
    if len(text) <= size:
        return text
    cut = text[: size - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > size // 2 else cut).rstrip() + "…"


def _unwrap(markdown: str) -> str:
    """Plain text: the docstring's hard-wrapped lines joined, paragraphs kept."""
    return "\n\n".join(" ".join(p.split("\n")) for p in markdown.split("\n\n"))


def _dc_rule(rule: Code, rules_uri: str | None = None) -> Json:
    what = _limit(_unwrap(ruledoc.sections(rule)["What it does"]))
    help_md = ruledoc.markdown(rule)
    properties: Json = {"tags": sorted(rule.TAGS), "precision": rule.PRECISION}
    if rule.SECURITY_SEVERITY is not None:
        properties["security-severity"] = rule.SECURITY_SEVERITY
    out: Json = {
        "id": rule.CODE,
        "name": pascal_name(rule.NAME),
        "shortDescription": _text(_limit(ruledoc.short_description(rule))),
        "fullDescription": _text(what),
        "defaultConfiguration": {"level": level(rule.SEVERITY)},
    }
    if rules_uri:
        out["helpUri"] = f"{rules_uri}#{rule.CODE.lower()}"
    out["help"] = {"text": help_md, "markdown": help_md}
    out["properties"] = properties
    return out


def _unknown_dc_rule(code: str, observed: Severity) -> Json:
    # Only reachable with findings from another version of this tool: document, do not guess.
    text = f"dockerfile-review rule {code}, unknown to this version."
    return {
        "id": code,
        "shortDescription": _text(text),
        "fullDescription": _text(text),
        "defaultConfiguration": {"level": level(observed)},
        "help": {"text": text, "markdown": text},
        "properties": {"tags": ["dockerfile-review"], "precision": "medium"},
    }


def _external_rule(code: str, observed: Severity) -> Json:
    entry = catalog.lookup(code)
    uri = entry.help_uri
    properties: Json = {"tags": sorted(entry.tags), "precision": entry.precision}
    if entry.security_severity is not None:
        properties["security-severity"] = entry.security_severity
    # A code the table does not know (any SC code) documents the level it was reported at.
    default = entry.severity if code in catalog.HADOLINT else observed
    return {
        "id": code,
        "shortDescription": _text(entry.description),
        "fullDescription": _text(entry.description),
        "defaultConfiguration": {"level": level(default)},
        "helpUri": uri,
        "help": {
            "text": f"{entry.description} See {uri}",
            "markdown": f"**{code}**: {entry.description}\n\nSee [{code}]({uri}).\n",
        },
        "properties": properties,
    }


def rule_descriptor(
    code: str, observed: Severity = Severity.WARNING, rules_uri: str | None = None
) -> Json:
    """The ``reportingDescriptor`` for one code. ``rules_uri`` is the rules page (DC rules link
    to ``<rules_uri>#dc101``, the anchors ``docs/rules.md`` has)."""
    rule = BY_CODE.get(code)
    if rule is not None:
        return _dc_rule(rule, rules_uri)
    if code.startswith("DC"):
        return _unknown_dc_rule(code, observed)
    return _external_rule(code, observed)


def artifact_uri(path: str) -> str:
    """A repository-relative, percent-encoded URI reference for a finding's path.

    Raises ``ValueError`` for a path that is absolute or climbs out of the root: that is a bug
    upstream (findings carry root-relative paths) and GitHub would drop such a result."""
    normal = posixpath.normpath(path.replace("\\", "/"))
    if normal.startswith("/") or normal == ".." or normal.startswith("../") or normal == ".":
        raise ValueError(f"not a repository-relative path: {path!r}")
    # Everything but unreserved characters and "/" is encoded: a ":" in the first segment
    # would otherwise read as a URI scheme.
    return quote(normal, safe="/")


def _artifact(path: str) -> Json:
    """A finding's ``artifactLocation``: relative to ``%SRCROOT%``, or, for a file the command
    line was told to lint outside its root (an absolute path), that file's ``file:`` URI."""
    if path.startswith("/"):
        return {"uri": PurePosixPath(posixpath.normpath(path)).as_uri()}
    return {"uri": artifact_uri(path), "uriBaseId": SRCROOT}


def _utf16_column(line_text: str, column: int) -> int:
    """A 1-based code-point column as a 1-based UTF-16 code-unit column."""
    prefix = line_text[: max(column - 1, 0)]
    return 1 + len(prefix.encode("utf-16-le")) // 2 + max(column - 1 - len(prefix), 0)


def region(finding: Finding, text: str | None) -> Json:
    """startLine/endLine/startColumn/endColumn for a finding, using the file's text.

    Lines and columns below 1 (which SARIF forbids) are raised to 1."""
    first = max(finding.line, 1)
    last = max(finding.end_line, first)
    column = max(finding.column, 1)
    out: Json = {"startLine": first, "endLine": last}
    if text is None:
        out["startColumn"] = column
        if finding.end_column is not None:
            out["endColumn"] = max(finding.end_column, column)
        return out
    lines = text.split("\n")

    def line_text(number: int) -> str:
        return lines[number - 1] if number <= len(lines) else ""

    start = _utf16_column(line_text(first), column)
    last_text = line_text(last)
    end_col = finding.end_column if finding.end_column is not None else len(last_text) + 1
    end = _utf16_column(last_text, end_col)
    if last == first:
        end = max(end, start)
    out["startColumn"] = start
    out["endColumn"] = end
    return out


def _result(finding: Finding, rule_index: int, text: str | None) -> Json:
    out: Json = {
        "ruleId": finding.code,
        "ruleIndex": rule_index,
        "level": level(finding.severity),
        # GitHub rejects a result without message text; no linter should send an empty one.
        "message": _text(finding.message if finding.message.strip() else finding.code),
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": _artifact(finding.path),
                    "region": region(finding, text),
                }
            }
        ],
    }
    if finding.related:
        out["relatedLocations"] = [
            {"id": n, "message": _text("the instruction this finding is about"),
             "physicalLocation": {
                 "artifactLocation": _artifact(finding.path),
                 "region": {"startLine": line}}}
            for n, line in enumerate(finding.related, start=1)]
    if finding.fingerprint:
        out["partialFingerprints"] = {FINGERPRINT_KEY: finding.fingerprint}
    return out


def order(finding: Finding) -> tuple[object, ...]:
    """A total order, so equal-looking findings (same line, code and message) never swap."""
    return (*finding.sort_key(), finding.end_line, finding.end_column or 0,
            finding.severity.rank, finding.source, finding.fingerprint)


def render(
    findings: Sequence[Finding],
    texts: Mapping[str, str],
    *,
    tool_version: str = __version__,
    information_uri: str = INFORMATION_URI,
    category: str | None = None,
    automation_id: str | None = None,
    max_results: int = MAX_RESULTS,
    rules_uri: str | None = catalog.RULES_URI,
) -> Json:
    """The SARIF log for ``findings``. ``texts`` maps each path to the file's (decoded) text.

    ``category`` becomes ``automationDetails.id`` as ``"<category>/"``, which is how GitHub
    keys runs of one tool; ``automation_id`` sets that id verbatim instead. Beyond
    ``max_results`` (GitHub rejects a run with more than 25,000), the least severe findings
    are left out and a tool notification says how many. ``rules_uri``: see ``rule_descriptor``
    (default: the rules page at this release); ``None``: DC rules carry their full help but no
    link."""
    ordered = sorted(findings, key=order)
    left_out = max(len(ordered) - max_results, 0)
    if left_out:
        keep = set(map(id, sorted(ordered, key=lambda f: -f.severity.rank)[:max_results]))
        ordered = [f for f in ordered if id(f) in keep]
    observed: dict[str, Severity] = {}
    for f in ordered:
        observed.setdefault(f.code, f.severity)
    codes = sorted(observed)
    index = {code: i for i, code in enumerate(codes)}
    driver: Json = {
        "name": TOOL_NAME,
        "version": tool_version,
        "semanticVersion": tool_version,
        "informationUri": information_uri,
        "rules": [rule_descriptor(code, observed[code], rules_uri) for code in codes],
    }
    run: Json = {
        "tool": {"driver": driver},
        "columnKind": "utf16CodeUnits",
        "results": [_result(f, index[f.code], texts.get(f.path)) for f in ordered],
    }
    if left_out:
        run["invocations"] = [{
            "executionSuccessful": True,
            "toolExecutionNotifications": [{
                "level": "warning",
                "message": _text(
                    f"{left_out} less severe results were left out to stay within "
                    f"{max_results:,} per run (GitHub code scanning accepts at most "
                    f"{MAX_RESULTS:,})."
                ),
            }],
        }]
    if automation_id is None and category:
        automation_id = f"{category.rstrip('/')}/"
    if automation_id:
        run["automationDetails"] = {"id": automation_id}
    return {"$schema": SCHEMA, "version": VERSION, "runs": [run]}


def dumps(log: Mapping[str, object]) -> str:
    """Deterministic JSON text (stable key order as built, two-space indent, final newline)."""
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"
