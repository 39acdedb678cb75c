"""Alignment through the Dockerfile (no engine): history entries to instructions, and base to
head pairs that survive an inserted instruction and a rewritten file."""

from __future__ import annotations

from lint.dockerfile import parse
from lint.size.align import Attributed, OwnLayer, align, attribute
from lint.size.measure import HistoryEntry, Image, Layer, keyword_of


def attributed(text: str, sizes: dict[int, int], base_image: int = 1000) -> Attributed:
    """Every non-FROM instruction of the last stage, sized by line (``None`` when not given)."""
    dockerfile = parse("Dockerfile", text.encode())
    own = tuple(OwnLayer(i, sizes.get(i.line), f"sha256:{i.line}-{sizes.get(i.line)}")
                for i in dockerfile.stages[-1].body)
    return Attributed(base_image, own, dockerfile.stages[-1].from_instruction.original)


def rows(base: Attributed | None, head: Attributed) -> list[tuple[int, str, int | None,
                                                                   int | None]]:
    return [(r.line, r.status, r.base, r.head) for r in align(base, head).rows]


def test_inserted_instruction_does_not_shift_later_pairs() -> None:
    base = attributed("FROM x\nRUN a\nCOPY . /app\nRUN c\n", {2: 10, 3: 20, 4: 30})
    head = attributed("FROM x\nRUN a\nRUN b\nCOPY . /app\nRUN c\n", {2: 10, 3: 5, 4: 20, 5: 30})
    # Index pairing would compare RUN b with COPY and COPY with RUN c.
    assert rows(base, head) == [(2, "same", 10, 10), (3, "added", None, 5),
                                (4, "changed", 20, 20), (5, "changed", 30, 30)]


def test_a_lone_edit_is_the_same_step_changed() -> None:
    base = attributed("FROM x\nRUN apt-get install -y curl\n", {2: 100})
    head = attributed("FROM x\nRUN pip install flask\n", {2: 70})
    assert rows(base, head) == [(2, "changed", 100, 70)]


def test_rewritten_block_pairs_by_similarity() -> None:
    base = attributed("FROM x\nRUN apt-get update && apt-get install -y build-essential\n"
                      "COPY . .\nRUN pip install -r requirements.txt\nRUN chown -R nobody /app\n",
                      {2: 400, 3: 2, 4: 5, 5: 2})
    head = attributed("FROM x\nCOPY --from=build /wheels /wheels\n"
                      "RUN pip install --no-cache-dir --no-index /wheels/* && rm -rf /wheels\n"
                      "COPY app.py .\n", {2: 1, 3: 5, 4: 1})
    # apt-get is not the pip step (similarity below MIN_SIMILARITY): removed, not "changed".
    # Pairs keep the order of both files, so COPY . . pairs with COPY app.py . and the pip
    # steps, which swapped places with it, are one removed and one added.
    pairs = {(r.base_line, r.head_line) for r in align(base, head).rows}
    assert pairs == {(2, None), (3, 4), (4, None), (5, None), (None, 2), (None, 3)}


def test_sizes_only_keeps_layers() -> None:
    head = attributed("FROM x\nENV A=1\nRUN a\n", {3: 7})
    assert rows(None, head) == [(3, "added", None, 7)]
    assert align(None, head).base_image == (None, 1000)


def test_attribute_walks_history_backwards() -> None:
    dockerfile = parse("Dockerfile", b"FROM x\nARG V\nENV A=1\nRUN a\nCOPY f /f\nUSER 1\n")
    layers = (Layer("sha256:os", 5000), Layer("sha256:run", 300), Layer("sha256:copy", 40))
    history = (HistoryEntry("", 0), HistoryEntry("CMD", None), HistoryEntry("ENV", None),
               HistoryEntry("RUN", 1), HistoryEntry("COPY", 2), HistoryEntry("USER", None))
    result = attribute(dockerfile, None, Image(layers, history))
    assert result.base_image == 5000 and result.own_size == 340 and result.total == 5340
    assert [(o.instruction.line, o.size) for o in result.own] == [
        (3, None), (4, 300), (5, 40), (6, None)]


def test_keyword_of_never_needs_the_text() -> None:
    assert keyword_of("RUN |1 TOKEN=secret /bin/sh -c make") == "RUN"
    assert keyword_of("COPY file:abc in /app # buildkit") == "COPY"
    assert keyword_of("/bin/sh -c #(nop)  ENV A=1") == "ENV"
    assert keyword_of("/bin/sh -c apt-get update") == "RUN"
    assert keyword_of("|2 A=1 B=2 /bin/sh -c make") == "RUN"
    assert keyword_of("") == ""
