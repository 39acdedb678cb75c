"""Parse a Dockerfile once, into the project's own small types.

The grammar is BuildKit's own: PyPI ``dockerfile`` wraps the Go parser that ``docker build``
uses (heredocs, ``--mount``/``--chown`` flags, JSON form, ``# escape=``, continuations with
comments inside, exact start and end lines). It drops comments and parser directives, so those
(``# syntax=``, ``# escape=``, ``# check=`` and hadolint's pragmas) are read here from the raw
text. No type of the parser library leaves this module.

Edge policy (one per edge, each tested in ``tests/test_parser.py``):

* UTF-8 BOM: stripped; CRLF and lone CR line ends: read as LF. Line numbers are unchanged.
* Invalid UTF-8 or a NUL byte (binary content): ``DockerfileError`` (kind ``encoding`` or
  ``binary``); the file becomes one DC001 finding and no rule runs on it.
* Empty or comment-only file: ``DockerfileError`` (kind ``empty``).
* A line longer than BuildKit's 65,535-byte limit: ``DockerfileError`` (``too-long``),
  because ``docker build`` rejects it too.
* No ``FROM``: ``DockerfileError`` (``no-from``).
* Unknown instruction (``FOO bar``): parsed and kept with its keyword; the engine reports it as a
  DC001 finding on its line (``docker build`` would fail there) and the other rules still run.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property

import dockerfile as _bk

#: Instructions BuildKit knows. Anything else is reported on its line.
KNOWN_INSTRUCTIONS = frozenset(
    {
        "ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK",
        "LABEL", "MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME",
        "WORKDIR",
    }
)

MAX_LINE = 65_535

_DIRECTIVE = re.compile(r"^#\s*([a-zA-Z][a-zA-Z0-9_-]*)\s*=\s*(.*?)\s*$")
# hadolint's pragma grammar: codes are letters D, L, S, C followed by digits. A list holding
# anything else is void as a whole (hadolint 2.15.1 behaves the same; see tests/test_pragmas.py).
_PRAGMA = re.compile(r"^\s*#\s*hadolint\s+(global\s+)?ignore\s*=\s*(\S.*?)\s*$")
_CODE = re.compile(r"^[DLSC]+[0-9]+$")
_CHOMP_WORD = re.compile(r"""(?:^|(?<=\s))\d*<<-(?:"([^"]*)"|'([^']*)'|(\S+))(?=\s|$)""")


class DockerfileError(Exception):
    """A file this project cannot read as a Dockerfile. ``kind`` is a stable policy name."""

    def __init__(self, kind: str, message: str, line: int = 1) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.line = line


@dataclass(frozen=True)
class Heredoc:
    """One ``<<NAME`` body of an instruction, as BuildKit uses it (leading tabs already stripped
    for ``<<-NAME``)."""

    name: str
    content: str
    fd: int = 0


@dataclass(frozen=True)
class Instruction:
    """One instruction. ``keyword`` is upper-case; for ``ONBUILD RUN x`` it is ``ONBUILD`` and
    ``sub_keyword`` is ``RUN``. ``flags`` keep their order as ``(name, value)`` pairs without the
    leading dashes (``--chown=1:1`` gives ``("chown", "1:1")``). ``args`` are BuildKit's values:
    for shell-form RUN/CMD/ENTRYPOINT one string, for JSON form one string per element, for
    ENV/LABEL alternating keys and values. ``stage`` is the index of the stage it belongs to
    (-1 for ``ARG`` before the first ``FROM``)."""

    keyword: str
    args: tuple[str, ...]
    line: int
    end_line: int
    original: str
    flags: tuple[tuple[str, str], ...] = ()
    json_form: bool = False
    heredocs: tuple[Heredoc, ...] = ()
    sub_keyword: str | None = None
    stage: int = -1

    def flag(self, name: str) -> str | None:
        """The last value of ``--name`` (``""`` for a bare ``--name``), or ``None``."""
        value: str | None = None
        for key, val in self.flags:
            if key == name:
                value = val
        return value

    def flag_all(self, name: str) -> tuple[str, ...]:
        """Every value of a repeatable flag such as ``--mount``."""
        return tuple(val for key, val in self.flags if key == name)

    @property
    def text(self) -> str:
        """The arguments as one string (shell text for RUN, the JSON elements space-joined)."""
        return " ".join(self.args)

    @property
    def script(self) -> str:
        """What a RUN executes: its command line plus every heredoc body."""
        parts = [self.text] + [h.content for h in self.heredocs]
        return "\n".join(p for p in parts if p)

    @property
    def is_known(self) -> bool:
        return self.keyword in KNOWN_INSTRUCTIONS


