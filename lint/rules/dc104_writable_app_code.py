"""DC104 writable-app-code: the runtime user can rewrite the application's code.

## What it does
In the shipped stage (and the stages it inherits from), reports application code that the
runtime user (the last ``USER``) can write: a ``COPY``/``ADD --chown`` to that user (by name or
by the UID a ``useradd``/``adduser -u`` gave it), or a world-writable mode (``chmod 777``,
``a+w``, ``o+w``, recursive or not, or ``COPY --chmod=777``). Data and cache locations are
exempt: paths with a ``data``, ``cache``, ``tmp``, ``log(s)``, ``uploads``, ``media``,
``storage``, ``state`` or ``sessions`` component, and ``/tmp``, ``/var/tmp``, ``/var/lib``,
``/var/cache``, ``/var/log``, ``/run``, ``/var/run``. Nothing is reported while the image runs
as root (that is DC101/DL3002). A ``RUN chown -R`` of copied files is DC202's finding.

## Why is this bad?
A compromised process that can write its own code can persist: it rewrites a module, a
template or an entrypoint script and every later request or restart runs the attacker's code.
Files the application only reads should stay owned by root and not be world-writable; only
the directories it really writes to should belong to the runtime user.

## Example
```dockerfile
FROM python:3.12-slim
RUN useradd --uid 10001 --no-create-home app
WORKDIR /app
COPY --chown=app:app . .
USER 10001
CMD ["python", "main.py"]
```

## Use instead
```dockerfile
FROM python:3.12-slim
RUN useradd --uid 10001 --no-create-home app
WORKDIR /app
COPY . .
COPY --chown=10001 seed/ /app/data/
USER 10001
CMD ["python", "main.py"]
```
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator

from lint.dockerfile import Dockerfile
from lint.finding import Severity
from lint.rules._base import Hit, RuleContext, shipped
from lint.rules._kind import ships
from lint.rules._paths import (
    copy_destination,
    expanded,
    inside,
    parts,
    resolve,
    shell_steps,
    walk,
)
from lint.rules._shell import positionals

CODE = "DC104"
NAME = "writable-app-code"
SEVERITY = Severity.INFO
MESSAGE = ("{how} lets the runtime user ({user}) rewrite application code in {path}: keep code "
           "owned by root and give the user only its data directories")
SCOPE = "final"
TAGS = ("security", "hardening")
SECURITY_SEVERITY: str | None = "3.0"
PRECISION = "medium"  # measured: 79% (docs/precision.md)
#: Opt-in: below the precision gate on the judged corpus (docs/precision.md).
ENABLED = False

_DATA = frozenset(
    ("data", "cache", ".cache", "tmp", "temp", "log", "logs", "uploads", "media", "storage",
     "state", "sessions")
)
_DATA_ROOTS = ("/tmp", "/var/tmp", "/var/lib", "/var/cache", "/var/log", "/run", "/var/run")  # noqa: S108
_USER_OPTS = frozenset("-u --uid -g --gid -G --groups -d --home -h --home-dir -s --shell -c "
                       "--comment --gecos --ingroup -k -K -e -f -p".split())


def check(dockerfile: Dockerfile, context: RuleContext) -> Iterator[Hit]:
    if not ships(dockerfile, shipped(dockerfile, context)):
        return
    user, alias, found = "", dict[str, str](), list[tuple[Hit, str | None]]()
    for ins, cwd in walk(dockerfile, shipped(dockerfile, context)):
        if ins.keyword == "USER" and ins.args:
            user = expanded(dockerfile, ins, ins.args[0]).split(":")[0]
        dest = copy_destination(dockerfile, ins, cwd)
        if ins.keyword in ("COPY", "ADD") and not data(dest):
            owner = expanded(dockerfile, ins, ins.flag("chown") or "").split(":")[0]
            if owner or world_writable(ins.flag("chmod") or ""):
                how = f"{ins.keyword} --{'chown' if owner else 'chmod'}"
                hit = Hit(ins.line, ins.end_line, {"how": how, "path": dest})
                found.append((hit, owner or None))
        steps = shell_steps(dockerfile, ins, cwd, context.scripts) if ins.keyword == "RUN" else ()
        for words, here in steps:
            args = positionals(words, _USER_OPTS)
            if words[0] in ("useradd", "adduser") and args and (uid := _uid(words)):
                alias.update({args[0]: uid, uid: args[0]})
            code = [t for t in (resolve(p, here) for p in args[1:]) if not data(t)]
            if words[0] == "chmod" and args and world_writable(args[0]) and code:
                hit = Hit(ins.line, ins.end_line, {"how": f"`chmod {args[0]}`", "path": code[0]})
                found.append((hit, None))
    if user in ("", "root", "0"):
        return
    for hit, who in found:
        if who is None or who == user or who == alias.get(user):
            yield Hit(hit.line, hit.end_line, args={**hit.args, "user": user})


def data(path: str) -> bool:
    """A location the application is expected to write: data, caches, logs, temporary files."""
    return any(p in _DATA for p in parts(path)) or any(inside(path, r) for r in _DATA_ROOTS)


def world_writable(mode: str) -> bool:
    """``777``, ``0666``, ``a+w``, ``o+rwx``, ``u+x,o+w`` …: writable by every user."""
    if re.fullmatch(r"[0-7]{3,4}", mode):
        return int(mode[-1]) & 2 == 2
    return any(re.fullmatch(r"[ugo]*[ao][ugo]*[+=][rwxXst]*w[rwxXst]*", c) for c in mode.split(","))


def _uid(words: list[str]) -> str | None:
    for flag, value in itertools.pairwise(words):
        if flag in ("-u", "--uid"):
            return value
    return next((w.split("=", 1)[1] for w in words if w.startswith("--uid=")), None)
