"""Which layer came from which Dockerfile line, and which base layer a head layer replaces (pure).

An image's config history ends with one entry per instruction of the shipped stage's chain that
BuildKit (or the legacy builder) recorded; what precedes them came with ``FROM``. Walking both
lists backwards and pairing equal keywords attributes each entry to its instruction without
relying on which instructions leave history (``ARG`` does not, for example).

Base and head are then matched through their Dockerfiles: a sequence alignment
(``difflib.SequenceMatcher``) over the normalised instructions, so an inserted instruction is
one added row instead of shifting every later pairing, as index pairing does
(container-diff). Within a replaced block, a lone edited instruction pairs with its one
replacement of the same keyword (an edited ``RUN`` is the same step, changed); in a larger block
each base instruction pairs, in order, with the most similar head instruction of its keyword
(``difflib`` ratio of the normalised text at least ``MIN_SIMILARITY``), so a rewritten file does
not pair an ``apt-get`` layer with an unrelated ``pip`` one. The rest are removed or added.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass

from lint.dockerfile import Dockerfile, Instruction
from lint.size.measure import Image

_SPACE = re.compile(r"\s+")
MIN_SIMILARITY = 0.4


@dataclass(frozen=True)
class OwnLayer:
    """An instruction of this Dockerfile and the layer it made (``size`` ``None``: none)."""

    instruction: Instruction
    size: int | None
    diff_id: str | None = None


@dataclass(frozen=True)
class Attributed:
    """An image split into what came with ``FROM`` and this Dockerfile's own entries."""

    base_image: int
    own: tuple[OwnLayer, ...]
    from_text: str
    attributed: bool = True

    @property
    def own_size(self) -> int:
        return sum(o.size or 0 for o in self.own)

    @property
    def total(self) -> int:
        return self.base_image + self.own_size


def attribute(dockerfile: Dockerfile, target: str | None, image: Image) -> Attributed:
    stage = dockerfile.shipped_stage(target)
    chain = dockerfile.chain(stage)
    instructions = [i for i in dockerfile.chain_instructions(stage) if i.keyword != "FROM"]
    from_text = chain[0].from_instruction.original
    history = list(image.history)
    pairs: list[tuple[Instruction, int]] = []
    j = len(history) - 1
    for ins in reversed(instructions):
        if j < 0:
            break
        if history[j].keyword and history[j].keyword == ins.keyword:
            pairs.append((ins, j))
            j -= 1
    if not pairs and instructions and any(i.keyword in ("RUN", "COPY", "ADD")
                                          for i in instructions):
        return Attributed(image.size, (), from_text, attributed=False)
    own_layers: set[int] = set()
    own: list[OwnLayer] = []
    for ins, index in reversed(pairs):
        layer_index = history[index].layer
        if layer_index is None:
            own.append(OwnLayer(ins, None))
        else:
            layer = image.layers[layer_index]
            own_layers.add(layer_index)
            own.append(OwnLayer(ins, layer.size, layer.diff_id))
    base = sum(layer.size for i, layer in enumerate(image.layers) if i not in own_layers)
    return Attributed(base, tuple(own), from_text)


def normalise(ins: Instruction) -> str:
    flags = " ".join(f"--{k}={v}" if v else f"--{k}" for k, v in ins.flags)
    return _SPACE.sub(" ", f"{ins.keyword} {flags} {' '.join(ins.args)}").strip()


def display(ins: Instruction, width: int = 80) -> str:
    """The instruction as one line, cut at ``width`` characters."""
    text = _SPACE.sub(" ", ins.original or normalise(ins)).strip()
    return text if len(text) <= width else text[: width - 1] + "…"


@dataclass(frozen=True)
class Row:
    """One instruction's layer at base and head. ``base``/``head`` are bytes (``None``: the
    instruction is not there, or made no layer there)."""

    keyword: str
    text: str
    head_line: int | None
    base_line: int | None
    base: int | None
    head: int | None
    same_layer: bool = False  # the identical layer (same diff id) on both sides

    @property
    def delta(self) -> int:
        return (self.head or 0) - (self.base or 0)

    @property
    def line(self) -> int:
        return self.head_line if self.head_line is not None else self.base_line or 0

    @property
    def status(self) -> str:
        if self.base_line is None:
            return "added"
        if self.head_line is None:
            return "removed"
        return "changed" if self.delta or not self.same_layer else "same"


@dataclass(frozen=True)
class Alignment:
    base_image: tuple[int | None, int]  # bytes that came with FROM, at base and at head
    from_text: str
    rows: tuple[Row, ...]

    @property
    def own(self) -> tuple[int | None, int]:
        base = sum(r.base or 0 for r in self.rows) if self.base_image[0] is not None else None
        return base, sum(r.head or 0 for r in self.rows)


def _row(b: OwnLayer | None, h: OwnLayer | None) -> Row:
    ins = h.instruction if h is not None else b.instruction  # type: ignore[union-attr]
    return Row(
        keyword=ins.keyword,
        text=display(ins),
        head_line=h.instruction.line if h is not None else None,
        base_line=b.instruction.line if b is not None else None,
        base=b.size if b is not None else None,
        head=h.size if h is not None else None,
        same_layer=b is not None and h is not None and b.diff_id is not None
        and b.diff_id == h.diff_id,
    )


def _similarity(a: OwnLayer, b: OwnLayer) -> float:
    return difflib.SequenceMatcher(None, normalise(a.instruction), normalise(b.instruction),
                                   autojunk=False).ratio()


def _pair_block(base: Sequence[OwnLayer], head: Sequence[OwnLayer]) -> list[Row]:
    rows: list[Row] = []
    used: set[int] = set()
    start = 0
    lone = len(base) == 1 and len(head) == 1
    for b in base:
        candidates = [k for k in range(start, len(head))
                      if k not in used and head[k].instruction.keyword == b.instruction.keyword]
        if lone:
            match = candidates[0] if candidates else None
        else:
            scored = [(score, -k) for k in candidates
                      if (score := _similarity(b, head[k])) >= MIN_SIMILARITY]
            match = -max(scored)[1] if scored else None
        if match is None:
            rows.append(_row(b, None))
            continue
        for k in range(start, match):
            if k not in used:
                rows.append(_row(None, head[k]))
                used.add(k)
        rows.append(_row(b, head[match]))
        used.add(match)
        start = match + 1
    rows += [_row(None, head[k]) for k in range(len(head)) if k not in used]
    return rows


def align(base: Attributed | None, head: Attributed) -> Alignment:
    """Rows for every instruction that made a layer on either side, in head order (a removed
    instruction sits where it was)."""
    if base is None:
        rows = [_row(None, h) for h in head.own]
        return Alignment((None, head.base_image), head.from_text,
                         tuple(r for r in rows if r.head is not None))
    a = [normalise(o.instruction) for o in base.own]
    b = [normalise(o.instruction) for o in head.own]
    rows = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            rows += [_row(base.own[i], head.own[j]) for i, j in zip(range(i1, i2), range(j1, j2),
                                                                    strict=True)]
        else:
            rows += _pair_block(base.own[i1:i2], head.own[j1:j2])
    kept = tuple(r for r in rows if r.base is not None or r.head is not None)
    return Alignment((base.base_image, head.base_image), head.from_text, kept)
