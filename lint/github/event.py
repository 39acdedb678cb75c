"""What to do for a workflow event: a pure function of the event name, payload and ``GITHUB_SHA``.

* ``pull_request`` (opened, synchronize, reopened; edited only when the base branch changed):
  compare what is checked out (``GITHUB_SHA``, the test merge commit) with
  ``pull_request.base.sha``.
* ``push``: ``before..after``; every Dockerfile when ``before`` is all zeros (a new branch).
* ``merge_group``: ``merge_group.base_sha..head_sha``.
* ``workflow_dispatch``, ``schedule``: every Dockerfile, no base.
* ``pull_request_target``, ``workflow_run``: lint only, never build (these run with a write
  token next to code from a fork; building it would run that code).
* anything else: a notice and nothing to do.

See https://docs.github.com/en/actions/writing-workflows/choosing-when-your-workflow-runs/events-that-trigger-workflows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

ZERO_SHA = "0" * 40
PR_ACTIONS = ("opened", "synchronize", "reopened")
BUILD_EVENTS = ("pull_request", "push", "merge_group", "workflow_dispatch", "schedule")

Kind = Literal["diff", "all", "skip"]


@dataclass(frozen=True)
class Plan:
    """``diff``: lint what is checked out and compare with ``base_sha``; ``all``: lint every
    Dockerfile, nothing to compare with; ``skip``: nothing to do (``notice`` says why)."""

    kind: Kind
    event: str
    head_sha: str
    base_sha: str | None = None
    pr_number: int | None = None
    build_allowed: bool = True
    notice: str | None = None

    @property
    def compares(self) -> bool:
        return self.kind == "diff" and self.base_sha is not None


def _sha(value: Any) -> str | None:
    return value if isinstance(value, str) and len(value) == 40 and value != ZERO_SHA else None


def _get(payload: Mapping[str, Any], *keys: str) -> Any:
    node: Any = payload
    for key in keys:
        if not isinstance(node, Mapping):
            return None
        node = node.get(key)
    return node


def plan(event: str, payload: Mapping[str, Any], sha: str) -> Plan:
    """The plan for one run; never raises on odd payloads (they become a ``skip`` notice)."""
    if event in ("pull_request", "pull_request_target"):
        return _pull_request(event, payload, sha)
    if event == "push":
        after = _get(payload, "after")
        if isinstance(after, str) and after == ZERO_SHA:
            return Plan("skip", event, sha, notice="push deleted a branch or tag: nothing to lint")
        before = _sha(_get(payload, "before"))
        if before is None:
            return Plan("all", event, sha)
        return Plan("diff", event, sha, base_sha=before)
    if event == "merge_group":
        base = _sha(_get(payload, "merge_group", "base_sha"))
        head = _sha(_get(payload, "merge_group", "head_sha")) or sha
        if base is None:
            return Plan("all", event, head)
        return Plan("diff", event, head, base_sha=base)
    if event in ("workflow_dispatch", "schedule"):
        return Plan("all", event, sha)
    if event == "workflow_run":
        return Plan("all", event, sha, build_allowed=False)
    return Plan(
        "skip", event or "(none)", sha,
        notice=f"dockerfile-review does not handle the {event or 'unnamed'} event: nothing to do "
        "(supported: pull_request, push, merge_group, workflow_dispatch, schedule)",
    )


def _pull_request(event: str, payload: Mapping[str, Any], sha: str) -> Plan:
    action = _get(payload, "action")
    number = _get(payload, "pull_request", "number")
    if not isinstance(number, int):
        number = _get(payload, "number")
    base = _sha(_get(payload, "pull_request", "base", "sha"))
    build = event == "pull_request"
    relevant = action in PR_ACTIONS or action is None or (
        action == "edited" and isinstance(_get(payload, "changes", "base"), Mapping)
    )
    if not relevant:
        why = "its base branch did not change" if action == "edited" else "nothing to review"
        return Plan("skip", event, sha, notice=f"{event} {action}: {why}")
    if base is None or not isinstance(number, int):
        return Plan("skip", event, sha, notice=f"{event} payload without a base commit or number")
    return Plan("diff", event, sha, base_sha=base, pr_number=number, build_allowed=build)


__all__ = ["BUILD_EVENTS", "PR_ACTIONS", "ZERO_SHA", "Plan", "plan"]
