"""Stable identities for findings (SARIF ``partialFingerprints``, new-versus-fixed matching).

A fingerprint is built from the rule code, the message, the whitespace-normalised text of the
instruction the finding sits in, and the finding's line and column *relative to that
instruction*, so it survives the instruction moving up or down. Identical instructions, and
several ShellCheck hits on one RUN (hadolint puts them all on column 1), are told apart by an
occurrence counter, in file order, appended as ``:N``. The file path is not part of it: GitHub
keys fingerprints by file already, and renames are matched by the PR workflow.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Mapping

from lint.dockerfile import Dockerfile
from lint.finding import Finding

_WS = re.compile(r"\s+")


def _basis(finding: Finding, dockerfile: Dockerfile | None) -> str:
    ins = dockerfile.instruction_at(finding.line) if dockerfile else None
    if ins is None:
        anchor, offset = "", finding.line if finding.line > 1 else 0
    else:
        anchor, offset = _WS.sub(" ", ins.original).strip(), finding.line - ins.line
    return "\x1f".join((finding.code, finding.message, anchor, str(offset), str(finding.column)))


def assign(findings: Iterable[Finding], dockerfiles: Mapping[str, Dockerfile]) -> list[Finding]:
    """Return the findings, sorted, each with its fingerprint filled in."""
    ordered = sorted(findings, key=Finding.sort_key)
    seen: Counter[tuple[str, str]] = Counter()
    out = []
    for finding in ordered:
        digest = hashlib.sha256(
            _basis(finding, dockerfiles.get(finding.path)).encode("utf-8")
        ).hexdigest()[:32]
        key = (finding.path, digest)
        seen[key] += 1
        out.append(finding.with_(fingerprint=f"{digest}:{seen[key]}"))
    return out
