"""Wasted bytes: files a later layer deletes or overwrites (pure; what dive calls wasted space).

Layers only add. A file removed by a later layer (a whiteout, or an opaque directory) or
replaced by a later layer (same path, written again: ``RUN chown -R`` copies every file it
touches) still costs its bytes in the layer that first held it, and every pull downloads them.
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from lint.size.measure import Layer

TOP = 5
#: Our rules whose findings explain waste: a chown layer (DC202), a cleanup in a later layer
#: (DC204).
WASTE_CODES = ("DC202", "DC204")


@dataclass(frozen=True)
class Offender:
    """Bytes that layer ``created`` holds and layer ``removed`` deletes or overwrites."""

    created: int
    removed: int
    kind: str  # "deleted" or "overwritten"
    bytes: int
    files: int
    largest: str  # path of the largest such file


@dataclass(frozen=True)
class Waste:
    bytes: int
    offenders: tuple[Offender, ...]  # largest first, at most TOP


def analyse(layers: Sequence[Layer], top: int = TOP) -> Waste:
    present: dict[str, tuple[int, int]] = {}  # path -> (size, layer index)
    dirs: dict[str, set[str]] = {}  # directory -> paths below it (any depth) that are present
    groups: dict[tuple[int, int, str], list[tuple[int, str]]] = {}

    def lose(path: str, by: int, kind: str) -> None:
        size, created = present.pop(path)
        for parent in _parents(path):
            dirs.get(parent, set()).discard(path)
        if size:
            groups.setdefault((created, by, kind), []).append((size, path))

    def lose_below(directory: str, by: int) -> None:
        for path in sorted(dirs.get(directory, set())):
            lose(path, by, "deleted")

    for index, layer in enumerate(layers):
        for directory in layer.opaque:
            lose_below(directory, index)
        for path in layer.deleted:
            if path in present:
                lose(path, index, "deleted")
            lose_below(path, index)
        for path, size in layer.files:
            if path in present:
                lose(path, index, "overwritten")
            present[path] = (size, index)
            for parent in _parents(path):
                dirs.setdefault(parent, set()).add(path)
    offenders = []
    for (created, removed, kind), files in groups.items():
        size, largest = max(files)
        offenders.append(Offender(created, removed, kind, sum(s for s, _ in files), len(files),
                                  largest))
    offenders.sort(key=lambda o: (-o.bytes, o.created, o.removed, o.kind))
    return Waste(sum(o.bytes for o in offenders), tuple(offenders[:top]))


def _parents(path: str) -> list[str]:
    out = []
    parent = posixpath.dirname(path)
    while parent:
        out.append(parent)
        parent = posixpath.dirname(parent)
    return out


def explained_by(offender: Offender, lines: Mapping[int, int],
                 findings: Mapping[int, Sequence[str]]) -> list[str]:
    """Codes of DC202/DC204 findings on the line of the layer that deletes or overwrites
    (``lines`` maps layer index to Dockerfile line; ``findings`` line to codes)."""
    line = lines.get(offender.removed)
    if line is None:
        return []
    return [c for c in findings.get(line, ()) if c in WASTE_CODES]
