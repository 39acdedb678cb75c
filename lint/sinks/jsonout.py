"""JSON: a list of findings (path, line, end_line, column, code, severity, message, source,
fingerprint), in the order given (the engine's stable order); and the action's report (the
review: new, fixed and existing findings per file, with the size report).

Non-ASCII text stays readable (UTF-8), except characters that can steer a terminal or hide
text when the file is printed (DEL, C1 controls such as CSI, bidi overrides, line separators):
those are written as ``\\uXXXX`` escapes, which JSON readers decode to the same string.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from lint.finding import Finding
from lint.review import Review
from lint.sinks import size as size_sink
from lint.size.report import SizeReport

_UNSAFE = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]")


def render(findings: Sequence[Finding]) -> str:
    text = json.dumps([f.to_dict() for f in findings], indent=2, ensure_ascii=False)
    # These characters can only occur inside JSON strings, where an escape means the same.
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n"


def report(review: Review, size: SizeReport | None) -> str:
    """The action's JSON report (the ``report-json`` output)."""
    data: dict[str, Any] = {
        "compared": review.compared,
        "filter_mode": review.filter_mode,
        "findings": len(review.findings),
        "new": len(review.new),
        "fixed": len(review.fixed),
        "counted": len(review.counted),
        "files": [
            {"path": r.path, "reason": r.reason, "previous": r.previous,
             "new": [f.to_dict() for f in r.new], "fixed": [f.to_dict() for f in r.fixed],
             "existing": [f.to_dict() for f in r.existing],
             "gone": [f.to_dict() for f in r.gone]}
            for r in review.files
        ],
        "notes": list(review.notes),
    }
    if size is not None:
        data["size"] = size_sink.to_json(size)
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def size_report(size: SizeReport) -> str:
    """The size report alone (the ``size-report`` output)."""
    return json.dumps(size_sink.to_json(size), indent=2) + "\n"
