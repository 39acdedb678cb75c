"""Bad input next to a normal Dockerfile, through the CLI and ``lint.run``: each bad file gets one
clear finding, the normal file keeps every finding (hadolint's and ours), no traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from lint import engine
from lint.config import Overrides, load
from lint.discovery import discover
from lint.dockerfile import parse
from lint.run import MAX_FILE_SIZE, LintOptions, lint_files
from tests.conftest import EVERY_RULE_ENV
from tests.test_hadolint import calls, wrapper

REPO = Path(__file__).resolve().parent.parent

NORMAL = (
    "FROM debian\n"                                        # 1
    "RUN apt-get update && apt-get install -y curl\n"      # 2
    "COPY . /app\n"                                        # 3
    "RUN cd /app && make\n"                                # 4
    "CMD [\"/app/run\"]\n"                                  # 5
)
NORMAL_FINDINGS = [
    ("DC101", 1), ("DC201", 1), ("DC301", 1), ("DC304", 1), ("DL3006", 1), ("DL3008", 2),
    ("DL3009", 2), ("DL3015", 2), ("DC303", 3), ("DL3003", 4),
]
FIVE_MB = 5_000_000


def _many_short_instructions() -> str:
    """About 5 MB of short instructions (LABEL/EXPOSE/WORKDIR), starting with a FROM."""
    parts = ["FROM alpine:3.20\n"]
    size = len(parts[0])
    i = 0
    while size < FIVE_MB:
        line = (f"LABEL k{i}=v\n", f"EXPOSE {1024 + i % 60000}\n", f"WORKDIR /w{i}\n")[i % 3]
        parts.append(line)
        size += len(line)
        i += 1
    return "".join(parts)


@pytest.fixture(scope="module")
def bad_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("bad-input")
    (root / "Dockerfile").write_text(NORMAL, encoding="utf-8")
    (root / "binary.Dockerfile").write_bytes(b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 4)
    (root / "latin1.Dockerfile").write_bytes(b'FROM alpine:3.20\nLABEL maintainer="Jos\xe9"\n')
    (root / "empty.Dockerfile").write_bytes(b"")
    (root / "hugeline.Dockerfile").write_text(
        "FROM alpine:3.20\nRUN echo " + "x" * FIVE_MB + "\n", encoding="utf-8")
    (root / "many.Dockerfile").write_text(_many_short_instructions(), encoding="utf-8")
    return root


def _by_file(findings: list[dict[str, object]]) -> dict[str, list[tuple[object, ...]]]:
    out: dict[str, list[tuple[object, ...]]] = {}
    for f in findings:
        out.setdefault(str(f["path"]), []).append((f["code"], f["line"]))
    return {path: sorted(v, key=lambda t: (t[1], t[0])) for path, v in out.items()}


@pytest.mark.slow
def test_cli_reports_every_file_once_and_the_normal_file_in_full(bad_repo: Path) -> None:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO)
    proc = subprocess.run(
        [sys.executable, "-m", "lint", "--format", "json", "."], cwd=bad_repo, env=env,
        capture_output=True, text=True, timeout=600, check=False,
    )
    assert "Traceback" not in proc.stderr
    assert proc.stderr == ""
    # Warnings and errors reach the default threshold; nothing failed in the tool itself.
    assert proc.returncode == 1
    findings = json.loads(proc.stdout)
    by_file = _by_file(findings)
    assert by_file == {
        "Dockerfile": sorted(NORMAL_FINDINGS, key=lambda t: (t[1], t[0])),
        "binary.Dockerfile": [("DC001", 1)],
        "empty.Dockerfile": [("DC001", 1)],
        # 5 MB each: over the 128 KiB read cap, refused before parsing (DC003). The 1 MB cap of
        # hadolint alone (DC002) is tested below with a smaller cap.
        "hugeline.Dockerfile": [("DC003", 1)],
        "latin1.Dockerfile": [("DC001", 2)],
        "many.Dockerfile": [("DC003", 1)],
    }
    messages = {(f["path"], f["code"]): f["message"] for f in findings}
    assert messages[("binary.Dockerfile", "DC001")] == (
        "binary content (NUL bytes): not a Dockerfile")
    assert messages[("empty.Dockerfile", "DC001")] == (
        "no instructions (empty or comment-only file)")
    assert messages[("latin1.Dockerfile", "DC001")] == "invalid UTF-8 at byte 38 (line 2)"
    size = (bad_repo / "many.Dockerfile").stat().st_size
    assert messages[("many.Dockerfile", "DC003")] == (
        f"File is {size:,} bytes, over the 131,072-byte read cap: the file was not linted; "
        "split or simplify it")
    assert {f["severity"] for f in findings if f["code"] == "DC001"} == {"error"}
    assert {f["source"] for f in findings if f["code"].startswith("DL")} == {"hadolint"}


def _lint(root: Path, max_file_size: int = MAX_FILE_SIZE) -> list[tuple[str, str, int]]:
    found = discover(["."], root)
    config = load(root, EVERY_RULE_ENV, Overrides())
    result = lint_files(found.files, config, LintOptions(max_file_size=max_file_size))
    assert result.errors == []
    return sorted((f.path, f.code, f.line) for f in result.findings)


def test_size_cap_skips_hadolint_but_not_our_rules(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text(NORMAL, encoding="utf-8")
    size = len(NORMAL.encode())
    under = _lint(tmp_path, max_file_size=size)
    assert under == sorted(("Dockerfile", code, line) for code, line in NORMAL_FINDINGS)
    over = _lint(tmp_path, max_file_size=size - 1)
    assert over == sorted(
        [("Dockerfile", "DC002", 1)]
        + [("Dockerfile", code, line) for code, line in NORMAL_FINDINGS
           if code.startswith("DC")]
    )


def test_unparsable_file_over_the_cap_gets_only_dc001(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_bytes(b"\x00" * 2000)
    (tmp_path / "b.Dockerfile").write_text("FROM alpine:3.20\nRUN <<EOF\n" + "x\n" * 1000)
    assert _lint(tmp_path, max_file_size=1000) == [
        ("Dockerfile", "DC001", 1), ("b.Dockerfile", "DC001", 1)]


def test_syntax_error_is_one_finding_and_the_next_file_keeps_its_own(tmp_path: Path) -> None:
    # Our parser rejects an unterminated heredoc; hadolint's DL1000 says the same and is merged
    # away, so the file has one finding and the next file keeps its own.
    (tmp_path / "a.Dockerfile").write_text("FROM alpine:3.20\nRUN <<EOF\necho\n")
    (tmp_path / "b.Dockerfile").write_text("FROM alpine:3.20\nUSER 10001\nRUN cd /x\n")
    (tmp_path / ".dockerignore").write_text(".git\n")
    assert _lint(tmp_path) == [
        ("a.Dockerfile", "DC001", 1),
        ("b.Dockerfile", "DC301", 1),
        ("b.Dockerfile", "DL3003", 3),
        ("b.Dockerfile", "SC2164", 3),
    ]


def test_unknown_instruction_is_one_finding_not_two(tmp_path: Path) -> None:
    # hadolint reports DL1000 on the same line; DC001 already says it, so only DC001 stays.
    (tmp_path / "Dockerfile").write_text("FROM alpine:3.20\nCOPPY a /a\nUSER 10001\n")
    (tmp_path / ".dockerignore").write_text(".git\n")
    assert _lint(tmp_path) == [("Dockerfile", "DC001", 2), ("Dockerfile", "DC301", 1)]


def test_deep_nesting_and_huge_files_are_refused_before_parsing(tmp_path: Path) -> None:
    """Hostile shapes cost bounded time: the parser is never handed them, the other files keep
    their findings (the cost itself is measured in bench/, not here)."""
    nested = "${A:-" * 2000 + "x" + "}" * 2000
    (tmp_path / "nested.Dockerfile").write_text(f"FROM alpine:3.20\nRUN echo {nested}\n")
    with (tmp_path / "huge.Dockerfile").open("w") as handle:
        handle.write("FROM alpine:3.20\n")
        handle.write("RUN true\n" * 15_000)  # 135 kB, over the read cap
    (tmp_path / "Dockerfile").write_text(NORMAL)
    found = _lint(tmp_path)
    assert [f for f in found if f[0] != "Dockerfile"] == [
        ("huge.Dockerfile", "DC003", 1), ("nested.Dockerfile", "DC003", 2)]
    assert [f for f in found if f[0] == "Dockerfile"] == sorted(
        ("Dockerfile", code, line) for code, line in NORMAL_FINDINGS)


def _guard(text: str) -> tuple[int, str] | None:
    found = engine.guard("Dockerfile", text.encode(), len(text.encode()))
    return None if found is None else (found.line, found.message)


def test_bounds_hold_across_continuation_lines_and_stop_exactly_at_the_cap() -> None:
    def nest(depth: int) -> str:
        return "${A:-" * depth + "x" + "}" * depth

    head = "FROM alpine:3.20\n"
    assert _guard(head + f"RUN echo {nest(engine.MAX_NESTING)}\n") is None
    # BuildKit joins continuation lines, so nesting carries over a trailing backslash.
    split = "${A:-" * 5 + "\\\n" + "${A:-" * 4 + "x" + "}" * 9
    assert _guard(head + f"RUN echo {split}\n") == (
        3, "Variable substitutions nest 9 deep on line 3, deeper than 8: the file was not "
           "linted; split or simplify it")
    word = "x" * engine.MAX_WORD
    assert _guard(head + f"RUN echo {word}\n") is None
    # 600 + 425 characters joined across a continuation: one word of 1,025.
    assert _guard(head + "RUN echo " + "y" * 600 + "\\\n" + "y" * 425 + " done\n") == (
        3, "A word of 1,025 characters ends on line 3, longer than 1,024: the file was not "
           "linted; split or simplify it")
    # A blank at the start of the next line ends the word, as it does for the parser.
    assert _guard(head + "RUN echo " + "y" * 600 + " \\\n  " + "y" * 600 + "\n") is None
    body = "RUN echo hello world\n" * ((engine.READ_CAP - len(head)) // 21)
    cap = head + body + "#" * (engine.READ_CAP - len(head) - len(body) - 1) + "\n"
    assert len(cap) == engine.READ_CAP and _guard(cap) is None
    assert _guard(cap + "\n") == (
        1, "File is 131,073 bytes, over the 131,072-byte read cap: the file was not linted; "
           "split or simplify it")


def _shell(text: str) -> tuple[int, str] | None:
    found = engine.for_hadolint(parse("Dockerfile", text.encode()))
    return None if found is None else (found.line, found.message)


def test_shell_bounds_stop_exactly_at_each_cap() -> None:
    """What hadolint is given is bounded on the parsed file; each bound accepts its cap and
    refuses one more, with the line and a message that says which bound."""
    head = "FROM alpine:3.20\n"
    tail = ": the file was not fully linted; split or simplify it"
    runs = head + "RUN true\n" * engine.MAX_RUNS
    assert _shell(runs) is None
    assert _shell(runs + "ONBUILD RUN true\n") == (
        202, "RUN instruction number 201 is on line 202, more than the 200 hadolint is given"
        + tail)
    # one instruction: its text with its heredoc bodies ("RUN cat <<EOF\n", "EOF\n")
    body = "x" * (engine.MAX_INSTRUCTION - 14 - 4 - 1) + "\n"
    assert _shell(head + "RUN cat <<EOF\n" + body + "EOF\n") is None
    assert _shell(head + "RUN cat <<EOF\n" + "x" + body + "EOF\n") == (
        2, "The RUN on line 2 has 8,193 characters, more than the 8,192 hadolint is given"
        + tail)
    # what is not a RUN never goes to ShellCheck: a long COPY heredoc or LABEL is no bound
    assert _shell(head + "COPY <<EOF /etc/app.conf\n" + "k=v\n" * 5000 + "EOF\n") is None
    assert _shell(head + "LABEL a=" + "y" * engine.MAX_INSTRUCTION + "\n") is None
    # all shell: 8 RUNs of 8,192 characters hold 65,504 of it (a script leaves out "RUN "):
    # 32 more fit, 33 do not
    line = "RUN echo " + "z" * (engine.MAX_INSTRUCTION - 9)
    full = head + (line + "\n") * 8
    assert _shell(full + "RUN " + "w" * 32 + "\n") is None
    assert _shell(full + "RUN " + "w" * 33 + "\n") == (
        10, "The RUN instructions up to line 10 hold 65,537 characters of shell, more than the "
            "65,536 hadolint is given" + tail)
    # '$' and '`' in all shell
    dollars = head + ("RUN echo " + " ".join(["${A}"] * 128) + "\n") * 8
    assert _shell(dollars) is None
    assert _shell(dollars + "RUN echo `date`\n") == (
        10, "The RUN instructions up to line 10 hold 1,026 '$' and '`', more than the 1,024 "
            "hadolint is given" + tail)
    # '[' in all shell: quoting or escaping a blank does not split the count
    brackets = head + "RUN ls " + "[" * 200 + "\nRUN ls '" + "[" * 55 + " x'\n"
    assert _shell(brackets + "RUN echo ok\n") is None
    assert _shell(brackets + "RUN ls " + "[\\ " * 2 + "\n") == (
        4, "The RUN instructions up to line 4 hold 257 '[', more than the 256 hadolint is given"
        + tail)
    # parentheses (in any RUN, heredoc bodies included)
    assert _shell(head + "RUN echo " + "$(" * 16 + "x" + ")" * 16 + "\n") is None
    assert _shell(head + "RUN <<EOF\necho " + "(" * 17 + "\nEOF\n") == (
        2, "Parentheses nest 17 deep in the RUN on line 2, deeper than the 16 hadolint is "
           "given" + tail)


def test_file_over_a_shell_bound_keeps_our_findings_and_the_others_theirs(tmp_path: Path
                                                                         ) -> None:
    (tmp_path / "many.Dockerfile").write_text(
        "FROM alpine:3.20\n" + "RUN apk add curl\n" * (engine.MAX_RUNS + 1))
    (tmp_path / "Dockerfile").write_text(NORMAL)
    found = _lint(tmp_path)
    # not hadolint's DL3018 (once per RUN) on any of its lines; our DC301 still
    assert [f for f in found if f[0] != "Dockerfile"] == [
        ("many.Dockerfile", "DC003", 202), ("many.Dockerfile", "DC301", 1)]
    assert [f for f in found if f[0] == "Dockerfile"] == sorted(
        ("Dockerfile", code, line) for code, line in NORMAL_FINDINGS)


def test_a_file_the_parser_refuses_goes_to_hadolint_only_within_the_bounds(tmp_path: Path
                                                                           ) -> None:
    """An unparsable file is handed to hadolint (its parser may read what BuildKit's does not)
    only when its whole text is within the bounds on what hadolint is given, and never with a
    line over BuildKit's limit."""
    for name, text in {
        "small.Dockerfile": "FROM alpine:3.20\nRUN <<EOF\necho\n",
        "brackets.Dockerfile": "FROM alpine:3.20\nRUN ls " + "[" * 257 + "\nRUN <<EOF\n",
        "runs.Dockerfile": "FROM alpine:3.20\n" + "run true\n" * 201 + "RUN <<EOF\n",
        "long.Dockerfile": "FROM alpine:3.20\nRUN echo " + "x " * 35_000 + "\n",
    }.items():
        (tmp_path / name).write_text(text)
    log = tmp_path / "calls.log"
    found = discover(["."], tmp_path)
    result = lint_files(found.files, load(tmp_path, EVERY_RULE_ENV, Overrides()),
                        LintOptions(hadolint_bin=wrapper(tmp_path, log)))
    handed = {Path(a).name for argv in calls(log) for a in argv[argv.index("--") + 1:]}
    assert handed == {"small.Dockerfile"}
    assert sorted((f.path, f.code, f.line) for f in result.findings) == [
        ("brackets.Dockerfile", "DC001", 1), ("long.Dockerfile", "DC001", 2),
        ("runs.Dockerfile", "DC001", 1), ("small.Dockerfile", "DC001", 1)]


def test_path_components_longer_than_a_file_name_are_compared_as_written() -> None:
    from lint.rules._paths import NAME_MAX, inside, overlaps

    # Globs still match either way up to NAME_MAX characters...
    assert overlaps("/tmp/[ab]" + "c" * (NAME_MAX - 4), "/tmp/a" + "c" * (NAME_MAX - 4))
    assert inside("/tmp/cache/x", "/tmp/*")
    # ...and a longer component (no file can have that name) matches only itself, in linear
    # time: fnmatch would take seconds to translate these 20,000 '['.
    long = "/tmp/" + "[" * 20000
    assert overlaps(long, long) and inside(long + "/x", long)
    assert not overlaps(long, "/tmp/x") and not inside("/tmp/x", long)
    assert not overlaps("/tmp/" + "?" * (NAME_MAX + 1), "/tmp/" + "a" * (NAME_MAX + 1))
