"""Bake files read without buildx (pure): the targets of ``docker-bake.json`` and of the
literal subset of ``docker-bake.hcl``, and the targets of ``docker buildx bake --print``.

buildx evaluates variables, functions, ``inherits`` and ``matrix``; this module does not. When
buildx is missing or fails, ``parse_json`` and ``parse_hcl`` read target blocks whose fields are
string, list and map literals, and name per target what could not be evaluated (a ``${…}``
interpolation, a function call, a variable reference, another expression, ``inherits``,
``matrix``) instead of guessing. Only the fields that decide a build are looked at
(``context``, ``dockerfile``, ``target``, ``args``, ``platforms`` and what changes them); an
interpolated tag does not matter. Files merge as buildx merges them: later files override a
target's fields, ``args`` key by key.

``targets_of`` reads buildx's ``--print`` JSON into the same ``BakeTarget``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

#: The files buildx reads by default (compose files aside), in its order.
BAKE_NAMES = ("docker-bake.json", "docker-bake.override.json", "docker-bake.hcl",
              "docker-bake.override.hcl")
#: The target fields that decide what is built, as bake names them.
FIELDS = ("context", "dockerfile", "dockerfile-inline", "target", "args", "platforms",
          "contexts", "inherits", "matrix")


class BakeFileError(ValueError):
    """A bake file that cannot be read at all (the message names the line)."""


@dataclass(frozen=True)
class BakeTarget:
    """One target as a build would see it; ``unevaluated`` says why it cannot be used."""

    name: str
    context: str = "."
    dockerfile: str = "Dockerfile"
    target: str | None = None
    args: Mapping[str, str] = field(default_factory=dict, repr=False)
    platforms: tuple[str, ...] = ()
    inline: bool = False  # dockerfile-inline
    named_contexts: tuple[str, ...] = ()
    unevaluated: tuple[str, ...] = ()


@dataclass
class BakeDefinition:
    """What the fallback read from a directory's bake files: raw target fields (values, or
    ``_Unevaluated`` reasons), the groups, and which names other targets inherit from."""

    targets: dict[str, dict[str, Any]] = field(default_factory=dict)
    groups: dict[str, Any] = field(default_factory=dict)

    def merge(self, other: BakeDefinition) -> None:
        for name, fields in other.targets.items():
            mine = self.targets.setdefault(name, {})
            for key, value in fields.items():
                earlier = mine.get("args")
                if key == "args" and isinstance(value, dict) and isinstance(earlier, dict):
                    mine["args"] = {**earlier, **value}
                elif key == "args" and isinstance(earlier, _Unevaluated):
                    continue  # merged key by key: what could not be evaluated still counts
                else:
                    mine[key] = value
        self.groups.update(other.groups)

    def inherited(self) -> set[str]:
        """Names that a target inherits from, where its ``inherits`` is a literal list."""
        out: set[str] = set()
        for fields in self.targets.values():
            value = fields.get("inherits")
            if isinstance(value, list):
                out |= {v for v in value if isinstance(v, str)}
        return out

    def requested(self) -> list[str]:
        """What ``docker buildx bake`` builds without arguments: the ``default`` group or
        target; without one, every target no other target inherits from."""
        if "default" in self.groups or "default" in self.targets:
            return ["default"]
        parents = self.inherited()
        return sorted(name for name in self.targets if name not in parents)

    def resolve(self, names: Sequence[str]) -> tuple[list[BakeTarget], list[str]]:
        """The targets ``names`` stand for (groups expanded), and notes for names that could
        not be followed."""
        out: dict[str, BakeTarget] = {}
        notes: list[str] = []
        seen: set[str] = set()

        def walk(name: str, depth: int) -> None:
            if name in seen or depth > 16:
                return
            seen.add(name)
            if name in self.groups:
                members = self.groups[name]
                if isinstance(members, _Unevaluated):
                    notes.append(f"group {name}: its targets are {members.why}; not evaluated")
                    return
                for member in members if isinstance(members, list) else ():
                    walk(str(member), depth + 1)
                return
            if name not in self.targets:
                notes.append(f"target {name} is not defined")
                return
            out[name] = _target(name, self.targets[name])

        for name in names:
            walk(name, 0)
        return list(out.values()), notes


@dataclass(frozen=True)
class _Unevaluated:
    why: str


def _target(name: str, fields: Mapping[str, Any]) -> BakeTarget:
    reasons = [f"{key} is {value.why}" for key, value in fields.items()
               if isinstance(value, _Unevaluated) and key not in ("inherits", "matrix")]
    reasons += [f"it uses {key}" for key in ("inherits", "matrix") if key in fields]
    if reasons:
        return BakeTarget(name, unevaluated=tuple(reasons))
    return _from_fields(name, fields)


def _from_fields(name: str, fields: Mapping[str, Any]) -> BakeTarget:
    def text(key: str, default: str | None) -> str | None:
        value = fields.get(key)
        return default if value is None else str(value)

    args = fields.get("args") or {}
    platforms = fields.get("platforms") or []
    contexts = fields.get("contexts") or {}
    return BakeTarget(
        name=name,
        context=text("context", ".") or ".",
        dockerfile=text("dockerfile", "Dockerfile") or "Dockerfile",
        target=text("target", None) or None,
        args={str(k): _scalar(v) for k, v in args.items() if v is not None}
        if isinstance(args, dict) else {},
        platforms=tuple(str(p) for p in platforms) if isinstance(platforms, list) else (),
        inline=bool(fields.get("dockerfile-inline")),
        named_contexts=tuple(sorted(map(str, contexts))) if isinstance(contexts, dict) else (),
    )


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def targets_of(printed: Mapping[str, Any]) -> list[BakeTarget]:
    """The targets of ``docker buildx bake --print`` output (everything evaluated)."""
    targets = printed.get("target")
    if not isinstance(targets, dict):
        return []
    return [_from_fields(str(name), body) for name, body in targets.items()
            if isinstance(body, dict)]


# JSON ----------------------------------------------------------------------------------------


def parse_json(text: str) -> BakeDefinition:
    """A ``docker-bake.json``. buildx reads it with HCL's JSON syntax, so a string holding
    ``${`` is an interpolation there too."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BakeFileError(f"line {exc.lineno}: not valid JSON ({exc.msg})") from None
    if not isinstance(data, dict):
        raise BakeFileError("line 1: expected a JSON object")
    out = BakeDefinition()
    for name, body in (data.get("target") or {}).items():
        if isinstance(body, dict):
            out.targets[str(name)] = {key: _json_value(value) for key, value in body.items()
                                      if key in FIELDS}
    for name, body in (data.get("group") or {}).items():
        if isinstance(body, dict):
            out.groups[str(name)] = _json_value(body.get("targets") or [])
    return out


def _json_value(value: Any) -> Any:
    if isinstance(value, str):
        if _interpolates(value):
            return _Unevaluated("a ${…} interpolation")
        return value.replace("$${", "${").replace("%%{", "%{")
    if isinstance(value, list):
        items = [_json_value(v) for v in value]
        bad = next((v for v in items if isinstance(v, _Unevaluated)), None)
        return bad if bad is not None else items
    if isinstance(value, dict):
        if any(_interpolates(str(k)) for k in value):
            return _Unevaluated("a ${…} interpolation")
        pairs = {str(k): _json_value(v) for k, v in value.items()}
        bad = next((v for v in pairs.values() if isinstance(v, _Unevaluated)), None)
        return bad if bad is not None else pairs
    return value


def _interpolates(text: str) -> bool:
    """Does a template string hold ``${`` or ``%{`` not escaped as ``$${`` / ``%%{``?"""
    return re.search(r"(?<![$%])[$%]\{", text.replace("$${", "").replace("%%{", "")) is not None


# HCL: the literal subset ---------------------------------------------------------------------

_TOKEN = re.compile(r"""
    (?P<newline>\n)
  | (?P<space>[ \t\r]+)
  | (?P<comment>\#[^\n]*|//[^\n]*|/\*.*?\*/)
  | (?P<heredoc><<-?(?P<tag>[A-Za-z_][A-Za-z0-9_-]*)[ \t]*\n)
  | (?P<number>\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)
  | (?P<ident>[A-Za-z_][A-Za-z0-9_-]*)
  | (?P<quote>")
  | (?P<punct>[{}\[\]()=,:?.+\-*/%!<>&|;])
""", re.VERBOSE | re.DOTALL)


@dataclass(frozen=True)
class _Tok:
    kind: str  # newline, number, ident, string, heredoc, punct
    text: str  # a string's value (escapes applied); a heredoc's body
    line: int
    interpolated: bool = False


def _tokens(text: str) -> list[_Tok]:
    out: list[_Tok] = []
    pos, line = 0, 1
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None:
            raise BakeFileError(f"line {line}: unexpected character {text[pos]!r}")
        kind = match.lastgroup or ""
        if kind == "quote":
            value, interpolated, end = _string(text, match.end(), line)
            out.append(_Tok("string", value, line, interpolated))
        elif kind == "heredoc":
            tag = match.group("tag")
            body_start = match.end()
            closing = re.compile(rf"^[ \t]*{re.escape(tag)}[ \t]*$", re.MULTILINE)
            found = closing.search(text, body_start)
            if found is None:
                raise BakeFileError(f"line {line}: heredoc {tag} is not closed")
            body = text[body_start:found.start()]
            out.append(_Tok("heredoc", body, line, _interpolates(body)))
            end = found.end()
        else:
            end = match.end()
            if kind in ("newline", "number", "ident", "punct"):
                out.append(_Tok(kind, match.group(0), line))
        line += text.count("\n", pos, end)
        pos = end
    return out


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}


