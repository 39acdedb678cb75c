"""Work around hadolint 2.15.1's heredoc parser (it reports a lone DL1000 on many valid files).

``for_hadolint(dockerfile)`` returns a rewritten copy hadolint can parse plus, for each line of
the copy, the line of the original it stands for; ``None`` when the file needs no rewrite.

Shapes that make hadolint 2.15.1 answer only DL1000, found by probing the binary (each is a
case in ``tests/test_hadolint.py``), and what the copy does about them:

* any non-blank line (an instruction or a comment) directly after a heredoc terminator:
  hadolint wants a blank line there. The copy inserts one (mapped to the terminator's line).
* ``<<-NAME`` with a tab-indented terminator: hadolint only knows unindented terminators. The
  copy strips leading tabs from the body and the terminator, as the shell and BuildKit do.
* several heredocs on one instruction (``RUN <<A <<B``): hadolint cannot parse a second one.
  The copy keeps the first marker, moves the later bodies into the first heredoc and drops the
  inner terminators (their lines are simply absent from the copy).

Everything else stays byte for byte, so hadolint's findings on the copy are its findings on
the original; they are mapped back with the line map.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lint.dockerfile import Dockerfile, Instruction

_MARKER = re.compile(r"<<(-?)([\"']?)([A-Za-z0-9_.-]+)\2")


@dataclass(frozen=True)
class _Doc:
    name: str
    chomp: bool
    body: tuple[int, ...]  # 0-based indexes of body lines
    end: int  # 0-based index of the terminator line


def _layout(lines: list[str], ins: Instruction, escape: str) -> tuple[int, list[_Doc]] | None:
    """Where the header ends and each heredoc's body and terminator are (0-based), or ``None``
    when the raw text does not agree with the parser (then the instruction is left alone)."""
    start = ins.line - 1
    header_end = start
    while header_end < ins.end_line - 1 and lines[header_end].rstrip().endswith(escape):
        header_end += 1
    header = "\n".join(lines[start : header_end + 1])
    markers = _MARKER.findall(header)
    if [m[2] for m in markers] != [h.name for h in ins.heredocs]:
        return None
    docs: list[_Doc] = []
    index = header_end + 1
    for chomp, _, name in markers:
        body: list[int] = []
        while index < ins.end_line:
            text = lines[index].lstrip("\t") if chomp else lines[index]
            if text == name:
                break
            body.append(index)
            index += 1
        else:
            return None
        docs.append(_Doc(name, bool(chomp), tuple(body), index))
        index += 1
    if docs[-1].end != ins.end_line - 1:
        return None
    return header_end, docs


def _needs_rewrite(lines: list[str], docs: list[_Doc]) -> bool:
    last = docs[-1]
    following = last.end + 1 < len(lines) and lines[last.end + 1].strip() != ""
    indented = any(
        d.chomp and any(lines[i].startswith("\t") for i in (*d.body, d.end)) for d in docs
    )
    return following or indented or len(docs) > 1


def _safe(lines: list[str], docs: list[_Doc]) -> bool:
    """Merging later bodies into the first heredoc must not end it early."""
    name = docs[0].name
    return all(
        (lines[i].lstrip("\t") if d.chomp else lines[i]) != name for d in docs[1:] for i in d.body
    )


def for_hadolint(dockerfile: Dockerfile) -> tuple[str, list[int]] | None:
    """The copy hadolint should lint instead of the file, with its line map; or ``None``."""
    heredoc_ins = [i for i in dockerfile.instructions if i.heredocs]
    if not heredoc_ins:
        return None
    lines = dockerfile.text.split("\n")
    escape = dockerfile.directives.get("escape", "\\")[:1] or "\\"
    plans: dict[int, tuple[int, list[_Doc]]] = {}
    for ins in heredoc_ins:
        layout = _layout(lines, ins, escape)
        if (layout is not None and _needs_rewrite(lines, layout[1])
                and _safe(lines, layout[1])):
            plans[ins.line - 1] = layout
    if not plans:
        return None
    out: list[str] = []
    line_map: list[int] = []
    index = 0
    while index < len(lines):
        plan = plans.get(index)
        if plan is None:
            out.append(lines[index])
            line_map.append(index + 1)
            index += 1
            continue
        header_end, docs = plan
        first = docs[0]
        seen = 0

        def keep_first(match: re.Match[str]) -> str:
            nonlocal seen
            seen += 1
            return match.group(0) if seen == 1 else ""

        for i in range(index, header_end + 1):
            # Drop every marker after the first (the text between them stays).
            out.append(_MARKER.sub(keep_first, lines[i]))
            line_map.append(i + 1)
        for number, doc in enumerate(docs):
            for i in doc.body:
                text = lines[i].lstrip("\t") if doc.chomp else lines[i]
                out.append(text)
                line_map.append(i + 1)
            if number == len(docs) - 1:
                out.append(first.name)
                line_map.append(doc.end + 1)
        last = docs[-1].end
        if last + 1 < len(lines) and lines[last + 1].strip() != "":
            out.append("")
            line_map.append(last + 1)
        index = last + 1
    return "\n".join(out), line_map