@dataclass(frozen=True)
class Stage:
    """One ``FROM`` and the instructions up to the next one. ``base`` is the image reference
    with global ``ARG`` defaults substituted (``base_raw`` as written); ``parent`` is the index of
    an earlier stage when ``FROM`` names one (``FROM build AS test``)."""

    index: int
    name: str | None
    base: str
    base_raw: str
    platform: str | None
    from_instruction: Instruction
    instructions: tuple[Instruction, ...]
    parent: int | None = None

    @property
    def line(self) -> int:
        return self.from_instruction.line

    @property
    def body(self) -> tuple[Instruction, ...]:
        """The instructions after ``FROM``."""
        return self.instructions[1:]


@dataclass(frozen=True)
class Pragmas:
    """hadolint's inline configuration, read from comments."""

    #: line of the instruction a ``# hadolint ignore=`` comment stands directly above -> codes
    line_ignores: Mapping[int, frozenset[str]] = field(default_factory=dict)
    global_ignores: frozenset[str] = frozenset()

    def ignores(self, code: str, line: int) -> bool:
        return code in self.global_ignores or code in self.line_ignores.get(line, frozenset())


@dataclass(frozen=True)
class Dockerfile:
    """A parsed Dockerfile: all instructions in order, split into stages."""

    path: str
    text: str
    instructions: tuple[Instruction, ...]
    stages: tuple[Stage, ...]
    global_args: tuple[Instruction, ...]
    directives: Mapping[str, str]
    pragmas: Pragmas
    #: memo of ``variables`` and ``chain_position`` (not part of the value)
    _memo: dict[str, object] = field(default_factory=dict, init=False, compare=False, repr=False)

    @property
    def lines(self) -> list[str]:
        return self.text.split("\n")

    def stage_named(self, name: str) -> Stage | None:
        for stage in self.stages:
            if stage.name is not None and stage.name.lower() == name.lower():
                return stage
        return None

    def shipped_stage(self, target: str | None = None) -> Stage:
        """The stage that becomes the image: ``target`` when given and present, else the last."""
        if target:
            stage = self.stage_named(target)
            if stage is not None:
                return stage
            if target.isdigit() and int(target) < len(self.stages):
                return self.stages[int(target)]
        return self.stages[-1]

    def chain(self, stage: Stage) -> tuple[Stage, ...]:
        """``stage`` and the earlier stages it inherits from through ``FROM <stage>``, root
        first."""
        out = [stage]
        seen = {stage.index}
        while out[-1].parent is not None and out[-1].parent not in seen:
            parent = self.stages[out[-1].parent]
            seen.add(parent.index)
            out.append(parent)
        return tuple(reversed(out))

    def chain_instructions(self, stage: Stage) -> Iterator[Instruction]:
        """Every instruction that shapes ``stage``'s image, inherited ones first."""
        for st in self.chain(stage):
            yield from st.instructions

    def chain_position(self, stage: Stage, top: Stage) -> int | None:
        """How many ``FROM <stage>`` steps ``stage`` is above ``top`` in ``top``'s chain (0:
        ``top`` itself), or ``None`` when it is not in that chain. Memoised per ``top``, so
        asking for every stage walks the chain once."""
        key = f"chain:{top.index}"
        positions = self._memo.get(key)
        if not isinstance(positions, dict):
            chain = self.chain(top)
            positions = self._memo[key] = {st.index: len(chain) - 1 - k
                                           for k, st in enumerate(chain)}
        return positions.get(stage.index)

    def variables(self, stage: Stage, before_line: int | None = None) -> dict[str, str]:
        """ARG defaults and ENV values in effect in ``stage`` (through its chain) before
        ``before_line`` (all of the stage when ``None``). Values are already expanded. A copy
        of ``scope``: rules that ask per instruction use ``scope``, which copies nothing."""
        return dict(self.scope(stage, before_line))

    def scope(self, stage: Stage, before_line: int | None = None) -> Mapping[str, str]:
        """``variables`` as a read-only view, each name looked up when asked (in O(log n)): no
        per-stage or per-instruction copy of everything a chain of stages assigned, so asking
        for every instruction of every stage of a long chain stays n log n."""
        memo = self._memo.get("scope")
        if not isinstance(memo, _Scopes):
            memo = self._memo["scope"] = _Scopes(self)
        # A line before the stage's FROM sees only what its chain had assigned by then.
        while before_line is not None and before_line <= stage.line and stage.parent is not None:
            stage = self.stages[stage.parent]
        if before_line is not None and before_line <= stage.line:
            return _Scope(memo, None, 0)
        return _Scope(memo, stage.index, before_line if before_line is not None else _END)

    @cached_property
    def _global_defaults(self) -> dict[str, str]:
        defaults: dict[str, str] = {}
        for ins in self.global_args:
            for name, value in _arg_pairs(ins):
                if value is not None:
                    defaults[name] = expand(value, defaults)
        return defaults

    def expand(self, text: str, stage: Stage, line: int | None = None) -> str:
        """Substitute ``$VAR``/``${VAR}`` forms with what ``variables`` knows; unknown ones stay."""
        return expand(text, self.scope(stage, line))

    def instruction_at(self, line: int) -> Instruction | None:
        """The instruction whose lines include ``line`` (a bisection: engines and reports ask
        once per finding)."""
        starts = self._memo.get("starts")
        if not isinstance(starts, list):
            starts = self._memo["starts"] = [i.line for i in self.instructions]
        k = bisect_right(starts, line) - 1
        if k >= 0 and self.instructions[k].line <= line <= self.instructions[k].end_line:
            return self.instructions[k]
        return None


