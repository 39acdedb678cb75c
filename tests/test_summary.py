"""The job summary: the comment's report without the marker, capped at 1 MiB of UTF-8."""

from __future__ import annotations

from lint.sinks import comment, summary
from tests.test_comment import CTX, INCOMPLETE, SIZE, check_golden, many, pr_review


def test_golden_summary() -> None:
    check_golden("summary.md", summary.render(pr_review(), CTX, SIZE, "dockerfile-review.sarif"))


def test_summary_has_no_marker() -> None:
    text = summary.render(pr_review(), CTX)
    assert text.startswith("## dockerfile-review\n")
    assert "<!--" not in text


def test_summary_cut_is_measured_in_bytes() -> None:
    # Multi-byte messages: a cap in characters would overshoot in bytes.
    result = many(300, "é" * 100)
    text = summary.render(result, CTX, None, "out.sarif", limit=20_000)
    assert len(text.encode("utf-8")) <= 20_000
    assert len(text) < 20_000 * 0.8
    assert "shortened to fit GitHub's 1 MiB limit; the SARIF file out.sarif has every finding" \
        in text


def test_big_report_fits_under_one_mebibyte() -> None:
    text = summary.render(many(6000, "x" * 150), CTX)
    assert 900_000 < len(text.encode("utf-8")) <= summary.SUMMARY_LIMIT


def test_golden_summary_of_an_incomplete_run() -> None:
    gaps = comment.gaps(INCOMPLETE, [])
    text = summary.render(pr_review(), CTX, SIZE, "", gaps=gaps)
    check_golden("summary_incomplete.md", text)
    cut = summary.render(many(300, "é" * 100), CTX, None, "", limit=20_000, gaps=gaps)
    assert gaps in cut
    assert "limit; the JSON report (the report-json output) has every finding" in cut
