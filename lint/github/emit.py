"""The one writer of everything the action emits: log lines, workflow commands, report files,
the job summary and step outputs. Each text passes ``scrub`` on its way out, which replaces the
literal token (from every input and variable it can come from) with ``***``, so no log line,
file, output or comment can carry it whatever produced the text (an exception quoting a
request, a git error, a server's reply).
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from lint.github import outputs
from lint.sinks.annotations import command

#: Where the token can come from: the ``github-token`` input (both spellings) and the variable.
TOKEN_VARIABLES = ("INPUT_GITHUB-TOKEN", "INPUT_GITHUB_TOKEN", "GITHUB_TOKEN")


def tokens(env: Mapping[str, str]) -> tuple[str, ...]:
    """Every token value the environment holds (longest first, so a token that contains
    another is replaced whole)."""
    values = {env.get(name, "").strip() for name in TOKEN_VARIABLES}
    return tuple(sorted((v for v in values if v), key=len, reverse=True))


@dataclass(frozen=True)
class Emitter:
    """Writes to stdout and, once the workspace is known (``into``), report files, the job
    summary and ``$GITHUB_OUTPUT``. Raises ``outputs.OutputError`` for a file it cannot write."""

    secrets: tuple[str, ...] = ()
    workspace: Path | None = None
    summary_path: Path | None = None
    output_path: Path | None = None

    def into(self, workspace: Path, summary: Path | None, output: Path | None) -> Emitter:
        return Emitter(self.secrets, workspace, summary, output)

    def scrub(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "***")
        return text

    def line(self, text: str) -> None:
        sys.stdout.write(self.scrub(text) + "\n")
        sys.stdout.flush()

    def lines(self, texts: Iterable[str]) -> None:
        for text in texts:
            self.line(text)

    def command(self, name: str, message: str) -> None:
        self.line(command(name, message))

    def file(self, relative: str, text: str) -> None:
        if self.workspace is None:
            raise outputs.OutputError(f"{relative}: no workspace to write it in")
        outputs.write_file(self.workspace, relative, self.scrub(text))

    def summary(self, text: str) -> None:
        outputs.write_summary(self.summary_path, self.scrub(text))

    def outputs(self, values: Mapping[str, str]) -> None:
        outputs.write_outputs(self.output_path,
                              {name: self.scrub(value) for name, value in values.items()})


__all__ = ["TOKEN_VARIABLES", "Emitter", "tokens"]