def _string(text: str, pos: int, line: int) -> tuple[str, bool, int]:
    """A quoted template from ``pos`` (after the quote): its value, whether it interpolates,
    and where it ends. Quotes nested inside ``${…}`` do not end it."""
    value: list[str] = []
    interpolated = False
    while pos < len(text):
        char = text[pos]
        if char == '"':
            return "".join(value), interpolated, pos + 1
        if char == "\n":
            break
        if char == "\\" and pos + 1 < len(text):
            nxt = text[pos + 1]
            if nxt == "u" and re.fullmatch(r"[0-9A-Fa-f]{4}", text[pos + 2:pos + 6]):
                value.append(chr(int(text[pos + 2:pos + 6], 16)))
                pos += 6
                continue
            value.append(_ESCAPES.get(nxt, nxt))
            pos += 2
            continue
        if text.startswith(("$${", "%%{"), pos):
            value.append(text[pos + 1:pos + 3])
            pos += 3
            continue
        if text.startswith(("${", "%{"), pos):
            interpolated = True
            pos = _skip_template(text, pos + 2, line)
            continue
        value.append(char)
        pos += 1
    raise BakeFileError(f"line {line}: a string is not closed")


def _skip_template(text: str, pos: int, line: int) -> int:
    depth = 1
    while pos < len(text):
        char = text[pos]
        if char == '"':
            _, _, pos = _string(text, pos + 1, line)
            continue
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return pos + 1
        pos += 1
    raise BakeFileError(f"line {line}: an interpolation is not closed")


