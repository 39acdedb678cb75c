"""$GITHUB_OUTPUT in GitHub's multi-line form, the job summary, and workspace files."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from lint.github.outputs import (
    OutputError,
    format_outputs,
    workspace_file,
    write_file,
    write_outputs,
    write_summary,
)


def parse_github_output(text: str) -> dict[str, str]:
    """How the runner reads the file (actions/runner FileCommandManager, SetOutputFileCommand)."""
    out: dict[str, str] = {}
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line:
            i += 1
            continue
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delim = line.split("<<", 1)
            value: list[str] = []
            i += 1
            while lines[i] != delim:
                value.append(lines[i])
                i += 1
            out[name] = "\n".join(value)
        else:
            name, val = line.split("=", 1)
            out[name] = val
        i += 1
    return out


def test_multiline_values_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "out"
    path.write_text("earlier=1\n")
    values = {"comment-file": "x.md", "tricky": "a\nEOF\nname<<EOF\nb=c", "empty": ""}
    write_outputs(path, values)
    text = path.read_text()
    assert parse_github_output(text) == {"earlier": "1", **values}
    delims = re.findall(r"^(?:comment-file|tricky|empty)<<(.+)$", text, re.M)
    assert len(set(delims)) == 3
    assert all(re.fullmatch(r"ghadelimiter_[0-9a-f]{32}", d) for d in delims)


def test_delimiter_in_value_is_refused() -> None:
    with pytest.raises(OutputError):
        format_outputs({"x": "a\nDELIM\n"}, delimiter="DELIM")


def test_unset_paths_write_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Outside a runner ($GITHUB_OUTPUT and $GITHUB_STEP_SUMMARY unset) nothing is written
    # anywhere: not into the working directory, not to a default path.
    monkeypatch.chdir(tmp_path)
    opened: list[object] = []
    real_open = open

    def spy(*args: Any, **kwargs: Any) -> Any:
        opened.append(args[0])
        return real_open(*args, **kwargs)

    monkeypatch.setattr("builtins.open", spy)
    write_outputs(None, {"a": "b"})
    write_summary(None, "text")
    assert opened == []
    assert list(tmp_path.iterdir()) == []


def test_summary_appends(tmp_path: Path) -> None:
    path = tmp_path / "summary"
    write_summary(path, "one")
    write_summary(path, "two\n")
    assert path.read_text() == "one\ntwo\n"


def test_files_stay_in_the_workspace(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    ws.mkdir()
    assert write_file(ws, "reports/out.sarif", "{}") == ws.resolve() / "reports" / "out.sarif"
    for bad in ("../escape", "/etc/escape", "a/../../escape"):
        with pytest.raises(OutputError, match="outside the workspace"):
            write_file(ws, bad, "x")
    outside = tmp_path / "outside"
    outside.mkdir()
    (ws / "link").symlink_to(outside)
    with pytest.raises(OutputError):
        workspace_file(ws, "link/out.md")


def test_existing_symlink_is_replaced_not_followed(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    ws.mkdir()
    victim = tmp_path / "victim"
    victim.write_text("keep")
    (ws / "dockerfile-review-comment.md").symlink_to(victim)
    write_file(ws, "dockerfile-review-comment.md", "body")
    assert victim.read_text() == "keep"
    assert (ws / "dockerfile-review-comment.md").read_text() == "body"
    assert not (ws / "dockerfile-review-comment.md").is_symlink()
