"""User path globs (``include``/``exclude`` inputs and options) with ``.gitignore``'s semantics,
by pathspec's ``GitIgnoreSpec`` (https://git-scm.com/docs/gitignore#_pattern_format), the
well-kept implementation black, yamllint and many linters use:

* ``*`` and ``?`` do not cross ``/``; ``**`` crosses any number of directories; ``[...]`` is a
  character class; ``\\`` escapes;
* a pattern without a slash (other than a trailing one) matches a name in any directory;
* a pattern matching a directory matches everything below it;
* ``!pattern`` re-includes, the last matching pattern wins;
* matching is case-sensitive, as git's on Linux.

A leading ``./`` is dropped (``./docker/Dockerfile`` means ``docker/Dockerfile``). The build
context's ``.dockerignore`` has BuildKit's own semantics and its own module
(``lint.dockerignore``); image references are not paths (DC301 matches them with ``fnmatch``).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pathspec


def _clean(pattern: str) -> str:
    text = pattern.strip()
    negated = text.startswith("!")
    body = text[1:] if negated else text
    while body.startswith("./"):
        body = body[2:]
    return ("!" if negated else "") + body


@lru_cache(maxsize=256)
def compile_globs(patterns: tuple[str, ...]) -> pathspec.GitIgnoreSpec:
    import pathspec  # imported on first use: a run without patterns does not pay for it

    return pathspec.GitIgnoreSpec.from_lines([_clean(p) for p in patterns if p.strip()])


def matches(path: str, patterns: Iterable[str]) -> bool:
    """Does the repository-relative POSIX ``path`` match ``patterns`` (last match wins)?"""
    wanted = tuple(patterns)
    return bool(wanted) and compile_globs(wanted).match_file(path)


__all__ = ["compile_globs", "matches"]
