"""The expression evaluator of ``tests/ghexpr.py`` against GitHub's documented semantics
(https://docs.github.com/en/actions/reference/workflows-and-actions/expressions): operators,
loose equality with number coercion, case-insensitive strings and property names, what is
falsy, ``&&``/``||`` returning operands, and the implicit ``success() &&`` of ``if:``."""

from __future__ import annotations

import math
from typing import Any

import pytest

from tests.ghexpr import ExpressionError, condition, evaluate, truthy

STEPS: dict[str, Any] = {"steps": {"review": {"outputs": {"sarif-file": "a.sarif", "empty": ""},
                                              "outcome": "failure"}}}


@pytest.mark.parametrize(("expression", "expected"), [
    ("'' != ''", False),
    ("'' == ''", True),
    ("'abc' == 'ABC'", True),  # strings compare ignoring case
    ("'abc' != 'abd'", True),
    ("'it''s' == 'IT''S'", True),  # '' escapes a quote
    ("null == ''", True),  # different types: both become numbers, 0 == 0
    ("null != ''", False),
    ("1 == '1'", True),
    ("'1.0' == 1", True),
    ("true == 1", True),
    ("false == ''", True),
    ("'abc' == 0", False),  # NaN equals nothing
    ("null == null", True),
    ("1 < 2", True),
    ("'b' > 'A'", True),
    ("!''", True),
    ("!'false'", False),  # a non-empty string is truthy
    ("!0", True),
    ("!null", True),
    ("!(1 == 1)", False),
    ("!true == false", True),  # ! binds tighter than ==
    ("true || false && false", True),  # && binds tighter than ||
    ("(true || false) && false", False),
])
def test_operators(expression: str, expected: bool) -> None:
    assert evaluate(expression, {}) is expected


@pytest.mark.parametrize(("expression", "expected"), [
    ("'a' && 'b'", "b"),
    ("'' && 'b'", ""),
    ("null && 'b'", None),
    ("'' || 'x'", "x"),
    ("'a' || 'x'", "a"),
    ("0 || null", None),
])
def test_and_or_return_an_operand(expression: str, expected: Any) -> None:
    assert evaluate(expression, {}) == expected


def test_falsy_values() -> None:
    assert [truthy(v) for v in (False, 0, -0.0, math.nan, "", None)] == [False] * 6
    truthy_values: tuple[Any, ...] = (True, 1, "0", "false", {}, [])
    assert [truthy(v) for v in truthy_values] == [True] * 6


def test_property_paths() -> None:
    assert evaluate("steps.review.outputs.sarif-file", STEPS) == "a.sarif"
    assert evaluate("${{ steps.Review.OUTPUTS.Sarif-File }}", STEPS) == "a.sarif"
    assert evaluate("steps.review.outputs.missing", STEPS) is None
    assert evaluate("steps.nosuch.outputs.x", STEPS) is None
    assert evaluate("steps.review.outputs.empty != ''", STEPS) is False
    assert evaluate("steps.review.outputs.missing != ''", STEPS) is False
    assert evaluate("steps.review.outcome == 'FAILURE'", STEPS) is True


@pytest.mark.parametrize(("status", "always", "success", "failure", "cancelled"), [
    ("success", True, True, False, False),
    ("failure", True, False, True, False),
    ("cancelled", True, False, False, True),
])
def test_status_functions(status: Any, always: bool, success: bool, failure: bool,
                          cancelled: bool) -> None:
    got = [evaluate(f"{name}()", {}, status)
           for name in ("always", "success", "failure", "cancelled")]
    assert got == [always, success, failure, cancelled]


def test_an_if_without_a_status_function_is_success_and_it() -> None:
    text = "steps.review.outputs.sarif-file != ''"
    assert condition(text, STEPS, "success") is True
    assert condition(text, STEPS, "failure") is False  # skipped once a step failed
    assert condition(f"always() && {text}", STEPS, "failure") is True
    assert condition("always() && steps.review.outputs.empty != ''", STEPS, "failure") is False
    assert condition("failure()", STEPS, "failure") is True
    # A property named like a status function is not a call.
    assert condition("steps.success", {"steps": {"success": "x"}}, "failure") is False


@pytest.mark.parametrize("text", ["a ==", "'open", "(true", "true)", "contains('a', 'b')",
                                  "a.'b'", "a = b"])
def test_malformed_or_unsupported_is_an_error(text: str) -> None:
    with pytest.raises(ExpressionError):
        evaluate(text, {})
