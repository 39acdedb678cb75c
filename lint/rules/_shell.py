"""Shared shell reading for rules: split a RUN script into simple commands.

Not a shell: it splits on ``&&``, ``||``, ``;``, ``|``, ``&`` and newlines with POSIX quoting (via
``shlex``), writes each output redirection as one word ``>path``/``>>path`` (``2> log``,
``&>log`` and ``1>>log`` alike), drops fd duplications (``2>&1``, ``>&2``) and input redirections,
drops leading ``VAR=value`` assignments and wrappers such as ``sudo``/``env``/``time``, and leaves
anything it cannot tokenise as one command of raw words. Good enough to recognise
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
# A redirection operator alone (``2>``, ``>>``, ``<``): its target is the next word, or an fd
# after ``&`` (``2>&1`` lexes as ``2>``, ``&``, ``1``). With the target attached (``>/dev/null``).
_REDIRECT = re.compile(r"^[0-9]*(>>?|<)$")
_REDIRECT_WITH_TARGET = re.compile(r"^[0-9]*(>>?|<)[^<>]")
_BACKGROUND = frozenset({"&"})
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
    return [list(words) for words in _commands(script)]


class Scripts:
    """One file's tokenised scripts. Several rules read the same RUN (and every stage that
    builds on it), so each script is tokenised once per file. Each rule scans every RUN in order,
    so a bounded LRU would miss on every call once a file has more RUNs than it holds: the memo
    is unbounded, and lives exactly as long as the per-file ``RuleContext`` that
    ``engine.analyze`` makes for one file's analysis."""

    def __init__(self) -> None:
        self._memo: dict[str, tuple[tuple[str, ...], ...]] = {}

    def commands(self, script: str) -> list[list[str]]:
        """``commands(script)``, memoised."""
        found = self._memo.get(script)
        if found is None:
            found = self._memo[script] = _commands(script)
        return [list(words) for words in found]

    def run_commands(self, ins: Instruction) -> list[list[str]]:
        """``run_commands(ins)``, memoised."""
        if ins.json_form:
            return [list(ins.args)] if ins.args else []
        return self.commands(ins.script)


def _commands(script: str) -> tuple[tuple[str, ...], ...]:
    script = script.replace("\\\n", " ")
    result: list[list[str]] = []
    current: list[str] = []
    tokens = _tokens(script)
    skip = 0
    for i, token in enumerate(tokens):
        if skip:
            skip -= 1
            continue
        after = tokens[i + 1] if i + 1 < len(tokens) else ""
        if token in _BACKGROUND and after.startswith(">"):  # `&> file` is no background job
            token, after, skip = after, tokens[i + 2] if i + 2 < len(tokens) else "", 1
        if match := _REDIRECT.match(token):
            if after == "&":
                skip += 2  # `>&2`, `2>&1`, `2>&-`
            elif after and after not in _SEPARATORS:
                skip += 1
                if match.group(1) != "<":
                    current.append(match.group(1) + after)
            continue
        if match := _REDIRECT_WITH_TARGET.match(token):
            if match.group(1) != "<":
                current.append(token.lstrip("0123456789"))
            continue
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
    cleaned: list[tuple[str, ...]] = []
    for words in result:
        while words and (_ASSIGN.match(words[0]) or words[0] in _WRAPPERS):
            words = words[1:]
        if words and not words[0].startswith("#"):
            cleaned.append(tuple(words))
    return tuple(cleaned)


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


# Options that take the next word as their value, before or after the verb
# (``apt-get -t bookworm-backports install``, ``apk add --virtual .deps``, ``pip install -r f``).
_APT_VALUES = frozenset({"-t", "--target-release", "--default-release", "-o", "--option", "-c",
                         "--config-file"})
_RPM_VALUES = frozenset({"-c", "--config", "--installroot", "--releasever", "--setopt",
                         "--enablerepo", "--disablerepo", "--repo", "--repoid", "-x", "--exclude"})
_PIP_VALUES = frozenset({"-r", "--requirement", "-c", "--constraint", "-i", "--index-url",
                         "--extra-index-url", "-f", "--find-links", "-t", "--target", "--prefix",
                         "--root", "--platform", "--python-version", "--implementation", "--abi",
                         "--only-binary", "--no-binary", "--proxy", "--log", "--cache-dir",
                         "--trusted-host", "--cert", "--client-cert", "--retries", "--timeout",
                         "--src", "--upgrade-strategy", "--progress-bar", "--python",
                         "--exists-action", "--config-settings", "-C", "--report"})
_VALUE_OPTIONS: dict[str, frozenset[str]] = {
    "apt-get": _APT_VALUES, "apt": _APT_VALUES, "aptitude": _APT_VALUES,
    "apk": frozenset({"-t", "--virtual", "-X", "--repository", "-p", "--root", "--arch",
                      "--cache-dir", "--keys-dir", "--repositories-file"}),
    "dnf": _RPM_VALUES, "yum": _RPM_VALUES, "microdnf": _RPM_VALUES,
    "zypper": frozenset({"-R", "--root", "-r", "--repo", "--from"}),
    "pip": _PIP_VALUES, "pip3": _PIP_VALUES,
}

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
        positional = positionals(words, _VALUE_OPTIONS.get(tool, frozenset()))
        if not positional or positional[0] not in verbs:
            continue
        yield Install(tool, tuple(positional[1:]), tuple(words))


def positionals(words: list[str], with_value: frozenset[str] = frozenset()) -> list[str]:
    """Non-option words after the command name; options in ``with_value`` consume the next
    word (``-o FILE``). Output redirections (``>file``) are not arguments."""
    out: list[str] = []
    skip = False
    for word in words[1:]:
        if skip:
            skip = False
        elif word in with_value:
            skip = True
        elif word.startswith(">"):
            continue
        elif word == "--" or not word.startswith("-"):
            if word != "--":
                out.append(word)
    return out
