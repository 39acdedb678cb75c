"""Every shape of the corpus (``tests/fuzz/corpus/``, see ``tests/fuzz/corpus.py``) replayed
through the pure core as ``lint.run`` calls it: the guard, the parser, every DC rule and the
heredoc rewrite, with the exact outcome each spec records."""

from __future__ import annotations

import pytest

from lint import engine, heredoc
from lint.dockerfile import DockerfileError
from lint.rules import RuleContext
from tests.fuzz.corpus import Case, cases

CASES = cases()


def replay(case: Case) -> tuple[str, str | None, list[list[object]]]:
    refused = engine.guard("Dockerfile", case.data, len(case.data))
    if refused is not None:
        return "refused", None, [[refused.code, refused.line]]
    parsed = engine.parse_or_error("Dockerfile", case.data)
    if isinstance(parsed, DockerfileError):
        finding = engine.unparsable("Dockerfile", parsed)
        return "error", parsed.kind, [[finding.code, finding.line]]
    found = engine.analyze(parsed, RuleContext())
    rewritten = heredoc.for_hadolint(parsed)
    if rewritten is not None:
        assert len(rewritten[1]) == rewritten[0].count("\n") + 1
    return "parsed", None, sorted([f.code, f.line] for f in found)


def test_the_corpus_is_small_and_not_empty() -> None:
    assert len(CASES) >= 10
    from tests.fuzz.corpus import CORPUS
    assert all(p.stat().st_size < 4096 for p in CORPUS.glob("*.json"))


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_corpus_case(case: Case) -> None:
    outcome, kind, found = replay(case)
    assert outcome == case.expect["outcome"]
    assert kind == case.expect.get("kind")
    assert found == sorted(case.expect["findings"])
