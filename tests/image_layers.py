"""The action image's own part (its layers above the base), pinned so it cannot grow unnoticed.

The numbers are the ones measured and explained in docs/action-image.md, in bytes as the 20.10
engine's ``docker history --human=false`` reports them (uncompressed). A layer may grow by 5%
(or shrink by 10%: then the measurement and the doc are stale) before the tests fail. Two layers
follow the sources instead of a fixed number: ``entrypoint.py`` is copied as it is (its layer
is exactly the file's size), and the project layer (lint/ installed, with its bytecode and
metadata) is pinned as a multiple of the size of lint/'s sources, so new code does not trip
it but anything else that lands there (tests, caches, a second copy) does.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GROWTH = 1.05
SHRINK = 0.90


@dataclass(frozen=True)
class Layer:
    instruction: str  # the keyword `docker history` shows
    what: str
    size: int  # bytes measured; for the project layer, bytes per byte of lint/'s sources × 10⁶


def source_bytes() -> int:
    """lint/'s files as the build context has them (.dockerignore drops bytecode)."""
    return sum(p.stat().st_size for p in (ROOT / "lint").rglob("*")
               if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc")


def own_layers(docker: str, image: str, base: str) -> list[tuple[str, int]]:
    """(instruction keyword, bytes) of each layer above ``base``, lowest first. Only the keyword
    of each history entry is kept: the rest can hold build-argument values."""
    def history(ref: str) -> list[tuple[str, int]]:
        out = subprocess.run([docker, "history", "--no-trunc", "--human=false", "--format",
                              "{{.Size}}\t{{.CreatedBy}}", ref], capture_output=True, text=True,
                             timeout=60, check=True).stdout
        rows = []
        for line in out.splitlines():
            size, _, created_by = line.partition("\t")
            rows.append((created_by.split(" ", 1)[0], int(size)))
        return rows[::-1]
    return history(image)[len(history(base)):]


def check(found: list[tuple[str, int]], expected: tuple[Layer, ...]) -> int:
    """Assert each layer against its pin; returns the own part's bytes."""
    assert [kw for kw, _ in found] == [layer.instruction for layer in expected]
    for (_, size), layer in zip(found, expected, strict=True):
        if layer.what == "entrypoint.py":
            want = (ROOT / "entrypoint.py").stat().st_size
            assert size == want, f"{layer.what}: {size} bytes, the file has {want}"
            continue
        pinned = (layer.size * source_bytes() // 10**6 if layer.what == "project"
                  else layer.size)
        low, high = int(pinned * SHRINK), int(pinned * GROWTH)
        assert low <= size <= high, (
            f"{layer.instruction} layer ({layer.what}): {size} bytes, pinned at {pinned} "
            f"(allowed {low}..{high}); measure again and update docs/action-image.md")
    return sum(size for _, size in found)
