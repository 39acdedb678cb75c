"""The job summary (pure): the comment's report, without the marker, capped at 1 MiB.

GitHub keeps at most 1 MiB of ``$GITHUB_STEP_SUMMARY`` per step; over that, the summary is
dropped with an error. The cut is the comment's graceful one, measured in UTF-8 bytes.
See https://docs.github.com/en/actions/writing-workflows/choosing-what-your-workflow-does/workflow-commands-for-github-actions#adding-a-job-summary.
"""

from __future__ import annotations

from lint.review import Review
from lint.sinks.comment import Context, render_capped
from lint.sinks.neutralize import inline

SUMMARY_LIMIT = 1024 * 1024


def render(review: Review, ctx: Context, size: str | None = None, sarif_file: str = "",
           limit: int = SUMMARY_LIMIT, gaps: str | None = None) -> str:
    """The job summary, at most ``limit`` bytes of UTF-8. ``gaps``: why no SARIF was written
    (``comment.gaps``); the pointer then names the JSON report."""
    where = f"the SARIF file {inline(sarif_file)}" if sarif_file else "the SARIF file"
    if gaps:
        where = "the JSON report (the report-json output)"
    pointer = f"*This summary is shortened to fit GitHub's 1 MiB limit; {where} has every finding.*"
    return render_capped(review, ctx, size, head=f"## {ctx.title}", limit=limit,
                         measure=lambda s: len(s.encode("utf-8")), pointer=pointer, gaps=gaps)


__all__ = ["SUMMARY_LIMIT", "render"]