_END = 1 << 62


class _Scopes:
    """Every ARG/ENV assignment of a file, computed once in stage order, and for each name the
    stages that assign it laid out on the stages' tree (parents first): the value of ``NAME``
    at a point is the last assignment before it in its stage, else the one at the end of the
    nearest stage up the ``FROM`` chain that assigns ``NAME`` (the innermost of the nested
    intervals that the assigning stages span in a preorder of the tree, found by bisection)."""

    def __init__(self, df: Dockerfile) -> None:
        stages = df.stages
        self.parent = [st.parent for st in stages]
        children: list[list[int]] = [[] for _ in stages]
        for st in stages:
            if st.parent is not None:
                children[st.parent].append(st.index)
        # Preorder numbers and the last number in each subtree, without recursion.
        self.tin = [0] * len(stages)
        tout = [0] * len(stages)
        clock = 0
        for root in (st.index for st in stages if st.parent is None):
            todo: list[tuple[int, bool]] = [(root, False)]
            while todo:
                node, done = todo.pop()
                if done:
                    tout[node] = clock - 1
                    continue
                self.tin[node] = clock
                clock += 1
                todo.append((node, True))
                todo += [(c, False) for c in reversed(children[node])]
        steps = [[i for i in st.instructions if i.keyword in ("ARG", "ENV")] for st in stages]
        marked: dict[str, set[int]] = {}
        for index, own in enumerate(steps):
            for ins in own:
                for name in _names(ins):
                    marked.setdefault(name, set()).add(index)
        #: name -> (segment starts, innermost assigning stage of each segment)
        self.segments: dict[str, tuple[list[int], list[int | None]]] = {}
        for name, where in marked.items():
            starts: list[int] = []
            values: list[int | None] = []
            stack: list[int] = []
            for m in sorted(where, key=self.tin.__getitem__):
                while stack and tout[stack[-1]] < self.tin[m]:
                    top = stack.pop()
                    starts.append(tout[top] + 1)
                    values.append(stack[-1] if stack else None)
                stack.append(m)
                starts.append(self.tin[m])
                values.append(m)
            while stack:
                top = stack.pop()
                starts.append(tout[top] + 1)
                values.append(stack[-1] if stack else None)
            self.segments[name] = (starts, values)
        #: (stage, name) -> (lines, values) of its assignments in order (None: unset)
        self.own: dict[tuple[int, str], tuple[list[int], list[str | None]]] = {}
        defaults = df._global_defaults
        for index, own in enumerate(steps):
            for ins in own:
                before = _Scope(self, index, ins.line)
                assigned: list[tuple[str, str | None]] = []
                # Every value of one instruction sees the variables as they were before it
                # (``ENV a=2 b=$a`` gives b the earlier a), as documented in
                # https://docs.docker.com/reference/dockerfile/#environment-replacement
                if ins.keyword == "ARG":
                    for name, value in _arg_pairs(ins):
                        if value is not None:
                            assigned.append((name, expand(value, before)))
                        else:
                            current = before.value(name)
                            assigned.append((name, current if current is not None
                                             else defaults.get(name)))
                else:
                    assigned = [(name, expand(_unquote(v), before)) for name, v in _pairs(ins.args)]
                for name, value in assigned:
                    lines, vals = self.own.setdefault((index, name), ([], []))
                    lines.append(ins.line)
                    vals.append(value)
        self.names = list(marked)

    def value(self, stage: int | None, line: int, name: str) -> str | None:
        if stage is None:
            return None
        mine = self.own.get((stage, name))
        if mine is not None:
            k = bisect_left(mine[0], line) - 1
            if k >= 0:
                return mine[1][k]
        parent = self.parent[stage]
        found = self.segments.get(name)
        if parent is None or found is None:
            return None
        k = bisect_right(found[0], self.tin[parent]) - 1
        holder = found[1][k] if k >= 0 else None
        if holder is None:
            return None
        assigned = self.own.get((holder, name))
        return assigned[1][-1] if assigned else None


