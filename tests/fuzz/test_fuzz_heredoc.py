"""The heredoc rewrite for hadolint (``lint/heredoc.py``) on generated heredoc-heavy files.

What it promises: the copy has one line-map entry per line, each naming a line of the original,
in order; every line outside a rewritten instruction is copied byte for byte; inside one, a line
is the original, the original without leading tabs (``<<-``), the header without its later
markers, the first heredoc's terminator, or an inserted blank line; and the copy parses into the
same instructions (keyword and first line, mapped back) as the original."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from lint import engine
from lint.dockerfile import DockerfileError, parse
from lint.heredoc import _MARKER, for_hadolint
from tests.fuzz.strategies import as_bytes, heredoc_run, instruction

heredoc_files = st.lists(st.one_of(heredoc_run(), heredoc_run(), instruction(),
                                   st.just("# a comment"), st.just("")),
                         min_size=1, max_size=8).map(
    lambda parts: "FROM debian:12\n" + "\n".join(parts) + "\n")


@given(heredoc_files.flatmap(as_bytes))
def test_the_rewrite_keeps_lines_and_instructions(data: bytes) -> None:
    if engine.guard("Dockerfile", data, len(data)) is not None:
        return
    try:
        df = parse("Dockerfile", data)
    except DockerfileError:
        return
    rewritten = for_hadolint(df)
    if rewritten is None:
        return
    text, line_map = rewritten
    out = text.split("\n")
    lines = df.lines
    assert len(out) == len(line_map)
    assert line_map == sorted(line_map)
    assert all(1 <= n <= len(lines) for n in line_map)
    touched = {n for i in df.instructions if i.heredocs
               for n in range(i.line, i.end_line + 2)}
    names = {h.name for i in df.instructions for h in i.heredocs}
    for got, number in zip(out, line_map, strict=True):
        original = lines[number - 1]
        if number not in touched:
            assert got == original
        else:
            assert got in (original, original.lstrip("\t"), "", _MARKER.sub("", original)) \
                or got in names or _MARKER.search(original), (got, original)
    # Lines of the original left out of the copy are only inner heredoc terminators.
    for number in set(range(1, len(lines) + 1)) - set(line_map):
        assert lines[number - 1].lstrip("\t") in names, lines[number - 1]
    copy = parse("Dockerfile", text)
    assert [(i.keyword, line_map[i.line - 1]) for i in copy.instructions] == \
        [(i.keyword, i.line) for i in df.instructions]
