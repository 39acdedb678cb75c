"""The documentation is the docstrings: they have the documented shape, their examples are
right, and docs/rules.md is generated from them."""

from __future__ import annotations

from pathlib import Path

import pytest

from lint import context as context_io
from lint import docs, ruledoc
from lint.dockerfile import parse
from lint.engine import analyze
from lint.finding import Finding, Severity
from lint.rules import BY_CODE, RULES, Code, Rule


def _lint_example(rule: Rule, text: str, where: Path) -> set[str]:
    """Run our rules over a docstring example. Lines ``# .dockerignore: PATTERN`` in the
    example become the build context's ``.dockerignore``."""
    where.mkdir(parents=True, exist_ok=True)
    ignore = [ln.split(":", 1)[1].strip() for ln in text.splitlines()
              if ln.startswith("# .dockerignore:")]
    if ignore:
        (where / ".dockerignore").write_text("\n".join(ignore) + "\n", encoding="utf-8")
    dockerfile = where / "Dockerfile"
    dockerfile.write_text(text, encoding="utf-8")
    ctx = context_io.load(dockerfile)
    return {f.code for f in analyze(parse("Dockerfile", text.encode()), ctx, rules=[rule])}


@pytest.mark.parametrize("rule", list(BY_CODE.values()), ids=lambda r: r.CODE)
def test_docstring_has_the_documented_shape(rule: Code) -> None:
    assert ruledoc.short_description(rule)
    assert set(ruledoc.sections(rule)) == set(ruledoc.SECTIONS)
    assert "TODO" not in (rule.__doc__ or ""), f"{rule.CODE} is still a stub"


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.CODE)
def test_example_fires_and_use_instead_does_not(rule: Rule, tmp_path: Path) -> None:
    bad, good = ruledoc.examples(rule)
    assert rule.CODE in _lint_example(rule, bad, tmp_path / "example")
    assert rule.CODE not in _lint_example(rule, good, tmp_path / "use-instead")


def test_rules_page_is_current() -> None:
    page = docs.PAGE.read_text(encoding="utf-8")
    assert docs.splice(page) == page, "docs/rules.md is stale: run python -m lint.docs"


def test_sarif_help_is_the_same_text() -> None:
    page = docs.PAGE.read_text(encoding="utf-8")
    for rule in BY_CODE.values():
        assert ruledoc.markdown(rule).rstrip() in page


def test_every_dc_finding_links_to_its_anchor_at_this_release() -> None:
    from lint import __version__, catalog
    from lint.sinks import annotations as annotations_sink
    from lint.sinks import sarif, text

    page = docs.PAGE.read_text(encoding="utf-8")
    anchors = {line[4:].strip().lower() for line in page.splitlines() if line.startswith("### ")}
    for code in BY_CODE:
        uri = catalog.help_uri(code)
        assert uri.startswith("https://github.com/") and f"/blob/v{__version__}/" in uri
        assert uri.endswith(f"docs/rules.md#{code.lower()}") and code.lower() in anchors
        finding = Finding("Dockerfile", 1, code, Severity.INFO, "m", "dockerfile-review")
        assert text.render([finding]).rstrip().endswith(f"({uri})")
        assert annotations_sink.annotation(finding).endswith(f"({uri})")
        rules = sarif.render([finding], {})["runs"][0]["tool"]["driver"]["rules"]  # type: ignore[index]
        assert rules[0]["helpUri"] == uri
