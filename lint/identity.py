"""Which instruction of one version of a Dockerfile is which instruction of another (pure).

A pull request edits instructions: it bumps a tag, adds a package to an ``apt-get install``
list, changes ``as`` to ``AS``. A finding on such an instruction is not new: the same problem
sits at the corresponding place. ``align`` pairs the instructions of the base and the head
through the diff of their normalised text (keyword case and white space never matter), and
within a changed block pairs instructions of the same keyword in order, so an edited RUN still
corresponds to the RUN it was. ``stage_key`` names a stage by its place in the shipped chain
(``chain:0`` is the stage that ships, ``chain:1`` its parent ...), else by its name or index,
never by the text of its ``FROM`` line; ``instruction_keys`` names an instruction by its stage,
its keyword and its ordinal among the stage's instructions of that keyword. The review matches
findings through ``align``; SARIF fingerprints (``lint.fingerprint``) use ``instruction_keys``,
so an edit that does not touch a problem keeps its code-scanning alert open.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from lint.dockerfile import Dockerfile, Instruction, Stage

_WS = re.compile(r"\s+")
_AS = re.compile(r"\s+as\s+", re.IGNORECASE)


def normal(ins: Instruction) -> str:
    """The instruction's text with keyword case and white space normalised (``as`` in FROM
    too), what two versions are compared by."""
    body = _WS.sub(" ", ins.original).strip()
    rest = body[len(ins.keyword):] if body.upper().startswith(ins.keyword.upper()) else body
    if ins.keyword == "FROM":
        rest = _AS.sub(" AS ", rest)
    return f"{ins.keyword.upper()}{rest}"


#: How alike two versions of one instruction must be (difflib's ratio over their normalised
#: text) to count as the same instruction edited, when the diff alone does not pair them.
SIMILAR = 0.5
#: Beyond this many unpaired instructions only identical ones are paired (bounded cost).
MAX_FUZZY = 300


def _similarity(a: str, b: str) -> float:
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    return matcher.ratio() if matcher.quick_ratio() >= SIMILAR else 0.0


def _family(keyword: str) -> str:
    """COPY and ADD put files in place alike: an ADD turned into a COPY is the same step."""
    upper = keyword.upper()
    return "COPY" if upper == "ADD" else upper


def _stage_keys(dockerfile: Dockerfile, target: str | None) -> list[str]:
    keys = [stage_key(dockerfile, st, target) for st in dockerfile.stages]
    return [keys[i.stage] if 0 <= i.stage < len(keys) else "global"
            for i in dockerfile.instructions]


def align(base: Dockerfile, head: Dockerfile, target: str | None = None) -> dict[int, int]:
    """Head instruction line -> the corresponding base instruction line, for every head
    instruction that has one. First the diff of the normalised texts (unchanged instructions,
    in order); then, in a changed block, each head instruction is paired with the most alike
    base instruction of the same keyword in that block (an edited RUN is the RUN it was, a new
    one is new); last, instructions that moved (reordered lines, a block moved into a new
    stage) are paired with an identical or alike unpaired instruction anywhere."""
    old, new = base.instructions, head.instructions
    texts_old, texts_new = [normal(i) for i in old], [normal(i) for i in new]
    # Among alike candidates, one in the same stage (by its identity) is preferred.
    stages_old, stages_new = _stage_keys(base, target), _stage_keys(head, target)
    matcher = SequenceMatcher(None, texts_old, texts_new, autojunk=False)
    out: dict[int, int] = {}
    used: set[int] = set()

    def pair(head_ids: range | list[int], base_ids: range | list[int], fuzzy: bool) -> None:
        """Pair the most alike first (identical, then by similarity), each at most once."""
        scored: list[tuple[float, int, int]] = []
        for j in head_ids:
            if new[j].line in out:
                continue
            for i in base_ids:
                if i in used or _family(old[i].keyword) != _family(new[j].keyword):
                    continue
                bonus = 0.25 if stages_old[i] == stages_new[j] else 0.0
                if texts_old[i] == texts_new[j]:
                    scored.append((1.0 + bonus, j, i))
                elif fuzzy:
                    ratio = _similarity(texts_old[i], texts_new[j])
                    if ratio >= SIMILAR:
                        scored.append((ratio + bonus, j, i))
        # Most alike first; among equals, the closest in order.
        for _score, j, i in sorted(scored, key=lambda t: (-t[0], abs(t[1] - t[2]), t[1])):
            if new[j].line not in out and i not in used:
                used.add(i)
                out[new[j].line] = old[i].line

    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for i, j in zip(range(i1, i2), range(j1, j2), strict=True):
                used.add(i)
                out[new[j].line] = old[i].line
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "replace":
            pair(range(j1, j2), range(i1, i2), fuzzy=True)
    rest_new = [j for j in range(len(new)) if new[j].line not in out]
    rest_old = [i for i in range(len(old)) if i not in used]
    pair(rest_new, rest_old, fuzzy=len(rest_new) * len(rest_old) <= MAX_FUZZY * MAX_FUZZY // 10)
    return out


def folded(base: Dockerfile, head: Dockerfile, aligned: dict[int, int]) -> dict[int, int]:
    """Base instruction line -> head instruction line, for each base instruction the head no
    longer has (``aligned`` did not pair it) whose text now sits inside a neighbour: the
    nearest paired instruction of the same keyword and stage, before or after it in the base
    (over unpaired ones), whose head version holds its whole text. ``RUN apt-get update``
    followed by ``RUN apt-get install -y gcc`` folded into ``RUN apt-get update && apt-get
    install -y gcc`` is that instruction, even when another stage's RUN holds the same
    words."""
    old = base.instructions
    paired = {b: h for h, b in aligned.items()}
    out: dict[int, int] = {}
    for n, ins in enumerate(old):
        if ins.line in paired or ins.stage < 0:
            continue
        body = normal(ins)[len(ins.keyword):].strip()
        if not body:
            continue
        for step in (1, -1):
            k = n + step
            while 0 <= k < len(old) and old[k].stage == ins.stage \
                    and _family(old[k].keyword) == _family(ins.keyword) \
                    and old[k].line not in paired:
                k += step
            if not (0 <= k < len(old)) or old[k].stage != ins.stage \
                    or _family(old[k].keyword) != _family(ins.keyword):
                continue
            into = head.instruction_at(paired[old[k].line])
            if into is not None and body in normal(into):
                out[ins.line] = into.line
                break
    return out


def stage_key(dockerfile: Dockerfile, stage: Stage, target: str | None) -> str:
    """A stage's identity across versions: its place in the shipped chain, else its name,
    else its index."""
    # Memoised per shipped stage: asking for every stage walks the chain once, not per stage.
    distance = dockerfile.chain_position(stage, dockerfile.shipped_stage(target))
    if distance is not None:
        return f"chain:{distance}"
    if stage.name:
        return f"name:{stage.name.lower()}"
    return f"index:{stage.index}"


def instruction_keys(dockerfile: Dockerfile, target: str | None) -> dict[int, str]:
    """Each instruction's identity across versions without the diff, by its first line: its
    stage, keyword and ordinal among that stage's instructions of the keyword (ARGs before the
    first FROM: stage ``global``)."""
    out: dict[int, str] = {}
    groups = [("global", dockerfile.global_args)]
    groups += [(stage_key(dockerfile, st, target), st.instructions) for st in dockerfile.stages]
    for where, instructions in groups:
        seen: dict[str, int] = {}
        for ins in instructions:
            keyword = ins.keyword.upper()
            out[ins.line] = f"{where}/{keyword}#{seen.get(keyword, 0)}"
            seen[keyword] = seen.get(keyword, 0) + 1
    return out


__all__ = ["align", "folded", "instruction_keys", "normal", "stage_key"]
