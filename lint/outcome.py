"""What a run leaves behind, decided by pure functions: the report files and their names, the
step outputs, whether the sticky comment has news, and the exit code.

Exit codes: 0 clean; 1 counted findings at or above the failure threshold, or an image size
budget exceeded; 2 the tool itself failed (an error the report lists). ``no-fail`` (the input
or the configuration's ``no-fail``) keeps findings and budgets from failing the step; a tool
failure still exits 2.

A failed or incomplete run writes no SARIF (``withheld``): code scanning closes every alert
that an uploaded SARIF file lacks, so a report missing the findings of a file hadolint could
not lint, or of a run that failed, would close alerts that still stand. The step's
``sarif-file`` output is then empty (the README's upload step is skipped), a SARIF file an
earlier run left at the path is removed, and the comment and the job summary say which files
were not fully linted and why.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from lint.finding import Severity, reaches
from lint.review import Review
from lint.run import could_not_lint
from lint.sinks import annotations as annotations_sink
from lint.sinks import comment, jsonout, sarif, summary, text
from lint.sinks import size as size_sink
from lint.size.report import SizeReport

SARIF_DEFAULT = "dockerfile-review.sarif"
COMMENT_FILE = "dockerfile-review-comment.md"
REPORT_FILE = "dockerfile-review-report.json"
SIZE_FILE = "dockerfile-review-size.json"


@dataclass(frozen=True)
class Artefact:
    """A report file: its workspace-relative ``path``, its ``text``, and the step ``output``
    that names it (``None``: none does)."""

    output: str | None
    path: str
    text: str


def sarif_path(fmt: str, output_file: str) -> str:
    """SARIF is always written: to ``output-file`` when the format is ``sarif``, else to the
    default name beside the other format's file."""
    return output_file if fmt == "sarif" else SARIF_DEFAULT


def other_path(fmt: str, output_file: str) -> str | None:
    """The file of a non-SARIF ``format``; the default name is kept for SARIF."""
    if fmt == "sarif":
        return None
    if output_file == SARIF_DEFAULT:
        return "dockerfile-review.json" if fmt == "json" else "dockerfile-review.txt"
    return output_file


def withheld(errors: Sequence[str], incomplete: Mapping[str, str]) -> bool:
    """Must the SARIF file be withheld? Yes when the run failed (``errors``: exit code 2) or
    a file was not fully linted (``incomplete``)."""
    return bool(errors or incomplete)


def artefacts(fmt: str, output_file: str, *, sarif: str | None, other: str, comment: str,
              report: str, size: str | None) -> list[Artefact]:
    """The report files in the order they are written; SARIF, when not withheld (``None``),
    last, so that a run that fails on the way leaves none."""
    out: list[Artefact] = []
    other_file = other_path(fmt, output_file)
    if other_file is not None:
        out.append(Artefact(None, other_file, other))
    out += [Artefact("comment-file", COMMENT_FILE, comment),
            Artefact("report-json", REPORT_FILE, report)]
    if size is not None:
        out.append(Artefact("size-report", SIZE_FILE, size))
    if sarif is not None:
        out.append(Artefact("sarif-file", sarif_path(fmt, output_file), sarif))
    return out


@dataclass(frozen=True)
class Rendered:
    """Everything the report says, rendered: the files, the job summary, the annotations and
    the comment body. ``stale``: the SARIF path to clear when the SARIF is withheld."""

    files: list[Artefact]
    summary: str
    annotations: list[str]
    comment: str
    stale: str | None = None


def render(review: Review, size: SizeReport | None, texts: Mapping[str, str],
           ctx: comment.Context, marker_key: str, fmt: str, output_file: str,
           errors: Sequence[str] = (), incomplete: Mapping[str, str] | None = None) -> Rendered:
    """Render the review and the size report for every sink. ``texts``: each Dockerfile's
    text (SARIF regions); ``errors`` and ``incomplete``: what failed and which files were not
    fully linted (then no SARIF, and the comment and summary say why)."""
    incomplete = incomplete or {}
    findings = list(review.findings)
    size_md = size_sink.markdown(size) if size is not None else None
    hold = withheld(errors, incomplete)
    # A file's hadolint failure is both an error and an incomplete file: say it once.
    said = {could_not_lint(path) for path in incomplete}
    gaps = comment.gaps(incomplete, [e for e in errors if e not in said]) if hold else None
    body = comment.render(review, ctx, marker_key, size_md, gaps=gaps)
    other = jsonout.render(findings) if fmt == "json" else text.render(findings)
    log = None if hold else sarif.dumps(sarif.render(findings, texts))
    files = artefacts(fmt, output_file, sarif=log, other=other, comment=body,
                      report=jsonout.report(review, size),
                      size=jsonout.size_report(size) if size is not None else None)
    where = "" if hold else sarif_path(fmt, output_file)
    return Rendered(files, summary.render(review, ctx, size_md, where, gaps=gaps),
                    annotations_sink.render(list(review.counted)), body,
                    sarif_path(fmt, output_file) if hold else None)


def threshold(failure_threshold: Severity | None, no_fail: bool) -> Severity | None:
    """The lowest severity that fails the step (``None``: nothing does)."""
    return None if no_fail else failure_threshold


def has_news(review: Review, size: SizeReport | None, withheld: bool = False) -> bool:
    """Is there anything the sticky comment must say (a new or fixed finding, a size change
    or an exceeded budget, a run that was incomplete)? Without news, ``comment: on-change``
    leaves the PR alone."""
    size_news = size is not None and (bool(size.delta_bytes) or size.failed)
    return bool(review.new or review.fixed or size_news or withheld)


def step_outputs(review: Review, written: Mapping[str, str], comment_url: str,
                 size: SizeReport | None) -> dict[str, str]:
    values = {**written, "findings": str(len(review.findings)),
              "new-findings": str(len(review.new)), "comment-url": comment_url}
    if size is not None:
        values["size-delta-bytes"] = str(size.delta_bytes)
    return values


def exit_code(errors: Sequence[str], review: Review, limit: Severity | None,
              size: SizeReport | None, no_fail: bool) -> int:
    if errors:
        return 2
    if no_fail:
        return 0
    failing = any(reaches(f.severity, limit) for f in review.counted)
    return 1 if failing or (size is not None and size.failed) else 0


__all__ = [
    "COMMENT_FILE",
    "REPORT_FILE",
    "SARIF_DEFAULT",
    "SIZE_FILE",
    "Artefact",
    "Rendered",
    "artefacts",
    "exit_code",
    "has_news",
    "other_path",
    "render",
    "sarif_path",
    "step_outputs",
    "threshold",
    "withheld",
]
