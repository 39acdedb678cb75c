"""JSON: a list of findings (path, line, end_line, column, code, severity, message, source,
fingerprint), in the order given (the engine's stable order).

Non-ASCII text stays readable (UTF-8), except characters that can steer a terminal or hide
text when the file is printed (DEL, C1 controls such as CSI, bidi overrides, line separators):
those are written as ``\\uXXXX`` escapes, which JSON readers decode to the same string.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

from lint.finding import Finding

_UNSAFE = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]")


def render(findings: Sequence[Finding]) -> str:
    text = json.dumps([f.to_dict() for f in findings], indent=2, ensure_ascii=False)
    # These characters can only occur inside JSON strings, where an escape means the same.
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n"
