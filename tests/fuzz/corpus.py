"""The corpus of hostile shapes (``tests/fuzz/corpus/*.json``): small specs expanded at test
time, never the large files themselves.

A spec::

    {"why": "what it once did and where it was found",
     "parts": [["FROM debian:12\\nRUN echo ", 1], ["${A:-", 2000], ["x", 1], ["}", 2000]],
     "line_end": "\\n", "bom": false,
     "expect": {"outcome": "refused" | "error" | "parsed", "kind": "<DockerfileError kind>",
                "findings": [["DC003", 2], ...]}}

``parts`` are (text, repeat) pairs joined in order; the text is written with LF and its line
ends become ``line_end``; ``bom`` puts a UTF-8 BOM in front. Alternatively ``"shape"`` and
``"n"`` name a generator of ``tests/fuzz/shapes.py``. ``expect.findings`` are the (code, line)
pairs of the guard's finding (``refused``), the DC001 (``error``), or every DC rule
(``parsed``, all rules on, no build context).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.fuzz.shapes import SHAPES

CORPUS = Path(__file__).parent / "corpus"


@dataclass(frozen=True)
class Case:
    name: str
    data: bytes
    expect: dict[str, Any]


def expand(spec: dict[str, Any]) -> bytes:
    if "shape" in spec:
        text = SHAPES[spec["shape"]](int(spec["n"])).salted("s").text
    else:
        text = "".join(str(part) * int(count) for part, count in spec["parts"])
    text = text.replace("\n", spec.get("line_end", "\n"))
    data = text.encode("utf-8")
    return b"\xef\xbb\xbf" + data if spec.get("bom") else data


def cases() -> list[Case]:
    out = []
    for path in sorted(CORPUS.glob("*.json")):
        spec = json.loads(path.read_text(encoding="utf-8"))
        out.append(Case(path.stem, expand(spec), spec["expect"]))
    return out
