#!/usr/bin/env python3
"""The GitHub Action's composition root: settings -> plan -> lint head (and base) -> size
step -> sinks -> exit code.

Exit codes: 0 clean; 1 counted new findings at or above the failure threshold, or an image
size budget exceeded; 2 the tool itself failed. The SARIF file is written first and always;
the job summary, the JSON report and ``comment-file`` are written whatever GitHub answers, so a
403 (fork PRs) or a 5xx never loses the report. The token never reaches a log line or a file.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from lint import config as config_mod
from lint import review as review_mod
from lint.config import Config, ConfigError
from lint.discovery import discover
from lint.finding import Finding, Severity
from lint.github import base, changes, event, outputs
from lint.github.settings import Settings, SettingsError
from lint.run import LintOptions, LintResult, lint_files
from lint.sinks import comment, neutralize, summary
from lint.sinks import size as size_sink

COMMENT_FILE = "dockerfile-review-comment.md"
REPORT_FILE = "dockerfile-review-report.json"
SARIF_FALLBACK = "dockerfile-review.sarif"


class Log:
    """Workflow-command logging with the token scrubbed from every line."""

    def __init__(self, token: str = "") -> None:
        self._token = token

    def _out(self, text: str) -> None:
        if self._token:
            text = text.replace(self._token, "***")
        sys.stdout.write(text + "\n")
        sys.stdout.flush()

    def command(self, name: str, message: str) -> None:
        from lint.sinks.annotations import command

        self._out(command(name, message))

    def info(self, message: str) -> None:
        self._out(message)

    def lines(self, lines: list[str]) -> None:
        for line in lines:
            self._out(line)


@contextlib.contextmanager
def _cwd(path: Path) -> Iterator[None]:
    # hadolint reads .hadolint.yaml from its working directory: the workspace.
    before = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


def _payload(path: Path | None) -> dict[str, Any]:
    if path is None:
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _lint_head(
    s: Settings, env: Mapping[str, str]
) -> tuple[LintResult, list[str], LintOptions, Config]:
    overrides = s.overrides()
    cfg = config_mod.load(s.workspace, env, overrides)
    found = discover(list(s.dockerfile) or ["."], s.workspace, s.include, s.exclude,
                     recursive=s.recursive)
    options = LintOptions(overrides=overrides, target=s.target, pin_exempt=s.pin_exempt,
                          hadolint_all_stages=s.hadolint_all_stages)
    with _cwd(s.workspace):
        result = lint_files(found.files, cfg, options)
    return result, found.errors + result.errors, options, cfg


def _base_view(s: Settings, plan: event.Plan) -> tuple[changes.BaseView | None, list[str]]:
    """The changed files and the base versions: git first, the REST API second."""
    if not (plan.compares and plan.base_sha):
        return None, []
    from lint.github.api import Client

    def client() -> Client:
        return Client(s.token.reveal(), s.api_url, s.repository)

    try:
        view = changes.open_base(s.workspace, plan.base_sha, fetch=s.fetch_base,
                                 pr_number=plan.pr_number, api=client)
    except Exception as exc:  # GitHubError, GitError: degrade to "no base"
        return None, [f"could not read the base: {exc}"]
    if view is None:
        return None, ["no base to compare with: every finding counts"]
    return view, list(view.notes)


def _review(s: Settings, head: LintResult, options: LintOptions, env: Mapping[str, str],
            view: changes.BaseView | None, notes: list[str],
            extra: list[Finding]) -> review_mod.Review:
    """Compare with the base when there is one; else every finding is new and counts."""
    if view is None:
        return review_mod.review(head.findings, head.dockerfiles, affected=None, base={}, lines={},
                              always_new=extra, notes=notes)
    where = base.Where(s.workspace, s.overrides(), options, env, _repo_path(s, s.config),
                          s.include, s.exclude)
    return base.against_base(view, head, where, s.filter_mode, extra=extra, notes=notes)


def _repo_path(s: Settings, config: str | None) -> str | None:
    if not config:
        return None
    path = Path(config)
    if path.is_absolute():
        try:
            return path.resolve().relative_to(s.workspace.resolve()).as_posix()
        except ValueError:
            return None
    return path.as_posix()


def _size(s: Settings, plan: event.Plan, env: Mapping[str, str], head: LintResult,
          changed: list[str] | None, log: Log) -> Any:
    """The size step (``lint.size``), when enabled and present; ``None`` otherwise."""
    if not s.size:
        return None
    try:
        size_mod: Any = importlib.import_module("lint.size")
    except ImportError:
        log.command("notice", "size analysis is not available in this build")
        return None
    settings = size_mod.SizeSettings.from_env(env)
    return size_mod.run_step(settings, workspace=s.workspace, event_name=plan.event,
                             base_sha=plan.base_sha if plan.build_allowed else None,
                             head_sha=plan.head_sha, changed=changed,
                             dockerfiles=head.dockerfiles)


def run(env: Mapping[str, str]) -> int:
    log = Log()
    try:
        s = Settings.from_env(env)
    except SettingsError as exc:
        log.command("error", str(exc))
        return 2
    log = Log(s.token.reveal())
    plan = event.plan(s.event_name, _payload(s.event_path), s.sha)
    if plan.kind == "skip":
        log.command("notice", plan.notice or "nothing to do")
        return 0
    try:
        head, errors, options, cfg = _lint_head(s, env)
    except ConfigError as exc:
        log.command("error", f"configuration: {exc}")
        return 2
    view, notes = _base_view(s, plan)
    changed = None
    if view is not None:
        changed = sorted({c.path for c in view.changes}
                         | {c.previous for c in view.changes if c.previous})
    size_report = None
    try:
        size_report = _size(s, plan, env, head, changed, log)
    except Exception as exc:  # the size step must never cost the lint report
        errors.append(f"size step failed: {exc}")
    extra = list(getattr(size_report, "findings", []) or [])
    review = _review(s, head, options, env, view, notes, extra)
    threshold = None if cfg.no_fail else cfg.failure_threshold
    return _report(s, plan, head, review, size_report, errors, log, threshold)


def _report(s: Settings, plan: event.Plan, head: LintResult, review: review_mod.Review,
            size_report: Any, errors: list[str], log: Log, threshold: Severity | None) -> int:
    from lint.sinks import annotations, sarif

    findings = [f.with_(message=neutralize.redact(f.message)) for f in review.findings]
    texts = {p: d.text for p, d in head.dockerfiles.items()}
    written: dict[str, str] = {}
    # 1. SARIF, always first.
    sarif_text = sarif.dumps(sarif.render(findings, texts))
    sarif_name = s.output_file if s.format == "sarif" else SARIF_FALLBACK
    try:
        outputs.write_file(s.workspace, sarif_name, sarif_text)
        written["sarif-file"] = sarif_name
        if s.format != "sarif":
            from lint.sinks import jsonout, text

            body = jsonout.render(findings) if s.format == "json" else text.render(findings)
            other = s.output_file
            if other == SARIF_FALLBACK:  # the default name: keep the SARIF file apart
                other = "dockerfile-review.json" if s.format == "json" else "dockerfile-review.txt"
            outputs.write_file(s.workspace, other, body)
    except outputs.OutputError as exc:
        errors.append(str(exc))
    # 2. The report for people: summary, comment file, JSON.
    run_url = (f"{s.server_url}/{s.repository}/actions/runs/{s.run_id}"
               if s.repository and s.run_id else "")
    ctx = comment.Context(s.server_url, s.repository, s.sha, run_url, plan.base_sha, threshold)
    size_md = size_sink.markdown(size_report) if size_report is not None else None
    body = comment.render(review, ctx, s.comment_marker_key(), size_md)
    try:
        outputs.write_summary(s.step_summary, summary.render(review, ctx, size_md, sarif_name))
    except outputs.OutputError as exc:
        errors.append(str(exc))
    for name, relative, content in (
        ("comment-file", COMMENT_FILE, body),
        ("report-json", REPORT_FILE, _report_json(review, size_report)),
    ):
        try:
            outputs.write_file(s.workspace, relative, content)
            written[name] = relative
        except outputs.OutputError as exc:
            errors.append(str(exc))
    # 3. Annotations for the findings that count.
    if s.annotations:
        counted = [f.with_(message=neutralize.redact(f.message)) for f in review.counted]
        log.lines(annotations.render(counted))
    # 4. The sticky comment.
    comment_url = ""
    if plan.pr_number is not None and s.comment != "never":
        size_news = bool(getattr(size_report, "delta_bytes", 0)) or bool(
            getattr(size_report, "failed", False))
        clean = not review.new and not review.fixed and not size_news
        comment_url = _post(s, plan.pr_number, body, clean, log)
    # 5. Outputs and the exit code.
    values = {
        **written,
        "findings": str(len(review.findings)),
        "new-findings": str(len(review.new)),
        "comment-url": comment_url,
    }
    if size_report is not None:
        values["size-delta-bytes"] = str(int(getattr(size_report, "delta_bytes", 0)))
        if True:
            try:
                outputs.write_file(s.workspace, "dockerfile-review-size.json",
                                   json.dumps(size_sink.to_json(size_report), indent=2) + "\n")
                values["size-report"] = "dockerfile-review-size.json"
            except outputs.OutputError as exc:
                errors.append(str(exc))
    try:
        outputs.write_outputs(s.output, values)
    except outputs.OutputError as exc:
        errors.append(str(exc))
    for note in review.notes:
        log.info(f"note: {note}")
    for error in errors:
        log.command("error", error)
    if errors:
        return 2
    failing = [f for f in review.counted if comment.fails(f, threshold)]
    if s.no_fail:
        return 0
    return 1 if failing or bool(getattr(size_report, "failed", False)) else 0


def _post(s: Settings, number: int, body: str, clean: bool, log: Log) -> str:
    """Create or update the sticky comment; GitHub saying no is a warning, never a failure."""
    from lint.github.api import Client, GitHubError

    if not s.token:
        log.command("warning", "no github-token: the comment was not posted; the report is in the "
                    f"job summary and in {COMMENT_FILE} (the comment-file output)")
        return ""
    try:
        client = Client(s.token.reveal(), s.api_url, s.repository)
        result = client.upsert_comment(number, body, comment.marker(s.comment_marker_key()),
                                       s.comment_author, mode=s.comment, clean=clean)
    except GitHubError as exc:
        if exc.status == 403:
            log.command("warning", "the token may not comment on this pull request (read-only "
                        "token, e.g. a fork PR): the report is in the job summary and in "
                        f"{COMMENT_FILE} (the comment-file output)")
        else:
            log.command("warning", f"could not write the pull-request comment: {exc}")
        return ""
    except Exception as exc:  # e.g. an unusable GITHUB_API_URL: still never lose the report
        reason = str(exc) or exc.__class__.__name__
        log.command("warning", f"could not write the pull-request comment: {reason}")
        return ""
    log.info(f"comment {result.action}" + (f": {result.url}" if result.url else ""))
    return result.url or ""


def _report_json(review: review_mod.Review, size_report: Any) -> str:
    data: dict[str, Any] = {
        "compared": review.compared,
        "filter_mode": review.filter_mode,
        "findings": len(review.findings),
        "new": len(review.new),
        "fixed": len(review.fixed),
        "counted": len(review.counted),
        "files": [
            {"path": r.path, "reason": r.reason, "previous": r.previous,
             "new": [f.to_dict() for f in r.new], "fixed": [f.to_dict() for f in r.fixed],
             "existing": [f.to_dict() for f in r.existing]}
            for r in review.files
        ],
        "notes": list(review.notes),
    }
    for f in data["files"]:
        for key in ("new", "fixed", "existing"):
            for item in f[key]:
                item["message"] = neutralize.redact(item["message"])
    if size_report is not None:
        data["size"] = size_sink.to_json(size_report)
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def main() -> int:
    try:
        return run(os.environ)
    except Exception as exc:  # a bug of ours: exit 2 with a message, never a token
        token = os.environ.get("INPUT_GITHUB_TOKEN") or os.environ.get("INPUT_GITHUB-TOKEN")
        message = f"dockerfile-review failed: {type(exc).__name__}: {exc}"
        if token:
            message = message.replace(token, "***")
        Log().command("error", message)
        return 2


if __name__ == "__main__":
    sys.exit(main())
