"""The event plan on GitHub's own example payloads (npm @octokit/webhooks-examples): the fields
tests/payloads.py builds are where GitHub puts them, and every real example gets a plan."""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from lint.github.event import ZERO_SHA, Plan, plan
from tests import payloads

pytestmark = pytest.mark.npm
SHA = "c" * 40
TOOLS = Path(__file__).resolve().parent.parent / ".tools" / "node_modules"


@cache
def _examples() -> dict[str, list[dict[str, Any]]]:
    path = TOOLS / "@octokit" / "webhooks-examples" / "api.github.com" / "index.json"
    return {entry["name"]: entry["examples"] for entry in json.loads(path.read_text())}


def example(name: str, action: str | None = None) -> dict[str, Any]:
    for item in _examples()[name]:
        if action is None or item.get("action") == action:
            return copy.deepcopy(item)
    raise LookupError(f"{name}/{action}")


def _paths(value: Any, prefix: tuple[str, ...] = ()) -> set[tuple[str, ...]]:
    if not isinstance(value, dict):
        return {prefix}
    return {p for key, item in value.items() for p in _paths(item, (*prefix, key))}


@pytest.mark.parametrize(("name", "built"), [
    ("pull_request", payloads.pull_request()), ("push", payloads.push("1" * 40, "2" * 40)),
    ("merge_group", payloads.merge_group()), ("workflow_run", payloads.workflow_run())])
def test_built_payloads_have_githubs_shape(name: str, built: dict[str, Any]) -> None:
    real = set().union(*(_paths(e) for e in _examples()[name]))
    assert _paths(built) <= real


@pytest.mark.parametrize("action", ["opened", "synchronize", "reopened"])
def test_real_pull_request_examples_compare_with_their_base(action: str) -> None:
    payload = example("pull_request", action)
    assert plan("pull_request", payload, SHA) == Plan(
        "diff", "pull_request", SHA, base_sha=payload["pull_request"]["base"]["sha"],
        pr_number=payload["pull_request"]["number"], build_allowed=True)


def test_real_push_examples() -> None:
    for payload in _examples()["push"]:
        got = plan("push", payload, payload["after"])
        if payload["after"] == ZERO_SHA:
            assert got.kind == "skip"
        elif payload["before"] == ZERO_SHA:
            assert got == Plan("all", "push", payload["after"])
        else:
            assert got == Plan("diff", "push", payload["after"], base_sha=payload["before"])


def test_real_merge_group_and_workflow_run_examples() -> None:
    group = example("merge_group")["merge_group"]
    assert plan("merge_group", example("merge_group"), SHA) == Plan(
        "diff", "merge_group", group["head_sha"], base_sha=group["base_sha"])
    got = plan("workflow_run", example("workflow_run"), SHA)
    assert (got.kind, got.build_allowed, got.pr_number) == ("all", False, None)
