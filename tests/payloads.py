"""Small webhook payloads built here, shaped like GitHub's (the fields ``lint.github.event``
reads, at the paths GitHub puts them). Pure tests use these; tests/test_event_examples.py checks
the same plans against GitHub's real examples (npm @octokit/webhooks-examples)."""

from __future__ import annotations

from typing import Any

BASE_SHA = "a" * 40
HEAD_SHA = "b" * 40
NUMBER = 2


def pull_request(action: str = "synchronize", number: int = NUMBER, base: str = BASE_SHA,
                 head: str = HEAD_SHA) -> dict[str, Any]:
    return {
        "action": action,
        "number": number,
        "pull_request": {"number": number, "base": {"sha": base, "ref": "main"},
                         "head": {"sha": head, "ref": "feature"}},
        "repository": {"full_name": "octo-org/octo-repo"},
    }


def push(before: str, after: str) -> dict[str, Any]:
    return {"ref": "refs/heads/main", "before": before, "after": after,
            "repository": {"full_name": "octo-org/octo-repo"}}


def merge_group(base: str = BASE_SHA, head: str = HEAD_SHA) -> dict[str, Any]:
    return {"action": "checks_requested",
            "merge_group": {"base_sha": base, "head_sha": head, "head_ref": "gh-readonly-queue"}}


def workflow_run() -> dict[str, Any]:
    return {"action": "completed", "workflow_run": {"head_sha": HEAD_SHA, "event": "push"}}
