"""JSON: a list of findings (path, line, end_line, column, code, severity, message, source,
fingerprint), in the engine's stable order."""

from __future__ import annotations

import json
from collections.abc import Sequence

from lint.finding import Finding


def render(findings: Sequence[Finding]) -> str:
    return json.dumps([f.to_dict() for f in findings], indent=2, ensure_ascii=False) + "\n"
