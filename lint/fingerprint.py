"""Stable identities for findings (SARIF ``partialFingerprints``).

A fingerprint is built from the rule code and the identity of the instruction the finding sits
in (``lint.identity.instruction_keys``: its stage's place in the shipped chain or its name, its
keyword, its ordinal among the stage's instructions of that keyword), never from the message or
the instruction's text: a tag bump, a package added to an install list, a keyword's case or a
line number quoted in a message leave it unchanged, and so does the instruction moving. Several
findings of one code on one instruction (ShellCheck's hits on one RUN) are told apart by an
occurrence counter, in file order, appended as ``:N``. The file path is not part of it: GitHub
keys fingerprints by file already, and renames are matched by the PR workflow.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Mapping

from lint.dockerfile import Dockerfile
from lint.finding import Finding
from lint.identity import instruction_keys


def _basis(finding: Finding, dockerfile: Dockerfile | None, keys: Mapping[int, str]) -> str:
    ins = dockerfile.instruction_at(finding.line) if dockerfile else None
    where = keys.get(ins.line, "file") if ins is not None else "file"
    return "\x1f".join((finding.code, where))


def assign(findings: Iterable[Finding], dockerfiles: Mapping[str, Dockerfile],
           target: str | None = None) -> list[Finding]:
    """Return the findings, sorted, each with its fingerprint filled in (``target``: the stage
    that ships, which names the shipped chain)."""
    ordered = sorted(findings, key=Finding.sort_key)
    keys = {path: instruction_keys(df, target) for path, df in dockerfiles.items()}
    seen: Counter[tuple[str, str]] = Counter()
    out = []
    for finding in ordered:
        basis = _basis(finding, dockerfiles.get(finding.path), keys.get(finding.path, {}))
        digest = hashlib.sha256(basis.encode("utf-8")).hexdigest()[:32]
        key = (finding.path, digest)
        seen[key] += 1
        out.append(finding.with_(fingerprint=f"{digest}:{seen[key]}"))
    return out
