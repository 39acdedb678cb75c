"""The sticky pull-request comment (pure): markdown from a ``Review`` and the size section.

Layout: hidden marker, one-line verdict, a table of the Dockerfiles this change touched
(new / fixed / total), the new findings with links to their exact lines at ``GITHUB_SHA``,
collapsed details for the existing and fixed ones, the size section when there is one, and a
footer. Everything taken from Dockerfiles or file names goes through ``neutralize``.

GitHub rejects a comment body over 65,536 characters (422), so ``render`` degrades gracefully:
first the collapsed details go, then the list of new findings is cut at an item boundary, then
the table and size section, each time with a pointer to the job summary (which holds the same
report, capped at 1 MiB: see ``summary``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from lint.catalog import help_uri
from lint.finding import Finding, Severity, reaches
from lint.review import FileReport, Review
from lint.sinks import neutralize

COMMENT_LIMIT = 65_536
MAX_TABLE_ROWS = 100
MARKER_PREFIX = "dockerfile-review:"
_CODE = re.compile(r"^(DL|SC|DC)[0-9]+$")


@dataclass(frozen=True)
class Context:
    """Where links point and how the report ends. ``run_url``: the workflow run (its job
    summary); ``base_sha``: for links to fixed findings; ``threshold``: the failure threshold
    (``None``: nothing fails)."""

    server_url: str
    repository: str
    sha: str
    run_url: str = ""
    base_sha: str | None = None
    threshold: Severity | None = Severity.WARNING
    title: str = "dockerfile-review"


def marker(key: str) -> str:
    """The hidden marker that identifies our comment for one workflow, job and key."""
    return f"<!-- {MARKER_PREFIX}{neutralize.marker_key(key)} -->"


def fails(finding: Finding, threshold: Severity | None) -> bool:
    return reaches(finding.severity, threshold)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _by_severity(findings: Sequence[Finding]) -> str:
    parts = [f"{sum(1 for f in findings if f.severity is s)} {s.value}" for s in Severity
             if any(f.severity is s for f in findings)]
    return ", ".join(parts)


def verdict(review: Review, ctx: Context) -> str:
    """The one-line verdict that opens the comment."""
    failing = [f for f in review.counted if fails(f, ctx.threshold)]
    new, fixed, total = review.new, review.fixed, len(review.findings)
    title = f"**{ctx.title}**"
    at = f"at or above {ctx.threshold.value}" if ctx.threshold else ""
    if not review.compared:
        counts = _by_severity(review.findings)
        if failing:
            return f"❌ {title}: {_plural(len(failing), 'finding')} {at} ({counts})."
        if total:
            return f"✅ {title}: {_plural(total, 'finding')}, none failing ({counts})."
        return f"✅ {title}: no findings."
    fixed_note = f", {len(fixed)} fixed" if fixed else ""
    if failing:
        # The count is the table's New column; how many of them fail follows.
        return (f"❌ {title}: {_plural(len(new), 'new finding')}, {len(failing)} {at} "
                f"({_by_severity(failing)}){fixed_note}.")
    if new:
        return (f"⚠️ {title}: {_plural(len(new), 'new finding')}, none that fails this check"
                f"{fixed_note}.")
    if fixed and total == 0:
        return f"🎉 {title}: everything fixed ({_plural(len(fixed), 'finding')} fixed, none left)."
    if fixed:
        return f"✅ {title}: no new findings, {len(fixed)} fixed ({total} remaining)."
    if total:
        return f"✅ {title}: no new findings ({total} existing)."
    return f"✅ {title}: no findings."


# -- pieces ----------------------------------------------------------------------------------

def _code_link(code: str) -> str:
    if not _CODE.match(code):
        return neutralize.inline(code)
    if code.startswith("DC"):
        return f"[**{code}**]({help_uri(code)})"
    return f"[{code}]({help_uri(code)})"


def _blob(ctx: Context, sha: str, path: str, start: int | None = None,
          end: int | None = None) -> str:
    url = f"{ctx.server_url}/{ctx.repository}/blob/{sha}/{neutralize.url_path(path)}"
    return url if start is None else f"{url}#L{start}-L{end or start}"


def _item(f: Finding, ctx: Context, sha: str, path: str | None = None) -> str:
    where = path or f.path
    lines = f"L{f.line}" if f.end_line == f.line else f"L{f.line}-L{f.end_line}"
    label = f"{neutralize.inline(where)}:{lines}"
    link = f"[{label}]({_blob(ctx, sha, where, f.line, f.end_line)})" if sha else label
    return f"- {link} {_code_link(f.code)} *{f.severity.value}*: {neutralize.inline(f.message)}"


def _table(files: Sequence[FileReport], ctx: Context, rows: int) -> list[str]:
    out = ["| Dockerfile | New | Fixed | Total |", "| --- | ---: | ---: | ---: |"]
    for r in files[:rows]:
        name = neutralize.inline(r.path)
        if r.reason != "removed" and ctx.sha:
            name = f"[{name}]({_blob(ctx, ctx.sha, r.path)})"
        note = {"removed": f" (removed with {_plural(len(r.gone), 'finding')})",
                "dockerignore": " (.dockerignore changed)",
                "config": " (configuration changed)"}.get(r.reason, "")
        if r.previous:
            note = f" (renamed from {neutralize.inline(r.previous)})"
        out.append(f"| {name}{note} | {len(r.new)} | {len(r.fixed)} | {r.total} |")
    if len(files) > rows:
        out.append(f"| … {_plural(len(files) - rows, 'more file')} | | | |")
    return out


def _details(summary: str, items: list[str]) -> list[str]:
    return ["<details>", f"<summary>{summary}</summary>", "", *items, "", "</details>"]


@dataclass(frozen=True)
class _Budget:
    new: int | None = None  # how many new findings to list (None: all)
    details: bool = True
    table_rows: int = MAX_TABLE_ROWS
    size: bool = True


def gaps(incomplete: Mapping[str, str], errors: Sequence[str]) -> str:
    """Why this run wrote no SARIF: each file not fully linted with its reason, and each
    error of the run. Never cut from the report."""
    items = [f"- {neutralize.inline(path)}: {neutralize.message(why)}"
             for path, why in sorted(incomplete.items())]
    items += [f"- {neutralize.message(error)}" for error in errors]
    return "\n".join([
        "⚠️ **Incomplete run: no SARIF file was written**, so code scanning keeps its alerts "
        "(it closes every alert an uploaded file lacks).",
        "",
        *items,
    ])


def _compose(review: Review, ctx: Context, size: str | None, head: str, budget: _Budget,
             pointer: str, gaps: str | None = None) -> str:
    touched = [r for r in review.files if r.reason != "unchanged"]
    others = [r for r in review.files if r.reason == "unchanged"]
    line = verdict(review, ctx)
    if gaps and line.startswith(("✅", "🎉")):  # not all clear: some files were not linted
        line = "⚠️" + line[1:]
    parts: list[str] = [head, line, ""] if head else [line, ""]
    if gaps:
        parts += [gaps, ""]
    if touched:
        parts += [*_table(touched, ctx, budget.table_rows), ""]
    if others:
        existing = sum(r.total for r in others)
        parts += [f"{_plural(len(others), 'other Dockerfile')} not touched by this change: "
                  f"{_plural(existing, 'existing finding')}.", ""]
    new = review.new
    cut = False
    if new:
        shown = new if budget.new is None else new[: budget.new]
        cut = len(shown) < len(new)
        heading = "New findings" if review.compared else "Findings"
        parts += [f"**{heading}**", "", *(_item(f, ctx, ctx.sha) for f in shown)]
        if cut:
            parts.append(f"- … {_plural(len(new) - len(shown), 'more finding')} not shown")
        parts.append("")
    if budget.details:
        existing_items = [_item(f, ctx, ctx.sha) for f in review.existing]
        if existing_items:
            parts += [*_details(f"Existing findings ({len(existing_items)})", existing_items), ""]
        fixed_items = [
            _item(f, ctx, ctx.base_sha or "", r.previous or r.path)
            for r in review.files for f in r.fixed
        ]
        if fixed_items:
            parts += [*_details(f"Fixed findings ({len(fixed_items)})", fixed_items), ""]
    elif review.existing or review.fixed:
        cut = True
    if size and budget.size:
        parts += [size.strip(), ""]
    elif size:
        cut = True
    if cut or len(touched) > budget.table_rows:
        parts += [pointer, ""]
    for note in review.notes:
        parts.append(f"> {neutralize.message(note)}")
    if review.notes:
        parts.append("")
    mode = f"filter-mode `{review.filter_mode}`" if review.compared else "no base to compare"
    footer = f"<sub>{ctx.title} · {mode}"
    if ctx.run_url:
        footer += f" · [workflow run]({ctx.run_url})"
    parts.append(footer + "</sub>")
    return "\n".join(parts) + "\n"


def render_capped(review: Review, ctx: Context, size: str | None, *, head: str, limit: int,
                  measure: Callable[[str], int], pointer: str, gaps: str | None = None) -> str:
    """The report, degraded step by step until ``measure(text) <= limit``."""
    budgets = [_Budget(), _Budget(details=False)]
    for budget in budgets:
        text = _compose(review, ctx, size, head, budget, pointer, gaps)
        if measure(text) <= limit:
            return text
    # Cut the list of new findings: the largest count that fits (binary search).
    lo, hi = 0, len(review.new)
    best = None
    while lo <= hi:
        mid = (lo + hi) // 2
        text = _compose(review, ctx, size, head, _Budget(new=mid, details=False), pointer,
                        gaps)
        if measure(text) <= limit:
            best, lo = text, mid + 1
        else:
            hi = mid - 1
    if best is not None:
        return best
    for budget in (_Budget(new=0, details=False, table_rows=10),
                   _Budget(new=0, details=False, table_rows=0, size=False)):
        text = _compose(review, ctx, size, head, budget, pointer, gaps)
        if measure(text) <= limit:
            return text
    middle = f"{gaps}\n\n" if gaps else ""
    bare = (f"{head}\n{verdict(review, ctx)}\n\n{middle}{pointer}\n" if head
            else f"{middle}{pointer}\n")
    return bare if measure(bare) <= limit else head + "\n"


def render(review: Review, ctx: Context, key: str, size: str | None = None,
           limit: int = COMMENT_LIMIT, gaps: str | None = None) -> str:
    """The comment body, at most ``limit`` characters. ``gaps``: the section saying why no
    SARIF was written (see ``gaps``)."""
    link = f"[job summary]({ctx.run_url})" if ctx.run_url else "job summary"
    where = "the JSON report" if gaps else "the SARIF file"
    pointer = (f"*This comment is shortened to fit GitHub's limit; the {link} has the full "
               f"report and {where} has every finding.*")
    return render_capped(review, ctx, size, head=marker(key), limit=limit, measure=len,
                         pointer=pointer, gaps=gaps)


__all__ = ["COMMENT_LIMIT", "Context", "fails", "gaps", "marker", "render", "render_capped",
           "verdict"]
