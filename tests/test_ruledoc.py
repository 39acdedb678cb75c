"""lint.ruledoc: a rule docstring read as its four sections."""

from __future__ import annotations

import types

import pytest

from lint import ruledoc
from lint.rules import RULES
from lint.rules._base import Rule

DOC = '''DC999 demo-rule: a demo rule fires.

## What it does
Finds ``demo``.

## Why is this bad?
Demos are bad.
Really.

## Example
```dockerfile
FROM alpine:3.20
RUN demo
```

## Use instead
```dockerfile
FROM alpine:3.20
```
Or nothing at all.
'''


def _rule(doc: str | None, code: str = "DC999", name: str = "demo-rule") -> Rule:
    module = types.ModuleType(f"demo_{code}", doc)
    module.CODE = code  # type: ignore[attr-defined]
    module.NAME = name  # type: ignore[attr-defined]
    return module


def test_sections_exact() -> None:
    assert ruledoc.sections(_rule(DOC)) == {
        "What it does": "Finds ``demo``.",
        "Why is this bad?": "Demos are bad.\nReally.",
        "Example": "```dockerfile\nFROM alpine:3.20\nRUN demo\n```",
        "Use instead": "```dockerfile\nFROM alpine:3.20\n```\nOr nothing at all.",
    }


def test_examples_are_the_dockerfile_blocks() -> None:
    assert ruledoc.examples(_rule(DOC)) == ("FROM alpine:3.20\nRUN demo\n", "FROM alpine:3.20\n")


def test_short_description() -> None:
    assert ruledoc.short_description(_rule(DOC)) == "a demo rule fires."


def test_markdown_exact() -> None:
    assert ruledoc.markdown(_rule(DOC)) == (
        "**DC999 demo-rule**: a demo rule fires.\n\n"
        "## What it does\nFinds ``demo``.\n\n"
        "## Why is this bad?\nDemos are bad.\nReally.\n\n"
        "## Example\n```dockerfile\nFROM alpine:3.20\nRUN demo\n```\n\n"
        "## Use instead\n```dockerfile\nFROM alpine:3.20\n```\nOr nothing at all.\n"
    )


def test_indented_docstring_is_dedented() -> None:
    indented = DOC.replace("\n", "\n    ")
    assert ruledoc.sections(_rule(indented)) == ruledoc.sections(_rule(DOC))


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        (None, "must start with 'DC999 demo-rule:'"),
        (DOC.replace("DC999 demo-rule:", "DC998 demo-rule:"), "must start with"),
        (DOC.replace("## Why is this bad?", "## Why"), "lacks section(s) Why is this bad?"),
        (
            DOC.replace("```dockerfile\nFROM alpine:3.20\n```", "FROM alpine:3.20"),
            "'Use instead' has no",
        ),
    ],
)
def test_malformed_docstrings_name_the_problem(doc: str | None, message: str) -> None:
    rule = _rule(doc)
    with pytest.raises(ruledoc.RuleDocError, match="DC999") as info:
        ruledoc.short_description(rule)
        ruledoc.examples(rule)
    assert message in str(info.value)


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.CODE)
def test_every_registered_rule_has_readable_docs(rule: Rule) -> None:
    assert ruledoc.short_description(rule)
    assert list(ruledoc.sections(rule)) == list(ruledoc.SECTIONS)
    bad, good = ruledoc.examples(rule)
    assert "FROM" in bad
    assert "FROM" in good
    assert ruledoc.markdown(rule).startswith(f"**{rule.CODE} {rule.NAME}**: ")
