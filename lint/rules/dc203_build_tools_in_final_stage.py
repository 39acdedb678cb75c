"""DC203 build-tools-in-final-stage: the shipped image installs compilers or headers.

## What it does
Reports each ``RUN`` in the shipped stage (and the stages it inherits from) that installs
compilers, build tools or headers with apt/apk/dnf/yum: ``gcc``, ``g++``, ``clang`` (also
versioned, ``gcc-12``), ``make``, ``cmake``, ``build-essential``, ``build-base``,
``alpine-sdk``, ``*-dev``, ``*-devel``, ``musl-dev``, ``linux-headers``, ``cargo``, ``rustc``,
``golang``/``go``. Packages removed again (``apt-get purge``,
``apk del`` of the package or of its ``--virtual`` group, ``dnf remove``, or the
``apt-mark auto … && apt-get purge --auto-remove`` pattern of the official images) are not
reported; a ``--virtual "$group"`` named by a shell variable counts as removed when the same
RUN runs ``apk del`` on variables (``apk del $groups``). Variables in package lists
(``apt-get install $BUILD_DEPS``) are substituted.

## Why is this bad?
A compiler in the running container is a gift to an attacker (build an exploit in place) and
the toolchain with its headers typically adds 150-300 MB to every pull. Compile in an earlier
stage and copy only the result; the shipped stage then needs only the runtime libraries.

## Example
```dockerfile
FROM python:3.12-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends gcc libpq-dev \
 && rm -rf /var/lib/apt/lists/*
RUN pip install --no-cache-dir psycopg2==2.9.9
USER 10001
CMD ["python", "-m", "app"]
```

## Use instead
```dockerfile
FROM python:3.12-slim AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends gcc libpq-dev \
 && rm -rf /var/lib/apt/lists/*
RUN pip wheel --no-cache-dir --wheel-dir /wheels psycopg2==2.9.9

FROM python:3.12-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpq5 \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir /wheels/*
USER 10001
CMD ["python", "-m", "app"]
```
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator

from lint.dockerfile import Dockerfile, Instruction
from lint.finding import Severity
from lint.rules._base import Hit, RuleContext, shipped
from lint.rules._kind import ships
from lint.rules._paths import shell_steps, walk
from lint.rules._shell import Install, installs

CODE = "DC203"
NAME = "build-tools-in-final-stage"
SEVERITY = Severity.INFO
MESSAGE = (
    "The shipped stage installs build tools ({packages}): build in an earlier stage and copy "
    "only the result"
)
SCOPE = "final"
TAGS = ("size", "security")
SECURITY_SEVERITY: str | None = None
PRECISION = "low"  # measured: 55% (docs/precision.md)
#: Opt-in: below the precision gate on the judged corpus (docs/precision.md).
ENABLED = False

_TOOLS = re.compile(
    r"(gcc|g\+\+|gcc-c\+\+|clang|make|cmake|build-essential|build-base|alpine-sdk"
    r"|musl-dev|linux-headers|cargo|rustc|golang|golang-go|go)(-[0-9.]+)?|.+-dev(el)?"
)
_MANAGERS = frozenset({"apt-get", "apt", "aptitude", "apk", "dnf", "yum", "microdnf"})
_REMOVE = frozenset({"purge", "remove", "autoremove", "del", "erase"})


def check(dockerfile: Dockerfile, context: RuleContext) -> Iterator[Hit]:
    if not ships(dockerfile, shipped(dockerfile, context)):
        return
    kept: dict[Instruction, list[str]] = {}  # RUN -> build tools it installed, still there
    for ins, cwd in walk(dockerfile, shipped(dockerfile, context)):
        steps = shell_steps(dockerfile, ins, cwd, context.scripts) if ins.keyword == "RUN" else ()
        cmds = [w for w, _ in steps]
        added = [p for i in installs(cmds) if i.manager in _MANAGERS for p in _names(i)]
        if any(w[:2] == ["apt-mark", "auto"] for w in cmds):  # purge --auto-remove follows
            added = []
        for words in (w for w in cmds if w[0] in _MANAGERS and set(w) & _REMOVE):
            gone = set(words[1:])
            if any(w.startswith("$") for w in gone):  # `apk del $groups`: the RUN's own names
                gone |= {p.split("@", 1)[1] for p in added if "@$" in p}
            added = [p for p in added if not gone & set(p.split("@"))]
            for pkgs in kept.values():
                pkgs[:] = [p for p in pkgs if not gone & set(p.split("@"))]
        if tools := [p for p in added if _TOOLS.fullmatch(p.split("@")[0])]:
            kept[ins] = tools
    for ins, pkgs in kept.items():
        if pkgs:
            packages = ", ".join(dict.fromkeys(p.split("@")[0] for p in pkgs))
            yield Hit(ins.line, ins.end_line, args={"packages": packages})


def _names(install: Install) -> list[str]:
    """Package names without version pins; an apk ``--virtual`` group's members carry
    ``@group`` so that ``apk del group`` removes them."""
    words = install.words
    group = next((b for a, b in itertools.pairwise(words) if a in ("-t", "--virtual")), None)
    names = [re.split(r"[=<>~:]", w, maxsplit=1)[0] for w in install.packages]
    return [f"{n}@{group}" if group else n for n in names if n and n != group]
