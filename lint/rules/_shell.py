"""Shared shell reading for rules: split a RUN script into simple commands.

Not a shell: it splits on ``&&``, ``||``, ``;``, ``|``, ``&`` and newlines with POSIX quoting (via
``shlex``), drops leading ``VAR=value`` assignments and wrappers such as ``sudo``/``env``/``time``,
and leaves anything it cannot tokenise as one command of raw words. Good enough to recognise
``apt-get install``, ``pip install -r``, ``rm -rf`` and ``chown -R``, which is all rules need.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from dataclasses import dataclass

from lint.dockerfile import Instruction

_SEPARATORS = frozenset({"&&", "||", ";", "|", "&", ";;", "|&", "(", ")", "{", "}"})
_ASSIGN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
_WRAPPERS = frozenset({"sudo", "env", "time", "nice", "nohup", "exec", "command", "then", "do",
                       "else", "if", "while", "until", "!"})


def _tokens(script: str) -> list[str]:
    lexer = shlex.shlex(script, posix=True, punctuation_chars=";&|()")
    lexer.whitespace = " \t\r"
    lexer.whitespace_split = True
    lexer.commenters = ""
    out: list[str] = []
    try:
        for token in lexer:
            out.append(token)
    except ValueError:  # unbalanced quotes: fall back to plain words
        return [w for w in re.split(r"[ \t\r]+", script) if w]
    return out


def commands(script: str) -> list[list[str]]:
    """Simple commands of a shell script, each as its words."""
    script = script.replace("\\\n", " ")
    result: list[list[str]] = []
    current: list[str] = []
    for token in _tokens(script):
        if token in _SEPARATORS or not token.strip():
            if current:
                result.append(current)
            current = []
            continue
        if "\n" in token:
            # shlex keeps newlines inside tokens when whitespace excludes "\n": split lines.
            parts = token.split("\n")
            for i, part in enumerate(parts):
                if i > 0 and current:
                    result.append(current)
                    current = []
                if part:
                    current.append(part)
            continue
        current.append(token)
    if current:
        result.append(current)
    cleaned = []
    for words in result:
        while words and (_ASSIGN.match(words[0]) or words[0] in _WRAPPERS):
            words = words[1:]
        if words and not words[0].startswith("#"):
            cleaned.append(words)
    return cleaned


def run_commands(ins: Instruction) -> list[list[str]]:
    """The simple commands a RUN (or ``ONBUILD RUN``) executes, including heredoc bodies fed to a
    shell; exec-form RUN is one command."""
    if ins.json_form:
        return [list(ins.args)] if ins.args else []
    return commands(ins.script)


@dataclass(frozen=True)
class Install:
    """A package-manager install: ``manager`` is the tool (``apt-get``, ``apk``, ``pip`` ...),
    ``packages`` the positional package words (options dropped)."""

    manager: str
    packages: tuple[str, ...]
    words: tuple[str, ...]


_INSTALL_VERBS = {
    "apt-get": ("install",), "apt": ("install",), "aptitude": ("install",),
    "apk": ("add",), "dnf": ("install",), "yum": ("install",), "microdnf": ("install",),
    "zypper": ("install", "in"), "pip": ("install",), "pip3": ("install",),
}


def installs(cmds: list[list[str]]) -> Iterator[Install]:
    """Package installs among ``cmds`` (system package managers and pip)."""
    for words in cmds:
        tool = words[0].rsplit("/", 1)[-1]
        if tool.startswith("python") and words[1:3] == ["-m", "pip"]:
            tool, words = "pip", ["pip", *words[3:]]
        verbs = _INSTALL_VERBS.get(tool)
        if not verbs:
            continue
        rest = words[1:]
        verb_at = next((i for i, w in enumerate(rest) if not w.startswith("-")), None)
        if verb_at is None or rest[verb_at] not in verbs:
            continue
        packages = tuple(w for w in rest[verb_at + 1 :] if not w.startswith("-"))
        yield Install(tool, packages, tuple(words))