class _Scope(Mapping[str, str]):
    """The variables in effect at one point: a read-only view over ``_Scopes``."""

    __slots__ = ("_line", "_scopes", "_stage")

    def __init__(self, scopes: _Scopes, stage: int | None, line: int) -> None:
        self._scopes, self._stage, self._line = scopes, stage, line

    def value(self, name: str) -> str | None:
        return self._scopes.value(self._stage, self._line, name)

    def get(self, name: str, default: str | None = None) -> str | None:  # type: ignore[override]
        value = self.value(name)
        return default if value is None else value

    def __getitem__(self, name: str) -> str:
        value = self.value(name)
        if value is None:
            raise KeyError(name)
        return value

    def __iter__(self) -> Iterator[str]:
        return (n for n in self._scopes.names if self.value(n) is not None)

    def __len__(self) -> int:
        return sum(1 for _ in self)


def _names(ins: Instruction) -> Iterator[str]:
    if ins.keyword == "ARG":
        yield from (name for name, _ in _arg_pairs(ins))
    else:
        yield from (name for name, _ in _pairs(ins.args))


def _pairs(args: tuple[str, ...]) -> Iterator[tuple[str, str]]:
    for i in range(0, len(args) - 1, 2):
        yield args[i], args[i + 1]


def _arg_pairs(ins: Instruction) -> Iterator[tuple[str, str | None]]:
    for arg in ins.args:
        name, sep, value = arg.partition("=")
        yield name, (_unquote(value) if sep else None)


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


