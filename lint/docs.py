"""The rules reference, generated from the rule docstrings.

``python -m lint.docs`` rewrites the generated part of ``docs/rules.md`` (between the markers);
``python -m lint.docs --check`` exits 1 when it is stale. ``tests/test_docs.py`` runs the check.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from lint import ruledoc
from lint.rules import BY_CODE

BEGIN = "<!-- BEGIN GENERATED: python -m lint.docs -->"
END = "<!-- END GENERATED -->"
PAGE = Path(__file__).resolve().parent.parent / "docs" / "rules.md"

_SCOPES = {
    "final": "shipped stage",
    "all": "every stage",
    "context": "build context",
    "file": "whole file",
}


def generated() -> str:
    """The generated block: a table of every code of ours, then each one's documentation."""
    lines = [
        BEGIN,
        "",
        "| Code | Name | Default | Severity | Looks at | Summary |",
        "|---|---|---|---|---|---|",
    ]
    codes = [BY_CODE[code] for code in sorted(BY_CODE)]
    for rule in codes:
        lines.append(
            f"| [{rule.CODE}](#{rule.CODE.lower()}) | {rule.NAME} | "
            f"{'on' if getattr(rule, 'ENABLED', True) else 'opt-in'} | {rule.SEVERITY.value} | "
            f"{_SCOPES.get(rule.SCOPE, rule.SCOPE)} | {ruledoc.short_description(rule)} |"
        )
    for rule in codes:
        lines += ["", f"### {rule.CODE}", "", ruledoc.markdown(rule).rstrip()]
    lines += ["", END]
    return "\n".join(lines) + "\n"


def splice(page: str) -> str:
    """``page`` with its generated block replaced (appended when the markers are missing)."""
    if BEGIN in page and END in page:
        head, rest = page.split(BEGIN, 1)
        tail = rest.split(END, 1)[1].lstrip("\n")
        return head + generated() + ("\n" + tail if tail else "")
    return page.rstrip("\n") + "\n\n" + generated()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lint.docs")
    parser.add_argument("--check", action="store_true", help="exit 1 if docs/rules.md is stale")
    parser.add_argument("--page", type=Path, default=PAGE)
    args = parser.parse_args(argv)
    current = args.page.read_text(encoding="utf-8") if args.page.exists() else "# Rules\n"
    wanted = splice(current)
    if args.check:
        if wanted != current:
            print(f"{args.page} is stale: run python -m lint.docs", file=sys.stderr)
            return 1
        return 0
    args.page.write_text(wanted, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
