"""``.dockerignore`` evaluated the way BuildKit evaluates it (moby/patternmatcher).

* One pattern per line; ``#`` lines are comments; blank lines are skipped; ``!`` re-includes.
* Patterns are cleaned like Go's ``filepath.Clean`` and a leading ``/`` is dropped: they are
  always relative to the context root, so ``*.pyc`` matches ``x.pyc`` but not ``app/x.pyc``
  (that needs ``**/*.pyc``).
* ``*`` and ``?`` do not cross ``/``; ``**`` crosses any number of directories.
* A pattern that matches a parent directory matches everything below it.
* The last matching pattern wins.
See https://docs.docker.com/build/concepts/context/#dockerignore-files.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Pattern:
    text: str
    exclusion: bool
    regex: re.Pattern[str]


def _compile(pattern: str) -> re.Pattern[str]:
    out = "^"
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "*":
            if pattern.startswith("**", i):
                i += 2
                if pattern.startswith("/", i):
                    out += "(.*/)?"
                    i += 1
                else:
                    out += ".*"
                continue
            out += "[^/]*"
        elif ch == "?":
            out += "[^/]"
        elif ch == "[":
            end = pattern.find("]", i + 1)
            if end == -1:
                out += re.escape(ch)
            else:
                body = pattern[i + 1 : end].replace("\\", "\\\\")
                if body.startswith("^") or body.startswith("!"):
                    body = "^" + body[1:]
                out += f"[{body}]"
                i = end
        elif ch == "\\" and i + 1 < len(pattern):
            i += 1
            out += re.escape(pattern[i])
        else:
            out += re.escape(ch)
        i += 1
    return re.compile(out + "$")


def parse(text: str) -> list[Pattern]:
    patterns = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        exclusion = line.startswith("!")
        if exclusion:
            line = line[1:].strip()
        if not line:
            continue
        cleaned = posixpath.normpath(line)
        if cleaned.startswith("/") and len(cleaned) > 1:
            cleaned = cleaned.lstrip("/")
        if cleaned == ".":
            continue
        patterns.append(Pattern(line, exclusion, _compile(cleaned)))
    return patterns


def excluded(path: str, patterns: list[Pattern]) -> bool:
    """Is ``path`` (relative to the context, POSIX) left out of the build context?"""
    path = posixpath.normpath(path).lstrip("/")
    parts = path.split("/")
    matched = False
    for pattern in patterns:
        hit = bool(pattern.regex.match(path)) or any(
            # A pattern matching a parent directory covers the file (moby's parentPathDirs).
            pattern.regex.match("/".join(parts[:k])) for k in range(1, len(parts))
        )
        if hit:
            matched = not pattern.exclusion
    return matched
