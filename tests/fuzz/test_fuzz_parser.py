"""The parser wrapper (``lint/dockerfile.py``) under generated Dockerfile-like input: every
input gives a ``Dockerfile`` or a ``DockerfileError`` of a documented kind (after the engine's
guard, as ``lint.run`` calls them), and a parsed file's lines, stages and pragmas are
consistent with its text."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lint import engine
from lint.dockerfile import Dockerfile, DockerfileError, decode, expand, parse
from tests.fuzz.strategies import dockerfile_bytes, words

KINDS = frozenset({"binary", "encoding", "empty", "too-long", "syntax", "no-from"})


def parsed_or_error(data: bytes) -> Dockerfile | DockerfileError | None:
    """As ``lint.run`` does it: the guard first (``None`` when it refuses the file)."""
    refused = engine.guard("Dockerfile", data, len(data))
    if refused is not None:
        assert refused.code == "DC003"
        return None
    try:
        return parse("Dockerfile", data)
    except DockerfileError as exc:
        return exc


def check(data: bytes) -> None:
    outcome = parsed_or_error(data)
    if outcome is None:
        return
    if isinstance(outcome, DockerfileError):
        assert outcome.kind in KINDS, outcome.kind
        assert outcome.line >= 1
        if outcome.kind not in ("binary", "encoding"):
            assert outcome.line <= decode(data).count("\n") + 1
        return
    df = outcome
    count = len(df.lines)
    assert "\r" not in df.text and not df.text.startswith("\ufeff")
    previous_end = 0
    for ins in df.instructions:
        assert 1 <= ins.line <= ins.end_line <= count, (ins.line, ins.end_line, count)
        assert ins.line > previous_end  # in order, never overlapping
        previous_end = ins.end_line
        assert ins.keyword == ins.keyword.upper() and ins.keyword
        assert df.instruction_at(ins.line) == ins
    assert df.stages and all(s.from_instruction.keyword == "FROM" for s in df.stages)
    for stage in df.stages:
        assert stage.instructions[0] is stage.from_instruction
        assert all(i.stage == stage.index for i in stage.instructions)
        assert stage.parent is None or stage.parent < stage.index
        assert df.chain(stage)[-1] is stage
        df.variables(stage)
        for ins in stage.instructions:
            df.expand(ins.text, stage, ins.line)
    assert all(i.stage == -1 and i.keyword == "ARG" for i in df.global_args)
    starts = {i.line for i in df.instructions}
    assert set(df.pragmas.line_ignores) <= starts


@given(dockerfile_bytes)
def test_dockerfile_like_input_parses_or_is_a_documented_error(data: bytes) -> None:
    check(data)


@given(st.binary(max_size=300))
def test_any_bytes_parse_or_are_a_documented_error(data: bytes) -> None:
    check(b"FROM x\n" + data)
    check(data)


@given(st.text(max_size=300))
def test_any_text_parses_or_is_a_documented_error(text: str) -> None:
    check(("FROM x\nRUN " + text).encode("utf-8", "surrogatepass"))


@given(words, st.dictionaries(st.sampled_from(["A", "B", "HOME"]), words, max_size=3))
def test_expand_is_total_and_leaves_text_without_variables_alone(text: str,
                                                                 env: dict[str, str]) -> None:
    out = expand(text, env)
    if "$" not in text:
        assert out == text


@pytest.mark.parametrize(("header", "bodies"), [
    ("RUN <<-EOF cat", [("EOF", "x\n")]),
    ("RUN <<EOF cat", [("EOF", "\tx\n\tEOF\n")]),
    ("RUN 3<<-'EOF'", [("EOF", "x\n")]),
    ('RUN <<-"E O" cat', [("E O", "x\n")]),
    ("RUN a<<-EOF", []),
])
def test_tabs_are_stripped_only_from_heredocs_opened_with_a_dash(
        header: str, bodies: list[tuple[str, str]]) -> None:
    name = "E O" if "E O" in header else "EOF"
    df = parse("Dockerfile", f"FROM x\n{header}\n\tx\n\t{name}\n{name}\n".encode())
    assert [(h.name, h.content) for i in df.instructions for h in i.heredocs] == bodies
