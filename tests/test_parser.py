"""The parser on real files: BuildKit's grammar into our own types, and one tested policy per
edge (see the docstring of ``lint/dockerfile.py``)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from lint import engine
from lint.context import load as load_context
from lint.dockerfile import MAX_LINE, Dockerfile, DockerfileError, Heredoc, expand, parse
from lint.finding import Finding, Severity


def _parse(tmp_path: Path, data: bytes | str, name: str = "Dockerfile") -> Dockerfile:
    path = tmp_path / name
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8", newline="")
    else:
        path.write_bytes(data)
    return parse(name, path.read_bytes())


def _shape(df: Dockerfile) -> list[tuple[str, int, int]]:
    return [(i.keyword, i.line, i.end_line) for i in df.instructions]


def test_directives_and_backtick_escape(tmp_path: Path) -> None:
    df = _parse(tmp_path, (
        "# syntax=docker/dockerfile:1.7\n"
        "# escape=`\n"
        "FROM mcr.microsoft.com/windows/servercore:ltsc2022\n"
        "RUN powershell -Command `\n"
        "    Write-Host hello\n"
        "COPY C:\\src\\app C:\\app\\\n"
        "WORKDIR C:\\app\n"
    ))
    assert df.directives == {"syntax": "docker/dockerfile:1.7", "escape": "`"}
    assert _shape(df) == [("FROM", 3, 3), ("RUN", 4, 5), ("COPY", 6, 6), ("WORKDIR", 7, 7)]
    assert df.instructions[1].args == ("powershell -Command     Write-Host hello",)
    # With ` as the escape, a trailing backslash is an ordinary character, not a continuation.
    assert df.instructions[2].args == ("C:\\src\\app", "C:\\app\\")


def test_directives_only_count_at_the_top(tmp_path: Path) -> None:
    df = _parse(tmp_path, "FROM alpine:3.20\n# escape=`\nRUN echo a \\\n  b\n")
    assert df.directives == {}
    assert _shape(df) == [("FROM", 1, 1), ("RUN", 3, 4)]


def test_heredocs(tmp_path: Path) -> None:
    df = _parse(tmp_path, (
        "FROM alpine:3.20\n"                      # 1
        "RUN <<EOF\n"                             # 2
        "apk add --no-cache curl\n"               # 3
        "EOF\n"                                   # 4
        "RUN <<-EOT sh -e\n"                      # 5
        "\techo tabbed\n"                         # 6
        "\t\techo twice\n"                        # 7
        "\tEOT\n"                                 # 8
        "RUN <<A cat > /a && cat <<'B' > /b\n"    # 9
        "first\n"                                 # 10
        "A\n"                                     # 11
        "$HOME\n"                                 # 12
        "B\n"                                     # 13
        "COPY <<EOF /etc/motd\n"                  # 14
        "\thello\n"                               # 15
        "EOF\n"                                   # 16
        "USER 10001\n"                            # 17
    ))
    assert _shape(df) == [
        ("FROM", 1, 1), ("RUN", 2, 4), ("RUN", 5, 8), ("RUN", 9, 13), ("COPY", 14, 16),
        ("USER", 17, 17),
    ]
    ins = df.instructions
    assert ins[1].heredocs == (Heredoc("EOF", "apk add --no-cache curl\n"),)
    assert ins[1].script == "<<EOF\napk add --no-cache curl\n"
    # <<- strips leading tabs from the body, as BuildKit does before running it.
    assert ins[2].heredocs == (Heredoc("EOT", "echo tabbed\necho twice\n"),)
    assert ins[3].heredocs == (Heredoc("A", "first\n"), Heredoc("B", "$HOME\n"))
    assert ins[3].args == ("<<A cat > /a && cat <<'B' > /b",)
    # Without the dash, tabs are content.
    assert ins[4].heredocs == (Heredoc("EOF", "\thello\n"),)
    assert ins[4].args == ("<<EOF", "/etc/motd")


def test_json_form_and_shell_form(tmp_path: Path) -> None:
    df = _parse(tmp_path, (
        'FROM python:3.12-slim\n'
        'ENTRYPOINT ["python", "-m", "app"]\n'
        'CMD ["--port", "8080"]\n'
        'RUN ["pip", "install", "flask"]\n'
        'RUN pip install "flask==3.0"\n'
        'CMD [not json\n'
    ))
    ins = df.instructions
    assert (ins[1].json_form, ins[1].args) == (True, ("python", "-m", "app"))
    assert (ins[2].json_form, ins[2].args) == (True, ("--port", "8080"))
    assert (ins[3].json_form, ins[3].args, ins[3].text) == (
        True, ("pip", "install", "flask"), "pip install flask")
    assert (ins[4].json_form, ins[4].args) == (False, ('pip install "flask==3.0"',))
    # Invalid JSON falls back to shell form, as in BuildKit.
    assert (ins[5].json_form, ins[5].args) == (False, ("[not json",))


def test_continuations_with_comment_lines_keep_later_lines_exact(tmp_path: Path) -> None:
    df = _parse(tmp_path, (
        "FROM debian:12-slim\n"                  # 1
        "RUN apt-get update \\\n"                # 2
        "    # a comment inside the command\n"   # 3
        "    && apt-get install -y \\\n"         # 4
        "\n"                                     # 5 (empty line inside: still continued)
        "#   another comment\n"                  # 6
        "       curl \\\n"                       # 7
        "    && rm -rf /var/lib/apt/lists/*\n"   # 8
        "# between instructions\n"               # 9
        "\n"                                     # 10
        "ENV A=1 \\\n"                           # 11
        "    B=2\n"                              # 12
        "USER 10001\n"                           # 13
    ))
    assert _shape(df) == [("FROM", 1, 1), ("RUN", 2, 8), ("ENV", 11, 12), ("USER", 13, 13)]
    assert "comment" not in df.instructions[1].text
    assert df.instructions[1].text.split() == [
        "apt-get", "update", "&&", "apt-get", "install", "-y", "curl", "&&", "rm", "-rf",
        "/var/lib/apt/lists/*",
    ]
    assert df.instructions[2].args == ("A", "1", "B", "2")
    assert df.instruction_at(5) is df.instructions[1]
    assert df.instruction_at(9) is None


def test_onbuild_arg_before_from_platform_and_mount_flags(tmp_path: Path) -> None:
    df = _parse(tmp_path, (
        "ARG BASE=python:3.12-slim\n"                                                 # 1
        "ARG UNUSED\n"                                                                # 2
        "FROM --platform=$BUILDPLATFORM ${BASE} AS build\n"                           # 3
        "RUN --mount=type=cache,target=/root/.cache/pip --mount=type=secret,id=tok "  # 4
        "--network=none pip install -r requirements.txt\n"
        "ONBUILD COPY --chown=10001:10001 . /app\n"                                   # 5
        "ONBUILD RUN make\n"                                                          # 6
        "COPY --from=build --chmod=0755 /a /b\n"                                      # 7
    ))
    assert [(i.keyword, i.line, i.stage) for i in df.global_args] == [("ARG", 1, -1),
                                                                        ("ARG", 2, -1)]
    stage = df.stages[0]
    assert (stage.name, stage.base_raw, stage.base, stage.platform) == (
        "build", "${BASE}", "python:3.12-slim", "$BUILDPLATFORM")
    run = df.instructions[3]
    assert run.flags == (
        ("mount", "type=cache,target=/root/.cache/pip"), ("mount", "type=secret,id=tok"),
        ("network", "none"),
    )
    assert run.flag_all("mount") == ("type=cache,target=/root/.cache/pip", "type=secret,id=tok")
    assert run.flag("network") == "none"
    assert run.flag("chown") is None
    assert run.args == ("pip install -r requirements.txt",)
    onbuild_copy, onbuild_run = df.instructions[4], df.instructions[5]
    assert (onbuild_copy.keyword, onbuild_copy.sub_keyword, onbuild_copy.is_known) == (
        "ONBUILD", "COPY", True)
    assert onbuild_run.sub_keyword == "RUN"
    assert df.instructions[6].flags == (("from", "build"), ("chmod", "0755"))


def test_stages_aliases_and_inheritance(tmp_path: Path) -> None:
    df = _parse(tmp_path, (
        "ARG VERSION=3.20\n"                   # 1
        "FROM alpine:${VERSION} AS Base\n"     # 2
        "ENV APP=/srv\n"                       # 3
        "FROM base as build\n"                 # 4
        "RUN make\n"                           # 5
        "FROM node:20\n"                       # 6
        "FROM build AS test\n"                 # 7
        "USER 10001\n"                         # 8
        "FROM scratch\n"                       # 9
        "COPY --from=build /out /out\n"        # 10
    ))
    shapes = [(s.index, s.name, s.base, s.parent, s.line, [i.line for i in s.instructions])
              for s in df.stages]
    assert shapes == [
        (0, "Base", "alpine:3.20", None, 2, [2, 3]),
        (1, "build", "base", 0, 4, [4, 5]),
        (2, None, "node:20", None, 6, [6]),
        (3, "test", "build", 1, 7, [7, 8]),
        (4, None, "scratch", None, 9, [9, 10]),
    ]
    test = df.stages[3]
    assert [s.index for s in df.chain(test)] == [0, 1, 3]
    assert [i.line for i in df.chain_instructions(test)] == [2, 3, 4, 5, 7, 8]
    assert df.variables(test) == {"APP": "/srv"}
    assert df.stage_named("BUILD") is df.stages[1]
    assert df.shipped_stage() is df.stages[4]
    assert df.shipped_stage("test") is df.stages[3]
    assert df.shipped_stage("2") is df.stages[2]
    assert df.shipped_stage("missing") is df.stages[4]


def test_variables_follow_line_order_in_any_query_order(tmp_path: Path) -> None:
    df = _parse(tmp_path, (
        "ARG TAG=1\n"                 # 1
        "FROM alpine AS a\n"          # 2
        "ARG TAG\n"                   # 3
        "ENV HOME_DIR=/home/${TAG}\n"  # 4
        "FROM a AS b\n"               # 5
        "ENV HOME_DIR=/b X=$HOME_DIR\n"  # 6
        "RUN true\n"                  # 7
    ))
    a, b = df.stages
    # One instruction sees the values from before it: X gets the earlier HOME_DIR.
    assert df.variables(b, 7) == {"TAG": "1", "HOME_DIR": "/b", "X": "/home/1"}
    assert df.variables(b, 6) == {"TAG": "1", "HOME_DIR": "/home/1"}
    assert df.variables(a, 4) == {"TAG": "1"}
    assert df.variables(a, 3) == {}
    assert df.variables(b) == {"TAG": "1", "HOME_DIR": "/b", "X": "/home/1"}
    assert df.expand("cd $HOME_DIR/${X}/$UNKNOWN", b, 6) == "cd /home/1/${X}/$UNKNOWN"
    # The answers are copies: changing one does not change the next.
    df.variables(b)["TAG"] = "changed"
    assert df.variables(b)["TAG"] == "1"


def test_variables_stay_linear_on_many_instructions(tmp_path: Path) -> None:
    body = "".join(f"RUN echo {i}\n" if i % 50 else f"ENV V{i % 7}={i}\n" for i in range(30_000))
    df = _parse(tmp_path, "FROM alpine:3.20\n" + body)
    stage = df.stages[0]
    start = time.perf_counter()
    for ins in stage.body:
        df.variables(stage, ins.line)
    # Replaying from the top for every instruction took minutes for 30,000 of them.
    assert time.perf_counter() - start < 5
    assert df.variables(stage) == {f"V{k}": str(max(i for i in range(0, 30_000, 50)
                                                    if i % 7 == k)) for k in range(7)}


def _replayed(df: Dockerfile, stage_index: int, before: int) -> dict[str, str]:
    """The variables as the chain's ARG/ENV steps before ``before`` give them, replayed from
    the top of the chain (the plain definition the lookups of ``Dockerfile.scope`` must
    match)."""
    defaults: dict[str, str] = {}
    for ins in df.global_args:
        for arg in ins.args:
            name, sep, value = arg.partition("=")
            if sep:
                defaults[name] = expand(value.strip("\"'"), defaults)
    env: dict[str, str] = {}
    for ins in df.chain_instructions(df.stages[stage_index]):
        if ins.line >= before or ins.keyword not in ("ARG", "ENV"):
            continue
        assigned: list[tuple[str, str]] = []
        if ins.keyword == "ARG":
            for arg in ins.args:
                name, sep, value = arg.partition("=")
                if sep:
                    assigned.append((name, expand(value.strip("\"'"), env)))
                elif name in defaults and name not in env:
                    assigned.append((name, defaults[name]))
        else:
            assigned = [(n, expand(v.strip("\"'"), env))
                        for n, v in zip(ins.args[::2], ins.args[1::2], strict=False)]
        env.update(assigned)
    return env


def test_variables_match_a_replay_of_the_chain_in_trees_of_stages(tmp_path: Path) -> None:
    # Chains, a stage two stages build on, a name given to two stages (the later one is the
    # parent), an ARG without a value inside and outside the global defaults, a name set twice
    # in one ENV, and a child that changes what its parent set.
    df = _parse(tmp_path, (
        "ARG TAG=1 ROOT=/r\n"
        "FROM alpine AS a\n"
        "ARG TAG\n"
        "ARG NONE\n"
        "ENV HOME_DIR=${ROOT}/${TAG} X=1 X=2\n"
        "FROM a AS b\n"
        "ENV HOME_DIR=/b Y=$HOME_DIR\n"
        "FROM a AS c\n"
        "ARG ROOT\n"
        "ENV Z=${HOME_DIR}${Y:-none}$ROOT\n"
        "FROM b AS a\n"
        "ENV W=$Y\n"
        "FROM a AS d\n"
        "ARG TAG=2\n"
        "ENV V=$TAG/$W/$X\n"
        "FROM debian AS e\n"
        "ENV V=e\n"
        "RUN true\n"
    ))
    assert [s.parent for s in df.stages] == [None, 0, 0, 1, 3, None]
    last = len(df.text.split("\n")) + 1
    for stage in df.stages:
        for before in range(1, last + 1):
            expected = _replayed(df, stage.index, before)
            assert df.variables(stage, before) == expected, (stage.index, before)
            view = df.scope(stage, before)
            assert {n: view[n] for n in view} == expected
            assert view.get("NOT_SET") is None and "NOT_SET" not in view
        assert df.variables(stage) == _replayed(df, stage.index, last)
    # A global ARG is seen in a stage only where the stage declares it (``ARG ROOT`` in c).
    assert df.variables(df.stages[4]) == {"TAG": "2", "HOME_DIR": "/b", "X": "2",
                                          "Y": "${ROOT}/1", "W": "${ROOT}/1",
                                          "V": "2/${ROOT}/1/2"}
    assert df.variables(df.stages[2]) == {"TAG": "1", "HOME_DIR": "${ROOT}/1", "X": "2",
                                          "ROOT": "/r", "Z": "${ROOT}/1none/r"}


def test_crlf_and_bom(tmp_path: Path) -> None:
    df = _parse(tmp_path, (
        b"\xef\xbb\xbf# syntax=docker/dockerfile:1\r\n"
        b"FROM alpine:3.20\r\n"
        b"RUN echo a \\\r\n"
        b"    && echo b\r\n"
        b"# hadolint ignore=DL3018\r\n"
        b"RUN apk add curl\r\n"
    ))
    assert df.directives == {"syntax": "docker/dockerfile:1"}
    assert _shape(df) == [("FROM", 2, 2), ("RUN", 3, 4), ("RUN", 6, 6)]
    assert df.instructions[1].args == ("echo a     && echo b",)
    assert "\r" not in df.text
    assert df.pragmas.ignores("DL3018", 6)


# --- edge policies -------------------------------------------------------------------------


def _error(tmp_path: Path, data: bytes) -> DockerfileError:
    with pytest.raises(DockerfileError) as info:
        _parse(tmp_path, data)
    return info.value


def test_binary_content_is_a_binary_error(tmp_path: Path) -> None:
    err = _error(tmp_path, b"\x7fELF\x02\x01\x01\x00\x00\x00" + bytes(range(256)))
    assert (err.kind, err.message, err.line) == (
        "binary", "binary content (NUL bytes): not a Dockerfile", 1)


def test_invalid_utf8_is_an_encoding_error_on_its_line(tmp_path: Path) -> None:
    err = _error(tmp_path, b'FROM alpine:3.20\nLABEL maintainer="Jos\xe9"\n')
    assert (err.kind, err.message, err.line) == (
        "encoding", "invalid UTF-8 at byte 38 (line 2)", 2)


@pytest.mark.parametrize("data", [b"", b"\n\n  \n", b"\xef\xbb\xbf",
                                  b"# syntax=docker/dockerfile:1\n# only comments\n"])
def test_empty_and_comment_only_files(tmp_path: Path, data: bytes) -> None:
    err = _error(tmp_path, data)
    assert (err.kind, err.message, err.line) == (
        "empty", "no instructions (empty or comment-only file)", 1)


def test_no_from(tmp_path: Path) -> None:
    err = _error(tmp_path, b"ARG A=1\n\nRUN echo $A\n")
    assert (err.kind, err.message, err.line) == ("no-from", "no FROM instruction", 3)


def test_line_at_the_limit_parses_and_one_byte_more_is_too_long(tmp_path: Path) -> None:
    at_limit = "RUN echo " + "x" * (MAX_LINE - len("RUN echo "))
    df = _parse(tmp_path, f"FROM alpine:3.20\n{at_limit}\n")
    assert _shape(df) == [("FROM", 1, 1), ("RUN", 2, 2)]
    err = _error(tmp_path, f"FROM alpine:3.20\n{at_limit}x\n".encode())
    assert (err.kind, err.message, err.line) == (
        "too-long", "line 2 is 65,536 bytes, over BuildKit's 65,535-byte limit", 2)


def test_long_line_limit_counts_bytes_not_characters(tmp_path: Path) -> None:
    # 40,000 characters but 80,009 bytes: BuildKit rejects it, and so do we, with our policy.
    err = _error(tmp_path, ("FROM alpine:3.20\nRUN echo " + "é" * 40_000 + "\n").encode())
    assert (err.kind, err.message, err.line) == (
        "too-long", "line 2 is 80,009 bytes, over BuildKit's 65,535-byte limit", 2)


def test_syntax_error_from_buildkit(tmp_path: Path) -> None:
    err = _error(tmp_path, b"FROM alpine:3.20\nRUN <<EOF\necho never closed\n")
    assert (err.kind, err.message) == ("syntax", "BuildKit parser: unterminated heredoc")


def test_unknown_instruction_is_kept_and_reported_on_its_line(tmp_path: Path) -> None:
    df = _parse(tmp_path, "FROM alpine:3.20\nCOPPY app /app\nUSER 10001\n")
    assert [(i.keyword, i.is_known, i.line) for i in df.instructions] == [
        ("FROM", True, 1), ("COPPY", False, 2), ("USER", True, 3)]
    context = load_context(tmp_path / "Dockerfile")
    dc001 = [f for f in engine.analyze(df, context) if f.code == "DC001"]
    assert [(f.line, f.severity, f.message) for f in dc001] == [
        (2, Severity.ERROR, "unknown instruction COPPY")]


@pytest.mark.parametrize(("data", "line", "message"), [
    (b"\x00\x01", 1, "binary content (NUL bytes): not a Dockerfile"),
    (b"FROM a\n\xff\n", 2, "invalid UTF-8 at byte 7 (line 2)"),
    (b"# nothing\n", 1, "no instructions (empty or comment-only file)"),
])
def test_parse_errors_become_one_dc001_finding(data: bytes, line: int, message: str) -> None:
    result = engine.parse_or_finding("x/Dockerfile", data)
    assert isinstance(result, Finding)
    assert (result.path, result.line, result.code, result.severity, result.message) == (
        "x/Dockerfile", line, "DC001", Severity.ERROR, message)
