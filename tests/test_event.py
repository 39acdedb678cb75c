"""The event plan: a pure function of the event name, the payload and ``GITHUB_SHA``. The
payloads are built here (tests/payloads.py); tests/test_event_examples.py runs the same plans
on GitHub's own example payloads."""

from __future__ import annotations

import pytest

from lint.github.event import ZERO_SHA, Plan, plan
from tests.payloads import merge_group, pull_request, push, workflow_run

SHA = "c" * 40


@pytest.mark.parametrize("action", ["opened", "synchronize", "reopened"])
def test_pull_request_compares_checkout_with_base(action: str) -> None:
    payload = pull_request(action)
    got = plan("pull_request", payload, SHA)
    assert got == Plan("diff", "pull_request", SHA, base_sha=payload["pull_request"]["base"]["sha"],
                       pr_number=payload["pull_request"]["number"], build_allowed=True)


def test_pull_request_edited_only_when_base_changed() -> None:
    payload = pull_request("opened")
    payload["action"] = "edited"
    payload["changes"] = {"title": {"from": "old"}}
    assert plan("pull_request", payload, SHA).kind == "skip"
    payload["changes"] = {"base": {"ref": {"from": "dev"}, "sha": {"from": "1" * 40}}}
    assert plan("pull_request", payload, SHA).kind == "diff"


@pytest.mark.parametrize("action", ["closed", "labeled", "assigned"])
def test_other_pull_request_actions_are_skipped(action: str) -> None:
    got = plan("pull_request", pull_request(action), SHA)
    assert got.kind == "skip"
    assert got.notice == f"pull_request {action}: nothing to review"


def test_pull_request_target_lints_but_never_builds() -> None:
    payload = pull_request("synchronize")
    got = plan("pull_request_target", payload, SHA)
    assert (got.kind, got.build_allowed, got.pr_number) == ("diff", False, 2)


def test_push_compares_before_with_checkout() -> None:
    payload = push("1" * 40, "d" * 40)
    got = plan("push", payload, payload["after"])
    assert got == Plan("diff", "push", payload["after"], base_sha=payload["before"])


def test_push_of_a_new_branch_lints_everything() -> None:
    payload = push(ZERO_SHA, "d" * 40)
    assert plan("push", payload, payload["after"]) == Plan("all", "push", payload["after"])


def test_push_deleting_a_branch_is_skipped() -> None:
    payload = {"before": "1" * 40, "after": ZERO_SHA}
    assert plan("push", payload, SHA).kind == "skip"


def test_merge_group_compares_its_base_and_head() -> None:
    payload = merge_group()
    got = plan("merge_group", payload, SHA)
    group = payload["merge_group"]
    assert got == Plan("diff", "merge_group", group["head_sha"], base_sha=group["base_sha"])


@pytest.mark.parametrize("name", ["workflow_dispatch", "schedule"])
def test_dispatch_and_schedule_lint_everything(name: str) -> None:
    assert plan(name, {}, SHA) == Plan("all", name, SHA)


def test_workflow_run_lints_everything_and_never_builds() -> None:
    got = plan("workflow_run", workflow_run(), SHA)
    assert (got.kind, got.build_allowed, got.pr_number) == ("all", False, None)


@pytest.mark.parametrize("name", ["issues", "release", ""])
def test_other_events_are_a_notice(name: str) -> None:
    got = plan(name, {}, SHA)
    assert got.kind == "skip"
    assert got.notice is not None and "does not handle" in got.notice


def test_odd_payloads_never_raise() -> None:
    odd: tuple[dict[str, object], ...] = (
        {}, {"pull_request": []}, {"pull_request": {"base": {"sha": 5}}})
    for payload in odd:
        assert plan("pull_request", payload, SHA).kind == "skip"
    assert plan("merge_group", {"merge_group": None}, SHA).kind == "all"
