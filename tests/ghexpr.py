"""A small evaluator for the part of GitHub Actions' expression syntax that our workflows'
``if:`` conditions use, so tests can evaluate a step's condition against the outputs a real run
of the action wrote. No GitHub runner can run here; this follows GitHub's documented semantics
(https://docs.github.com/en/actions/reference/workflows-and-actions/expressions) and the
runner's implementation (actions/runner, src/Sdk/DTExpressions2):

* literals: ``null``, ``true``, ``false``, numbers, strings in single quotes (``''`` is a quote);
* ``steps.<id>.outputs.<name>`` and other property paths: names may hold ``-``; lookups are
  case-insensitive; a missing property is ``null``;
* operators, lowest precedence first: ``||``, ``&&``, ``==``/``!=``, ``<``/``<=``/``>``/``>=``,
  ``!``, then ``( )`` and ``.``; ``&&`` and ``||`` return an operand, not a boolean;
* equality: values of one type compare as that type, strings ignoring case; otherwise both
  sides become numbers (``null`` and ``''`` are 0, ``true`` 1, a string that is no number NaN);
* falsy: ``false``, ``0``, ``-0``, ``NaN``, ``''``, ``null``;
* status functions ``always()``, ``success()``, ``failure()``, ``cancelled()``; an ``if:``
  without one is ``success() && (<condition>)``.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

Status = Literal["success", "failure", "cancelled"]
STATUS_FUNCTIONS = ("always", "success", "failure", "cancelled")

_TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<string>'(?:[^']|'')*')
  | (?P<number>-?(?:0x[0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?))
  | (?P<op>\|\||&&|==|!=|<=|>=|<|>|!|\(|\)|\.|,)
  | (?P<name>[A-Za-z_][A-Za-z0-9_-]*)
""", re.VERBOSE)


class ExpressionError(Exception):
    """Text that is not an expression of the supported subset."""


@dataclass(frozen=True)
class _Tok:
    kind: str
    text: str


def tokenize(text: str) -> list[_Tok]:
    out: list[_Tok] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            raise ExpressionError(f"unexpected {text[pos:pos + 10]!r} at {pos}")
        pos = m.end()
        kind = m.lastgroup or ""
        if kind != "space":
            out.append(_Tok(kind, m.group()))
    return out


def _number(value: Any) -> float:
    """GitHub's conversion to a number for a comparison of values of different types."""
    if value is None:
        return 0.0
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        text = value.strip()
        if text == "":
            return 0.0
        try:
            return float(int(text, 16)) if text.lower().startswith("0x") else float(text)
        except ValueError:
            return math.nan
    return math.nan


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    return "object"


def truthy(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return not (value == 0 or math.isnan(value))
    if isinstance(value, str):
        return value != ""
    return True


def equal(a: Any, b: Any) -> bool:
    ka, kb = _kind(a), _kind(b)
    if ka == kb:
        if ka == "string":
            return str(a).casefold() == str(b).casefold()
        if ka == "number":
            return float(a) == float(b)
        if ka == "object":
            return a is b
        return bool(a == b)
    return _number(a) == _number(b)


def _compare(op: str, a: Any, b: Any) -> bool:
    if _kind(a) == _kind(b) == "string":
        x: Any = str(a).casefold()
        y: Any = str(b).casefold()
    else:
        x, y = _number(a), _number(b)
        if math.isnan(x) or math.isnan(y):
            return False
    return bool({"<": x < y, "<=": x <= y, ">": x > y, ">=": x >= y}[op])


def _lookup(value: Any, name: str) -> Any:
    if isinstance(value, Mapping):
        for key, item in value.items():
            if str(key).casefold() == name.casefold():
                return item
    return None


class _Parser:
    def __init__(self, tokens: list[_Tok], contexts: Mapping[str, Any], status: Status) -> None:
        self.tokens = tokens
        self.pos = 0
        self.contexts = contexts
        self.status = status

    def peek(self) -> _Tok | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self, text: str | None = None) -> _Tok:
        tok = self.peek()
        if tok is None or (text is not None and tok.text != text):
            raise ExpressionError(f"expected {text or 'more'}, found {tok.text if tok else 'end'}")
        self.pos += 1
        return tok

    def at(self, *texts: str) -> bool:
        tok = self.peek()
        return tok is not None and tok.kind == "op" and tok.text in texts

    def parse(self) -> Any:
        value = self.or_()
        if self.peek() is not None:
            raise ExpressionError(f"unexpected {self.peek()}")
        return value

    def or_(self) -> Any:
        left = self.and_()
        while self.at("||"):
            self.take()
            right = self.and_()
            left = left if truthy(left) else right
        return left

    def and_(self) -> Any:
        left = self.equality()
        while self.at("&&"):
            self.take()
            right = self.equality()
            left = right if truthy(left) else left
        return left

    def equality(self) -> Any:
        left = self.comparison()
        while self.at("==", "!="):
            op = self.take().text
            right = self.comparison()
            left = equal(left, right) if op == "==" else not equal(left, right)
        return left

    def comparison(self) -> Any:
        left = self.unary()
        while self.at("<", "<=", ">", ">="):
            op = self.take().text
            left = _compare(op, left, self.unary())
        return left

    def unary(self) -> Any:
        if self.at("!"):
            self.take()
            return not truthy(self.unary())
        return self.primary()

    def primary(self) -> Any:
        tok = self.take()
        if tok.kind == "op" and tok.text == "(":
            value = self.or_()
            self.take(")")
            return value
        if tok.kind == "string":
            return tok.text[1:-1].replace("''", "'")
        if tok.kind == "number":
            text = tok.text.lower()
            return float(int(text, 16)) if "0x" in text else float(text)
        if tok.kind != "name":
            raise ExpressionError(f"unexpected {tok.text!r}")
        word = tok.text
        if word in ("true", "false"):
            return word == "true"
        if word == "null":
            return None
        if self.at("("):
            self.take()
            self.take(")")
            return self.call(word)
        value = _lookup(self.contexts, word)
        while self.at("."):
            self.take()
            name = self.take()
            if name.kind != "name":
                raise ExpressionError(f"expected a property name, found {name.text!r}")
            value = _lookup(value, name.text)
        return value

    def call(self, name: str) -> bool:
        lowered = name.lower()
        if lowered == "always":
            return True
        if lowered == "success":
            return self.status == "success"
        if lowered == "failure":
            return self.status == "failure"
        if lowered == "cancelled":
            return self.status == "cancelled"
        raise ExpressionError(f"function {name}() is not supported here")


def _strip(text: str) -> str:
    text = text.strip()
    if text.startswith("${{") and text.endswith("}}"):
        return text[3:-2].strip()
    return text


def evaluate(expression: str, contexts: Mapping[str, Any], status: Status = "success") -> Any:
    """The value of ``expression`` (with or without ``${{ }}``); ``status``: how the job's
    earlier steps ended."""
    return _Parser(tokenize(_strip(expression)), contexts, status).parse()


def condition(text: str, contexts: Mapping[str, Any], status: Status = "success") -> bool:
    """Whether a step with ``if: <text>`` runs. Without a status function GitHub evaluates
    ``success() && (<text>)``."""
    expression = _strip(text)
    tokens = tokenize(expression)
    called = {t.text.lower() for t, after in itertools.pairwise(tokens)
              if t.kind == "name" and after.text == "("}
    if not called & set(STATUS_FUNCTIONS):
        expression = f"success() && ({expression})"
    return truthy(evaluate(expression, contexts, status))


__all__ = ["ExpressionError", "Status", "condition", "equal", "evaluate", "tokenize", "truthy"]
