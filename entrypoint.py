#!/usr/bin/env python3
"""The GitHub Action's composition root: settings -> plan -> lint -> base view -> size ->
review -> report -> exit code. Decisions live in the modules it calls (``lint.outcome`` for the
report files, outputs and exit code); every text leaves through one ``Emitter``, which scrubs
the token. The report files and the summary are written whatever GitHub answers.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping

from lint import outcome
from lint.config import ConfigError
from lint.github import event, steps
from lint.github.emit import Emitter, tokens
from lint.github.outputs import OutputError
from lint.github.settings import Settings, SettingsError, sarif_location
from lint.review import Review
from lint.sinks import comment
from lint.size import SizeReport, SizeSettings, run_step


def run(env: Mapping[str, str]) -> int:
    out = Emitter(tokens(env))
    try:
        s = Settings.from_env(env)
    except SettingsError as exc:
        out.command("error", str(exc))
        workspace, stale = sarif_location(env)
        _clear(out.into(workspace, None, None), stale)
        return 2
    out = out.into(s.workspace, s.step_summary, s.output)
    # Whatever happens next, no SARIF of an earlier run stays behind: only a complete run
    # writes one (lint.outcome.withheld), as its last file.
    _clear(out, outcome.sarif_path(s.format, s.output_file))
    plan = event.plan(s.event_name, steps.payload(s.event_path), s.sha)
    if plan.kind == "skip":
        out.command("notice", plan.notice or "nothing to do")
        return 0
    try:
        head = steps.lint_head(s, env)
    except ConfigError as exc:
        out.command("error", f"configuration: {exc}")
        return 2
    view, notes = steps.base_view(s, plan)
    size: SizeReport | None = None
    if s.size:
        out.command("group", "dockerfile-review: image sizes")  # folds the progress lines
        try:  # the size step must never cost the lint report
            size = run_step(SizeSettings.from_env(env), workspace=s.workspace,
                            event_name=plan.event, head_sha=plan.head_sha,
                            base_sha=plan.base_sha if plan.build_allowed else None,
                            changed=steps.changed_paths(view),
                            dockerfiles=head.result.dockerfiles, say=out.line)
        except Exception as exc:
            head.errors.append(f"size step failed: {exc}")
        finally:
            out.command("endgroup", "")
    review = steps.review(s, head, env, view, notes, size.findings if size else [])
    return report(s, plan, head, review, size, out)


def report(s: Settings, plan: event.Plan, head: steps.Head, review: Review,
           size: SizeReport | None, out: Emitter) -> int:
    errors = list(head.errors)
    limit = outcome.threshold(head.config.failure_threshold, head.config.no_fail)
    run_url = (f"{s.server_url}/{s.repository}/actions/runs/{s.run_id}"
               if s.repository and s.run_id else "")
    ctx = comment.Context(s.server_url, s.repository, s.sha, run_url, plan.base_sha, limit)
    texts = {p: d.text for p, d in head.result.dockerfiles.items()}
    incomplete = head.result.incomplete
    rendered = outcome.render(review, size, texts, ctx, s.comment_marker_key(), s.format,
                              s.output_file, errors=errors, incomplete=incomplete)
    written: dict[str, str] = {}
    sarif = [a for a in rendered.files if a.output == "sarif-file"]
    for artefact in [a for a in rendered.files if a.output != "sarif-file"]:
        try:
            out.file(artefact.path, artefact.text)
            written.update({artefact.output: artefact.path} if artefact.output else {})
        except OutputError as exc:
            errors.append(str(exc))
    try:
        out.summary(rendered.summary)
    except OutputError as exc:
        errors.append(str(exc))
    if s.annotations:
        out.commands(rendered.annotations)
    if rendered.stale is not None:
        out.command("warning", "incomplete run: no SARIF file was written, so code scanning "
                    "keeps its alerts" + "".join(f"; {path} was not fully linted ({why})"
                                                 for path, why in sorted(incomplete.items())))
    comment_url = ""
    if plan.pr_number is not None and s.comment != "never":
        comment_url = steps.post_comment(
            s, plan.pr_number, out.scrub(rendered.comment), comment.marker(s.comment_marker_key()),
            not outcome.has_news(review, size, rendered.stale is not None),
            lambda m: out.command("warning", m), out.line)
    for artefact in sarif:  # last, and only while nothing has failed
        if errors:
            break
        try:
            out.file(artefact.path, artefact.text)
            written["sarif-file"] = artefact.path
        except OutputError as exc:
            errors.append(str(exc))
    written.setdefault("sarif-file", "")
    try:
        out.outputs(outcome.step_outputs(review, written, comment_url, size))
    except OutputError as exc:
        errors.append(str(exc))
    if errors and written["sarif-file"]:
        _clear(out, written["sarif-file"])
    for note in [*head.notes, *review.notes]:
        out.line(f"note: {note}")
    for error in errors:
        out.command("error", error)
    return outcome.exit_code(errors, review, limit, size, head.config.no_fail)


def _clear(out: Emitter, path: str) -> None:
    """Remove a SARIF file left at ``path`` (inside the workspace only; never through a
    symlink)."""
    try:
        out.remove(path)
    except OutputError as exc:
        out.line(f"note: {exc}")


def main() -> int:
    try:
        return run(os.environ)
    except Exception as exc:  # a bug of ours: exit 2 with a message, never a token
        Emitter(tokens(os.environ)).command(
            "error", f"dockerfile-review failed: {type(exc).__name__}: {exc}")
        return 2


if __name__ == "__main__":
    sys.exit(main())
