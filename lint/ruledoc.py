"""A rule module's docstring, read as its documentation.

The docstring's shape (STYLE.md, after ruff's rule docs)::

    DC101 missing-user: one-line summary.

    ## What it does
    ...
    ## Why is this bad?
    ...
    ## Example
    ```dockerfile
    ...
    ```
    ## Use instead
    ```dockerfile
    ...
    ```

The same text feeds SARIF ``help.markdown``, the rules page and the PR comment, so it is read
at run time, never copied. Pure functions over the rule module.
"""

from __future__ import annotations

import inspect
import re

from lint.rules._base import Code as Rule

SECTIONS = ("What it does", "Why is this bad?", "Example", "Use instead")

_HEADING = re.compile(r"^## (.+?)\s*$", re.MULTILINE)
_DOCKERFILE_BLOCK = re.compile(r"^```dockerfile[ \t]*\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)


class RuleDocError(ValueError):
    """A rule's docstring does not have the documented shape."""


def _doc(rule: Rule) -> str:
    # inspect.cleandoc strips the indentation a docstring may carry and trailing blank lines.
    return inspect.cleandoc(rule.__doc__ or "")


def short_description(rule: Rule) -> str:
    """The docstring's first line without its ``DCxxx name: `` prefix."""
    first = _doc(rule).split("\n", 1)[0].strip()
    prefix = f"{rule.CODE} {rule.NAME}:"
    if not first.startswith(prefix):
        raise RuleDocError(f"{rule.CODE}: docstring must start with {prefix!r}, got {first!r}")
    return first[len(prefix) :].strip()


def sections(rule: Rule) -> dict[str, str]:
    """The four sections, keyed by heading, each stripped of surrounding blank lines."""
    doc = _doc(rule)
    headings = list(_HEADING.finditer(doc))
    found: dict[str, str] = {}
    for i, match in enumerate(headings):
        end = headings[i + 1].start() if i + 1 < len(headings) else len(doc)
        found[match.group(1)] = doc[match.end() : end].strip("\n").rstrip()
    missing = [name for name in SECTIONS if name not in found]
    if missing:
        raise RuleDocError(f"{rule.CODE}: docstring lacks section(s) {', '.join(missing)}")
    return {name: found[name] for name in SECTIONS}


def _first_block(rule: Rule, section: str, text: str) -> str:
    match = _DOCKERFILE_BLOCK.search(text)
    if match is None:
        raise RuleDocError(f"{rule.CODE}: section {section!r} has no ```dockerfile block")
    return match.group(1)


def examples(rule: Rule) -> tuple[str, str]:
    """The Dockerfile code of Example (should fire) and Use instead (should not)."""
    parts = sections(rule)
    return (
        _first_block(rule, "Example", parts["Example"]),
        _first_block(rule, "Use instead", parts["Use instead"]),
    )


def markdown(rule: Rule) -> str:
    """The full help text: a title line, then the four sections as in the docstring."""
    parts = sections(rule)
    body = "\n\n".join(f"## {name}\n{parts[name]}" for name in SECTIONS)
    return f"**{rule.CODE} {rule.NAME}**: {short_description(rule)}\n\n{body}\n"
