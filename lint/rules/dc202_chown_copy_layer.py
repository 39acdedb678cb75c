"""DC202 chown-copy-layer: a RUN chown/chmod rewrites files an earlier COPY created.

## What it does
Reports a ``RUN chown`` or ``RUN chmod`` (recursive or not, paths resolved against ``WORKDIR``
and ``cd``) whose target was created by an earlier ``COPY``/``ADD`` of the same stage or of a
stage it inherits from through ``FROM <earlier-stage>``. Directories the RUN makes itself
(``mkdir -p /app/data && chown app /app/data``, their parents and children) are not
reported, nor are files the same RUN deletes afterwards (``chmod +x setup/run.sh &&
setup/run.sh && rm -rf setup``): their rewritten copy never reaches a layer.

## Why is this bad?
A layer stores every file whose content *or metadata* changed. Changing the owner or mode of a
copied file therefore stores the whole file a second time: ``COPY . /app`` followed by
``RUN chown -R app /app`` ships the application twice, and the copy in the earlier layer can
never be removed.

## Example
```dockerfile
FROM python:3.12-slim
WORKDIR /app
COPY . .
RUN chown -R 10001 /app && chmod +x entrypoint.sh
USER 10001
CMD ["python", "-m", "app"]
```

## Use instead
```dockerfile
FROM python:3.12-slim
WORKDIR /app
COPY --chmod=755 . .
RUN mkdir -p /app/data && chown 10001 /app/data
USER 10001
CMD ["python", "-m", "app"]
```
Set ownership and mode in the ``COPY`` itself (``--chown=<uid>``, ``--chmod``) when the runtime
user must own the files (data, caches); code the application only reads needs no chown at all
(see DC104).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Iterator

from lint.dockerfile import Dockerfile
from lint.finding import Severity
from lint.rules._base import Hit, RuleContext, shipped
from lint.rules._kind import ships
from lint.rules._paths import (
    copy_destination,
    copy_parts,
    inside,
    overlaps,
    parts,
    resolve,
    shell_steps,
    walk_stages,
)
from lint.rules._shell import positionals

CODE = "DC202"
NAME = "chown-copy-layer"
SEVERITY = Severity.WARNING
MESSAGE = (
    "`{command}` on {path} rewrites files the COPY/ADD on line {origin} created, so every one "
    "is stored again in a new layer: leave code the app only reads owned by root, or set "
    "--chown/--chmod in that COPY"
)
SCOPE = "all"
TAGS = ("size", "layers")
SECURITY_SEVERITY: str | None = None
PRECISION = "medium"  # measured: 81% (docs/precision.md)
#: Opt-in: below the precision gate on the judged corpus (docs/precision.md).
ENABLED = False


def check(dockerfile: Dockerfile, context: RuleContext) -> Iterator[Hit]:
    if not ships(dockerfile, shipped(dockerfile, context)):
        return
    # Per stage, what the COPYs and mkdirs of its chain made, carried over from the parent
    # stage: each instruction is read once.
    for _stage, (copies, made), steps in walk_stages(
            dockerfile, lambda: (_Copies(), _Made()), lambda s: (s[0].copy(), s[1].copy())):
        for ins, cwd in steps:
            if ins.keyword in ("COPY", "ADD") and (found := copy_parts(ins)):
                for path, is_dir, line in created(found[0], found[1],
                                                  copy_destination(dockerfile, ins, cwd),
                                                  ins.line):
                    copies.add(path, is_dir, line)
            if ins.keyword != "RUN":
                continue
            hit = None
            for words, here in shell_steps(dockerfile, ins, cwd, context.scripts):
                if words[0] == "mkdir":
                    for p in positionals(words, frozenset({"-m"})):
                        made.add(resolve(p, here))
                if words[0] in ("chown", "chmod") and hit is None:
                    hit = _touches(words, here, copies, made)
                elif words[0] == "rm" and hit is not None:
                    # Deleted in the same RUN: the rewritten copy never reaches a layer.
                    gone = [resolve(p, here) for p in positionals(words)]
                    if any(inside(str(hit["path"]), g) for g in gone):
                        hit = None
            if hit:
                origin = hit["origin"]
                yield Hit(ins.line, ins.end_line, args=hit,
                          related=(origin,) if isinstance(origin, int) else ())


def _touches(words: list[str], cwd: str, copies: _Copies, made: _Made) -> dict[str, object] | None:
    opts = [w for w in words[1:] if w.startswith("-") and not w[1:2].isdigit()]
    recursive = "--recursive" in opts or any(o[1:2] != "-" and "R" in o for o in opts)
    args = [w for w in words[1:] if w not in opts]
    targets = args if any(o.startswith("--reference") for o in opts) else args[1:]
    command = words[0] + (" -R" if recursive else "")
    for target in (resolve(t, cwd) for t in targets):
        line = copies.latest(target, recursive, made)
        if line is not None:
            return {"command": command, "path": target, "origin": line}
    return None


_GLOB = re.compile(r"[*?[]")


def _key(path: str) -> tuple[str, ...]:
    return tuple(parts(path))


class _Made:
    """Directories RUNs created with ``mkdir``, in order; literal ones also as sets of their
    paths and of their strict prefixes, so that a literal question needs no scan."""

    def __init__(self) -> None:
        self.all: list[str] = []
        #: literal path -> the ways it was written (``~/x`` and ``/~/x`` compare alike)
        self.paths: dict[tuple[str, ...], frozenset[str]] = {}
        self.strict: set[tuple[str, ...]] = set()  # every strict prefix of a literal path
        self.globs: list[str] = []

    def copy(self) -> _Made:
        new = _Made()
        new.all, new.globs = list(self.all), list(self.globs)
        new.paths, new.strict = dict(self.paths), set(self.strict)
        return new

    def add(self, path: str) -> None:
        self.all.append(path)
        if _GLOB.search(path):
            self.globs.append(path)
            return
        key = _key(path)
        self.paths[key] = self.paths.get(key, frozenset()) | {path}
        self.strict.update(key[:k] for k in range(len(key)))

    def new_dir(self, dest: str, target: str) -> bool:
        """Is a directory a RUN made strictly below ``dest`` inside ``target`` or ``target``
        inside it? (``dest`` and ``target`` literal, ``target`` inside ``dest``.)"""
        if any(inside(m, dest) and m != dest and overlaps(m, target) for m in self.globs):
            return True
        d, t = _key(dest), _key(target)
        if any(m != dest for m in self.paths.get(d, ())):
            return True  # the same directory written another way: not ``dest`` as a string
        if any(t[:k] in self.paths for k in range(len(d) + 1, len(t) + 1)):
            return True  # made between dest and target (target included)
        # Made below target (strictly below dest: target is dest or below it).
        return t in self.strict


class _Copies:
    """What earlier COPY/ADDs created, in order (an entry's place in that order is its
    rank: the latest match wins). Literal destinations are indexed by path (for a target
    inside them) and by every prefix (for a recursive target above them); destinations with
    glob characters, and glob targets, are compared one by one as before."""

    def __init__(self) -> None:
        self.entries: list[tuple[str, bool, int]] = []
        #: literal destination -> (destination as written, latest rank, latest non-tree rank)
        #: for each way it was written (tuples, so that a copy of the dict is one C call)
        self.at: dict[tuple[str, ...], tuple[tuple[str, int, int], ...]] = {}
        #: prefix -> latest rank of a literal destination at or below it
        self.below: dict[tuple[str, ...], int] = {}
        self.globs: list[int] = []

    def copy(self) -> _Copies:
        new = _Copies()
        new.entries, new.below, new.globs = list(self.entries), dict(self.below), list(self.globs)
        new.at = dict(self.at)
        return new

    def add(self, path: str, is_dir: bool, line: int) -> None:
        rank = len(self.entries)
        self.entries.append((path, is_dir, line))
        if _GLOB.search(path):
            self.globs.append(rank)
            return
        key = _key(path)
        others = tuple(w for w in self.at.get(key, ()) if w[0] != path)
        files = next((w[2] for w in self.at.get(key, ()) if w[0] == path), -1)
        self.at[key] = (*others, (path, rank, files if is_dir else rank))
        for k in range(len(key) + 1):
            self.below[key[:k]] = rank

    def latest(self, target: str, recursive: bool, made: _Made) -> int | None:
        """The line of the latest COPY whose files a chown/chmod of ``target`` rewrites."""
        if _GLOB.search(target):
            ranks: Iterable[int] = range(len(self.entries))
        else:
            ranks = self.globs
        best = -1
        for rank in ranks:  # one by one, as ``_match`` says
            if rank > best and self._match(rank, target, recursive, made):
                best = rank
        if not _GLOB.search(target):
            key = _key(target)
            if recursive:
                best = max(best, self.below.get(key, -1))
            for k in range(len(key) + 1):
                for dest, rank, files in self.at.get(key[:k], ()):
                    rank = files if dest == target else rank
                    if rank > best and not made.new_dir(dest, target):
                        best = rank
        return self.entries[best][2] if best >= 0 else None

    def _match(self, rank: int, target: str, recursive: bool, made: _Made) -> bool:
        dest, is_dir, _ = self.entries[rank]
        new_dir = any(inside(m, dest) and m != dest and overlaps(m, target)
                      for m in made.all)
        covers = recursive and inside(dest, target)
        within = inside(target, dest) and not new_dir and (target != dest or not is_dir)
        return covers or within


def created(sources: list[str], dest: str, path: str, line: int) -> list[tuple[str, bool, int]]:
    """What a COPY/ADD creates: ``(path, is a directory tree, line)`` per source. A source that
    looks like a file (``app.py``, ``*.sh``, ``.env``) copied into a directory lands under its
    name; a single source copied to a path that does not end in ``/`` is that path."""
    into_dir = dest.endswith("/") or dest in (".", "..") or len(sources) > 1
    out = []
    for source in sources:
        name = posixpath.basename(source.rstrip("/"))
        is_dir = source.endswith("/") or name in ("", ".", "..")
        if into_dir and not is_dir and "." in name:
            out.append((posixpath.join(path, name), False, line))
        else:
            out.append((path, is_dir or into_dir, line))
    return out