_OPEN = {"{": "}", "[": "]", "(": ")"}


def parse_hcl(text: str) -> BakeDefinition:
    """The ``target`` and ``group`` blocks of a bake HCL file, other blocks (``variable``,
    ``function``) skipped; fields outside the literal subset become reasons."""
    tokens = _tokens(text)
    out = BakeDefinition()
    pos = 0
    while pos < len(tokens):
        tok = tokens[pos]
        if tok.kind == "newline":
            pos += 1
            continue
        if tok.kind != "ident":
            raise BakeFileError(f"line {tok.line}: expected a block or an attribute")
        labels: list[str] = []
        pos += 1
        while pos < len(tokens) and tokens[pos].kind in ("string", "ident"):
            if tokens[pos].interpolated:
                raise BakeFileError(f"line {tok.line}: a block label cannot interpolate")
            labels.append(tokens[pos].text)
            pos += 1
        if pos < len(tokens) and tokens[pos].text == "=" and tokens[pos].kind == "punct":
            pos = _expression_end(tokens, pos + 1)  # a top-level attribute: not ours
            continue
        if pos >= len(tokens) or tokens[pos].text != "{":
            raise BakeFileError(f"line {tok.line}: expected {{ after {tok.text}")
        end = _matching(tokens, pos)
        if tok.text in ("target", "group") and len(labels) == 1:
            fields = _body(tokens[pos + 1:end])
            if tok.text == "target":
                out.targets.setdefault(labels[0], {}).update(fields)
            else:
                out.groups[labels[0]] = fields.get("targets", [])
        pos = end + 1
    return out


def _matching(tokens: Sequence[_Tok], pos: int) -> int:
    """The index of the bracket closing the one at ``pos``."""
    stack = [_OPEN[tokens[pos].text]]
    index = pos + 1
    while index < len(tokens):
        tok = tokens[index]
        if tok.kind == "punct":
            if tok.text in _OPEN:
                stack.append(_OPEN[tok.text])
            elif tok.text in ")]}":
                if tok.text != stack.pop():
                    raise BakeFileError(f"line {tok.line}: unbalanced {tok.text}")
                if not stack:
                    return index
        index += 1
    raise BakeFileError(f"line {tokens[pos].line}: {tokens[pos].text} is not closed")


def _expression_end(tokens: Sequence[_Tok], pos: int) -> int:
    """Where an attribute's expression ends: the first newline outside brackets."""
    while pos < len(tokens) and tokens[pos].kind != "newline":
        if tokens[pos].kind == "punct" and tokens[pos].text in _OPEN:
            pos = _matching(tokens, pos)
        elif tokens[pos].kind == "punct" and tokens[pos].text in ")]}":
            raise BakeFileError(f"line {tokens[pos].line}: unbalanced {tokens[pos].text}")
        pos += 1
    return pos


