"""Files GitHub reads after the step: ``$GITHUB_OUTPUT``, ``$GITHUB_STEP_SUMMARY``, and the
report files written into the workspace (SARIF, JSON report, the comment body).

Outputs use the multi-line form ``name<<DELIMITER`` ... ``DELIMITER`` with a random delimiter
(as ``@actions/core`` does), so a value can never end its block early or forge another output.
Files in the workspace are written without following symlinks and only inside the workspace.
See https://docs.github.com/en/actions/writing-workflows/choosing-what-your-workflow-does/workflow-commands-for-github-actions#setting-an-output-parameter.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path


class OutputError(Exception):
    """A file the step must write could not be written (path and reason)."""


def format_outputs(values: Mapping[str, str], delimiter: str | None = None) -> str:
    """``name<<DELIM\\nvalue\\nDELIM\\n`` blocks; the delimiter never occurs in name or value."""
    out = []
    for name, value in values.items():
        delim = delimiter or f"ghadelimiter_{secrets.token_hex(16)}"
        if delim in name or delim in value:
            raise OutputError(f"output {name}: the delimiter occurs in the value")
        if "\n" in name or "\r" in name:
            raise OutputError(f"output name {name!r} contains a line break")
        out.append(f"{name}<<{delim}\n{value}\n{delim}\n")
    return "".join(out)


def _append(path: Path, text: str) -> None:
    try:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None


def write_outputs(path: Path | None, values: Mapping[str, str]) -> None:
    """Append outputs to ``$GITHUB_OUTPUT`` (nothing when it is not set)."""
    if path is not None:
        _append(path, format_outputs(values))


def write_summary(path: Path | None, text: str) -> None:
    """Append the job summary to ``$GITHUB_STEP_SUMMARY`` (nothing when it is not set)."""
    if path is not None:
        _append(path, text if text.endswith("\n") else text + "\n")


def workspace_file(workspace: Path, relative: str) -> Path:
    """``relative`` under ``workspace``; raises when it would lead outside (``..``, absolute
    paths elsewhere, or a symlinked directory on the way)."""
    root = workspace.resolve()
    candidate = Path(relative)
    target = candidate if candidate.is_absolute() else root / candidate
    parent = target.parent.resolve()
    try:
        parent.relative_to(root)
    except ValueError:
        raise OutputError(f"{relative}: outside the workspace {root}") from None
    return parent / target.name


def write_file(workspace: Path, relative: str, text: str) -> Path:
    """Write a report file inside the workspace, never through a symlink. Returns its path."""
    target = workspace_file(workspace, relative)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.is_symlink():
            target.unlink()
        flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)
        fd = os.open(target, flags, 0o644)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as exc:
        raise OutputError(f"cannot write {relative}: {exc.strerror or exc}") from None
    return target


def remove_file(workspace: Path, relative: str) -> bool:
    """Remove a report file inside the workspace (a symlink there is removed, never what it
    points to). Returns whether there was one."""
    target = workspace_file(workspace, relative)
    try:
        if not (target.is_symlink() or target.is_file()):
            return False
        target.unlink()
    except OSError as exc:
        raise OutputError(f"cannot remove {relative}: {exc.strerror or exc}") from None
    return True


__all__ = ["OutputError", "format_outputs", "remove_file", "workspace_file", "write_file",
           "write_outputs",
           "write_summary"]
