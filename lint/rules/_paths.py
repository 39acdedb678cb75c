"""Shared path reading for rules: where instructions put and touch files.

Walks a stage's chain with the ``WORKDIR`` in effect, resolves paths against it (and against
``cd`` inside a RUN), substitutes ARG/ENV values the way the shell running a RUN would see them,
and compares paths that may hold globs (``/tmp/*``, ``/app/*.sh``) component by component.
Pure: no file system access, everything comes from the parsed Dockerfile.
"""

from __future__ import annotations

import fnmatch
import posixpath
import re
from collections import Counter
from collections.abc import Callable, Iterator
from typing import TypeVar

from lint.dockerfile import Dockerfile, Instruction, Stage
from lint.rules._shell import Scripts

S = TypeVar("S")

_HOME = re.compile(r"^(?:~|\$\{?HOME\}?|/root)(?=/|$)")


def resolve(path: str, cwd: str) -> str:
    """``path`` made absolute against ``cwd`` and normalised; ``~``/``$HOME``/``/root`` become
    ``~`` (root's home: the user rarely matters for where caches land)."""
    path = _HOME.sub("~", path.strip().strip("\"'"))
    if not path.startswith(("/", "~")):
        path = posixpath.join(cwd, path)
    norm = posixpath.normpath(path)
    return "/" + norm.lstrip("/") if norm.startswith("/") else norm


def parts(path: str) -> list[str]:
    return [p for p in path.split("/") if p]


#: The longest file name Linux allows (``NAME_MAX``). A longer component names no file, so it is
#: compared as written: ``fnmatch`` translates a pattern in time quadratic in its ``[`` (12,000
#: cost 5 s), and a component this short costs microseconds whatever it holds.
NAME_MAX = 255


def _same(a: str, b: str) -> bool:
    if a == b:
        return True
    if len(a) > NAME_MAX or len(b) > NAME_MAX:
        return False
    return fnmatch.fnmatchcase(a, b) or fnmatch.fnmatchcase(b, a)


def overlaps(a: str, b: str) -> bool:
    """Is one path inside (or equal to) the other, globs matching either way?"""
    pa, pb = parts(a), parts(b)
    return all(_same(x, y) for x, y in zip(pa, pb, strict=False))


def inside(path: str, root: str) -> bool:
    """Is ``path`` equal to ``root`` or below it (globs in ``root`` match)?"""
    pp, pr = parts(path), parts(root)
    return len(pp) >= len(pr) and all(_same(x, y) for x, y in zip(pp, pr, strict=False))


def walk(dockerfile: Dockerfile, stage: Stage) -> Iterator[tuple[Instruction, str]]:
    """Every instruction of ``stage``'s chain with the WORKDIR in effect when it runs."""
    cwd = "/"
    for ins in dockerfile.chain_instructions(stage):
        if ins.keyword == "WORKDIR" and ins.args:
            cwd = resolve(expanded(dockerfile, ins, ins.args[0]), cwd)
        yield ins, cwd


def expanded(dockerfile: Dockerfile, ins: Instruction, text: str) -> str:
    """``text`` with the ARG/ENV values in effect at ``ins`` substituted (unknown ones kept)."""
    if "$" not in text:
        return text
    return dockerfile.expand(text, dockerfile.stages[ins.stage], ins.line)


def shell_steps(
    dockerfile: Dockerfile, ins: Instruction, cwd: str, scripts: Scripts
) -> Iterator[tuple[list[str], str]]:
    """The simple commands of a RUN, variables substituted, each with the directory it runs
    in (``cd`` inside the script is followed)."""
    cmds = (scripts.run_commands(ins) if ins.json_form
            else scripts.commands(expanded(dockerfile, ins, ins.script)))
    for words in cmds:
        if words[0] == "cd" and len(words) > 1:
            cwd = resolve(words[-1], cwd)
            continue
        yield words, cwd


def assignments(ins: Instruction) -> Iterator[tuple[str, str]]:
    """The ``name=value`` pairs an ENV or ARG writes, values as written (an ARG without a
    default writes none)."""
    if ins.keyword == "ENV":
        yield from zip(ins.args[::2], ins.args[1::2], strict=False)
    elif ins.keyword == "ARG":
        for arg in ins.args:
            name, sep, value = arg.partition("=")
            if sep:
                yield name, value


def copy_parts(ins: Instruction) -> tuple[list[str], str] | None:
    """(sources, destination) of a COPY/ADD, heredoc sources left out; ``None`` if malformed."""
    if ins.keyword not in ("COPY", "ADD") or len(ins.args) < 2:
        return None
    sources = [a for a in ins.args[:-1] if not a.startswith("<<")]
    return sources, ins.args[-1]


def copy_destination(dockerfile: Dockerfile, ins: Instruction, cwd: str) -> str:
    """The absolute path a COPY/ADD writes to (a directory when it ends in ``/``)."""
    found = copy_parts(ins)
    return resolve(expanded(dockerfile, ins, found[1]), cwd) if found else cwd


def mount_targets(ins: Instruction, cwd: str) -> list[str]:
    """Targets of ``RUN --mount=type=cache|tmpfs``: what lands there never reaches a layer."""
    out = []
    for spec in ins.flag_all("mount"):
        fields = dict(f.partition("=")[::2] for f in spec.split(","))
        if fields.get("type") in ("cache", "tmpfs"):
            target = fields.get("target") or fields.get("dst") or fields.get("destination")
            if target:
                out.append(resolve(target, cwd))
    return out



def walk_stages(
    dockerfile: Dockerfile, fresh: Callable[[], S], copy: Callable[[S], S]
) -> Iterator[tuple[Stage, S, Iterator[tuple[Instruction, str]]]]:
    """Every stage in order, with the state its ``FROM <stage>`` parent's chain ended with
    (``fresh()`` for a stage on an image) and its own instructions with the WORKDIR in effect.
    The caller updates the state in place while it reads the instructions, which it must read
    to the end before the next stage. ``walk`` for every stage re-walks every chain (quadratic
    in a chain's length); here each instruction is read once, and a parent's state is handed
    to its last child and copied (``copy``) only for the others."""
    children = Counter(st.parent for st in dockerfile.stages if st.parent is not None)
    ends: dict[int, tuple[S, str]] = {}
    for stage in dockerfile.stages:
        if stage.parent is None or stage.parent not in ends:
            state, cwd = fresh(), "/"
        else:
            state, cwd = ends[stage.parent]
            children[stage.parent] -= 1
            if children[stage.parent]:
                state = copy(state)
            else:
                del ends[stage.parent]
        where = [cwd]
        yield stage, state, _own(dockerfile, stage, where)
        ends[stage.index] = (state, where[0])


def _own(dockerfile: Dockerfile, stage: Stage, where: list[str]
         ) -> Iterator[tuple[Instruction, str]]:
    for ins in stage.instructions:
        if ins.keyword == "WORKDIR" and ins.args:
            where[0] = resolve(expanded(dockerfile, ins, ins.args[0]), where[0])
        yield ins, where[0]