_VAR = re.compile(
    r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))"
)


def expand(text: str, env: Mapping[str, str]) -> str:
    """Dockerfile variable substitution: ``$A``, ``${A}``, ``${A:-x}``, ``${A-x}``, ``${A:+x}``.
    Variables not in ``env`` are left as written (they may be build-time ``--build-arg``s)."""

    def sub(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(4)
        op, word = match.group(2), match.group(3)
        value = env.get(name)
        if op in (":-", "-"):
            if value is None or (op == ":-" and value == ""):
                return word or ""
            return value
        if op in (":+", "+"):
            if value is None or (op == ":+" and value == ""):
                return ""
            return word or ""
        return value if value is not None else match.group(0)

    return _VAR.sub(sub, text)


def decode(data: bytes) -> str:
    """Bytes to text under the edge policy above (BOM, CRLF, NUL, invalid UTF-8)."""
    if b"\x00" in data:
        raise DockerfileError("binary", "binary content (NUL bytes): not a Dockerfile")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise DockerfileError(
            "encoding", f"invalid UTF-8 at byte {exc.start} (line {line})", line
        ) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_directives(text: str) -> dict[str, str]:
    """Parser directives (``# syntax=``, ``# escape=``, ``# check=``): only consecutive
    ``# key=value`` lines at the very top count, as in BuildKit."""
    found: dict[str, str] = {}
    for raw in text.split("\n"):
        match = _DIRECTIVE.match(raw.strip())
        if not match:
            break
        key = match.group(1).lower()
        if key in found:
            break
        found[key] = match.group(2)
    return found


def read_pragmas(text: str, instruction_lines: frozenset[int]) -> Pragmas:
    """hadolint pragmas. ``# hadolint ignore=A,B`` applies to the instruction that starts on the
    next line; ``# hadolint global ignore=A,B`` to the whole file. A list with any code that is
    not letters D/L/S/C plus digits is void, as in hadolint."""
    line_ignores: dict[int, frozenset[str]] = {}
    global_codes: set[str] = set()
    for number, raw in enumerate(text.split("\n"), start=1):
        match = _PRAGMA.match(raw)
        if not match:
            continue
        body = match.group(2).split("#", 1)[0]
        codes = [c.strip() for c in body.split(",")]
        if not codes or not all(_CODE.match(c) for c in codes):
            continue
        if match.group(1):
            global_codes.update(codes)
        elif number + 1 in instruction_lines:
            line_ignores[number + 1] = line_ignores.get(number + 1, frozenset()) | frozenset(codes)
    return Pragmas(line_ignores, frozenset(global_codes))


def parse(path: str, data: bytes | str) -> Dockerfile:
    """Parse one Dockerfile. Raises ``DockerfileError`` under the edge policy above."""
    text = decode(data) if isinstance(data, bytes) else decode(data.encode("utf-8"))
    for number, raw in enumerate(text.split("\n"), start=1):
        # BuildKit's limit is in bytes (its line scanner's buffer), not characters.
        if len(raw) * 4 > MAX_LINE and (size := len(raw.encode("utf-8"))) > MAX_LINE:
            raise DockerfileError(
                "too-long",
                f"line {number} is {size:,} bytes, over BuildKit's {MAX_LINE:,}-byte limit",
                number,
            )
    if not any(ln.strip() and not ln.lstrip().startswith("#") for ln in text.split("\n")):
        raise DockerfileError("empty", "no instructions (empty or comment-only file)")
    try:
        commands = _bk.parse_string(text)
    except _bk.GoParseError as exc:
        raise DockerfileError("syntax", f"BuildKit parser: {exc}") from None
    instructions = tuple(_instruction(cmd) for cmd in commands)
    return _assemble(path, text, instructions)


def _instruction(cmd: object) -> Instruction:
    flags = []
    for raw in getattr(cmd, "flags", ()):
        name, _, value = raw.lstrip("-").partition("=")
        flags.append((name.lower(), value))
    original = str(getattr(cmd, "original", ""))
    first_line = original.split("\n", 1)[0]
    chomped = _chomped(first_line)
    heredocs = tuple(
        Heredoc(h.name, _chomp(h.content) if h.name in chomped else h.content,
                h.file_descriptor)
        for h in getattr(cmd, "heredocs", ())
    )
    value = tuple(getattr(cmd, "value", ()))
    if value == ("",):
        value = ()
    return Instruction(
        keyword=str(getattr(cmd, "cmd", "")).upper(),
        sub_keyword=(str(cmd.sub_cmd).upper() if getattr(cmd, "sub_cmd", None) else None),  # type: ignore[attr-defined]
        args=value,
        line=int(getattr(cmd, "start_line", 1)),
        end_line=int(getattr(cmd, "end_line", 1)),
        original=original,
        flags=tuple(flags),
        json_form=bool(getattr(cmd, "json", False)),
        heredocs=heredocs,
    )


def _chomped(first_line: str) -> frozenset[str]:
    """The names of the heredocs opened with ``<<-`` on ``first_line`` (BuildKit's word pattern
    ``^(\\d*)<<(-?)(.+)$``, the name optionally quoted, and then with spaces). One pass with
    one pattern for all of an instruction's heredocs: a pattern compiled per name made a file
    of many heredocs superlinear (``tests/fuzz/test_cost.py``, ``multi_heredoc_run``)."""
    return frozenset(next(g for g in m.groups() if g is not None)
                     for m in _CHOMP_WORD.finditer(first_line))


def _chomp(content: str) -> str:
    """``<<-``: BuildKit strips leading tabs from every body line before using it
    (``parser.ChompHeredocContent``), as a shell does."""
    return re.sub(r"(?m)^\t+", "", content)


def _assemble(path: str, text: str, instructions: tuple[Instruction, ...]) -> Dockerfile:
    global_args: list[Instruction] = []
    stage_parts: list[list[Instruction]] = []
    numbered: list[Instruction] = []
    for ins in instructions:
        if ins.keyword == "FROM":
            stage_parts.append([])
        index = len(stage_parts) - 1
        ins = replace(ins, stage=index)
        numbered.append(ins)
        if index < 0:
            if ins.keyword == "ARG":
                global_args.append(ins)
            continue
        stage_parts[index].append(ins)
    if not stage_parts:
        first = next((i for i in numbered if i.keyword != "ARG"), None)
        raise DockerfileError(
            "no-from", "no FROM instruction", first.line if first else 1
        )
    defaults: dict[str, str] = {}
    for ins in global_args:
        for name, value in _arg_pairs(ins):
            if value is not None:
                defaults[name] = expand(value, defaults)
    stages: list[Stage] = []
    named: dict[str, int] = {}
    for index, part in enumerate(stage_parts):
        frm = part[0]
        words = list(frm.args)
        stage_name: str | None = None
        if len(words) >= 3 and words[-2].upper() == "AS":
            stage_name = words[-1]
            words = words[:-2]
        base_raw = words[0] if words else ""
        base = expand(base_raw, defaults)
        # The last earlier stage of that name (a dict, not a scan of every earlier stage).
        parent = named.get(base.lower())
        stages.append(
            Stage(
                index=index,
                name=stage_name,
                base=base,
                base_raw=base_raw,
                platform=frm.flag("platform"),
                from_instruction=frm,
                instructions=tuple(part),
                parent=parent,
            )
        )
        if stage_name is not None:
            named[stage_name.lower()] = index
    starts = frozenset(i.line for i in numbered)
    return Dockerfile(
        path=path,
        text=text,
        instructions=tuple(numbered),
        stages=tuple(stages),
        global_args=tuple(global_args),
        directives=read_directives(text),
        pragmas=read_pragmas(text, starts),
    )