def _body(tokens: Sequence[_Tok]) -> dict[str, Any]:
    """A block body's attributes we care about: literal values, or ``_Unevaluated``."""
    fields: dict[str, Any] = {}
    pos = 0
    while pos < len(tokens):
        tok = tokens[pos]
        if tok.kind == "newline":
            pos += 1
            continue
        if tok.kind != "ident":
            raise BakeFileError(f"line {tok.line}: expected an attribute")
        if pos + 1 < len(tokens) and tokens[pos + 1].text == "=":
            end = _expression_end(tokens, pos + 2)
            if tok.text in FIELDS or tok.text == "targets":
                fields[tok.text] = _literal(tokens[pos + 2:end])
            pos = end
            continue
        # A nested block (none of bake's target fields is one): skip it.
        while pos < len(tokens) and tokens[pos].text != "{":
            pos += 1
        if pos >= len(tokens):
            raise BakeFileError(f"line {tok.line}: expected = or {{ after {tok.text}")
        pos = _matching(tokens, pos) + 1
    return fields


def _literal(tokens: Sequence[_Tok]) -> Any:
    try:
        value, rest = _value(tokens, 0)
    except _NotLiteral as exc:
        return _Unevaluated(exc.why)
    rest = _skip_newlines(tokens, rest)
    if rest != len(tokens):
        return _Unevaluated(_why(tokens[rest:]))
    return value


def _skip_newlines(tokens: Sequence[_Tok], pos: int) -> int:
    while pos < len(tokens) and tokens[pos].kind == "newline":
        pos += 1
    return pos


class _NotLiteral(Exception):
    def __init__(self, why: str) -> None:
        super().__init__(why)
        self.why = why


def _why(tokens: Sequence[_Tok]) -> str:
    """Name the first construct outside the literal subset."""
    tokens = [t for t in tokens if t.kind != "newline"]
    for index, tok in enumerate(tokens):
        if tok.interpolated:
            return "a ${…} interpolation"
        if tok.kind == "ident" and tok.text not in ("true", "false", "null"):
            follows = tokens[index + 1].text if index + 1 < len(tokens) else ""
            if tok.text == "for":
                return "a for expression"
            if follows == "(":
                return f"a function call ({tok.text})"
            return f"a variable reference ({tok.text})"
    return "an expression"


def _value(tokens: Sequence[_Tok], pos: int) -> tuple[Any, int]:
    pos = _skip_newlines(tokens, pos)
    if pos >= len(tokens):
        raise _NotLiteral("empty")
    tok = tokens[pos]
    if tok.kind in ("string", "heredoc"):
        if tok.interpolated:
            raise _NotLiteral("a ${…} interpolation")
        return tok.text, pos + 1
    if tok.kind == "number":
        return tok.text, pos + 1
    if tok.kind == "ident" and tok.text in ("true", "false", "null"):
        return {"true": True, "false": False, "null": None}[tok.text], pos + 1
    if tok.kind == "punct" and tok.text == "[":
        return _list(tokens, pos + 1)
    if tok.kind == "punct" and tok.text == "{":
        return _object(tokens, pos + 1)
    raise _NotLiteral(_why(tokens[pos:]))


def _list(tokens: Sequence[_Tok], pos: int) -> tuple[list[Any], int]:
    items: list[Any] = []
    pos = _skip_newlines(tokens, pos)
    while pos < len(tokens) and tokens[pos].text != "]":
        value, pos = _value(tokens, pos)
        items.append(value)
        pos = _after_item(tokens, pos, "]")
    return items, pos + 1


def _object(tokens: Sequence[_Tok], pos: int) -> tuple[dict[str, Any], int]:
    pairs: dict[str, Any] = {}
    pos = _skip_newlines(tokens, pos)
    while pos < len(tokens) and tokens[pos].text != "}":
        key = tokens[pos]
        if key.kind not in ("ident", "string") or key.interpolated:
            raise _NotLiteral(_why(tokens[pos:]))
        if pos + 1 >= len(tokens) or tokens[pos + 1].text not in ("=", ":"):
            raise _NotLiteral(_why(tokens[pos:]))
        value, pos = _value(tokens, pos + 2)
        pairs[key.text] = value
        pos = _after_item(tokens, pos, "}")
    return pairs, pos + 1


def _after_item(tokens: Sequence[_Tok], pos: int, close: str) -> int:
    """Past the separator after an item: a comma or a line break (HCL ends an object's
    item at either), then any blank lines; or at the closing bracket."""
    after = _skip_newlines(tokens, pos)
    if after < len(tokens) and tokens[after].kind == "punct" and tokens[after].text == ",":
        return _skip_newlines(tokens, after + 1)
    if after < len(tokens) and (tokens[after].text == close or after > pos):
        return after
    raise _NotLiteral(_why(tokens[pos:]))


def read(files: Sequence[tuple[str, str]]) -> BakeDefinition:
    """Merge a directory's bake files (name, text), in buildx's order."""
    out = BakeDefinition()
    for name, text in files:
        part = parse_json(text) if name.endswith(".json") else parse_hcl(text)
        out.merge(part)
    return out

