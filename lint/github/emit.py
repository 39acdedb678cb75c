"""The one writer of everything the action emits: log lines, workflow commands, report files,
the job summary and step outputs. Each text passes ``scrub`` on its way out, which replaces the
literal token (from every input and variable it can come from) with ``***``, so no log line,
file, output or comment can carry it whatever produced the text (an exception quoting a
request, a git error, a server's reply).

Nothing it prints can become a workflow command (the runner reads every line of the step's
output, after trimming leading whitespace, as one when it starts with ``::``): data inside our
own commands is escaped by ``lint.sinks.annotations.command``; every other line (``line``)
loses its CR and LF and, when it would start with ``::``, is prefixed with ``"> "``.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from lint.github import outputs
from lint.sinks.annotations import command

#: What a plain line starting with ``::`` gets in front (anything but whitespace would do).
DEFUSED = "> "


def plain(text: str) -> str:
    """``text`` as one line that the runner cannot read as a workflow command: CR and LF become
    spaces, and a line that starts with ``::`` (after leading whitespace) is prefixed."""
    text = text.replace("\r\n", " ").replace("\r", " ").replace("\n", " ")
    return DEFUSED + text if text.lstrip().startswith("::") else text

#: Where the token can come from: the ``github-token`` input (both spellings) and the variable.
# The job token, and the password for registries the size step reads base images from.
TOKEN_VARIABLES = ("INPUT_GITHUB-TOKEN", "INPUT_GITHUB_TOKEN", "GITHUB_TOKEN",
                   "INPUT_REGISTRY-PASSWORD", "INPUT_REGISTRY_PASSWORD")


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

    def _write(self, text: str) -> None:
        sys.stdout.write(text + "\n")
        sys.stdout.flush()

    def line(self, text: str) -> None:
        """A plain log line (a note, a URL, a message quoting a path or GitHub's words)."""
        self._write(plain(self.scrub(text)))

    def lines(self, texts: Iterable[str]) -> None:
        for text in texts:
            self.line(text)

    def command(self, name: str, message: str) -> None:
        """Our own workflow command; ``message`` is escaped as the runner unescapes it."""
        self._write(command(name, self.scrub(message)))

    def commands(self, texts: Iterable[str]) -> None:
        """Workflow commands built by ``lint.sinks.annotations.command`` (escaped there)."""
        for text in texts:
            scrubbed = self.scrub(text)
            if "\r" in scrubbed or "\n" in scrubbed or not scrubbed.startswith("::"):
                self.line(scrubbed)  # not one of ours: never let it through as a command
            else:
                self._write(scrubbed)

    def file(self, relative: str, text: str) -> None:
        if self.workspace is None:
            raise outputs.OutputError(f"{relative}: no workspace to write it in")
        outputs.write_file(self.workspace, relative, self.scrub(text))

    def remove(self, relative: str) -> bool:
        """Remove a report file an earlier run left (``outputs.remove_file``)."""
        if self.workspace is None:
            return False
        return outputs.remove_file(self.workspace, relative)

    def summary(self, text: str) -> None:
        outputs.write_summary(self.summary_path, self.scrub(text))

    def outputs(self, values: Mapping[str, str]) -> None:
        outputs.write_outputs(self.output_path,
                              {name: self.scrub(value) for name, value in values.items()})


__all__ = ["DEFUSED", "TOKEN_VARIABLES", "Emitter", "plain", "tokens"]
