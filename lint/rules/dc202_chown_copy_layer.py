"""DC202 chown-copy-layer: a RUN chown/chmod rewrites files an earlier COPY created.

## What it does
Reports a ``RUN chown`` or ``RUN chmod`` (recursive or not, paths resolved against ``WORKDIR``
and ``cd``) whose target was created by an earlier ``COPY``/``ADD`` of the same stage or of a
stage it inherits from through ``FROM <earlier-stage>``. Directories the RUN makes itself
(``mkdir -p /app/data && chown app /app/data``, their parents and children) are not
reported, nor are files the same RUN deletes afterwards (``chmod +x setup/run.sh &&
setup/run.sh && rm -rf setup``): their rewritten copy never reaches a layer.

## Why is this bad?
A layer stores every file whose content *or metadata* changed. Changing the owner or mode of a
copied file therefore stores the whole file a second time: ``COPY . /app`` followed by
``RUN chown -R app /app`` ships the application twice, and the copy in the earlier layer can
never be removed.

## Example
```dockerfile
FROM python:3.12-slim
WORKDIR /app
COPY . .
RUN chown -R 10001 /app && chmod +x entrypoint.sh
USER 10001
CMD ["python", "-m", "app"]
```

## Use instead
```dockerfile
FROM python:3.12-slim
WORKDIR /app
COPY --chmod=755 . .
RUN mkdir -p /app/data && chown 10001 /app/data
USER 10001
CMD ["python", "-m", "app"]
```
Set ownership and mode in the ``COPY`` itself (``--chown=<uid>``, ``--chmod``) when the runtime
user must own the files (data, caches); code the application only reads needs no chown at all
(see DC104).
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from lint.dockerfile import Dockerfile
from lint.finding import Severity
from lint.rules._base import Hit, RuleContext, shipped
from lint.rules._kind import ships
from lint.rules._paths import (
    copy_destination,
    copy_parts,
    inside,
    overlaps,
    resolve,
    shell_steps,
    walk,
)
from lint.rules._shell import positionals

CODE = "DC202"
NAME = "chown-copy-layer"
SEVERITY = Severity.WARNING
MESSAGE = (
    "`{command}` on {path} rewrites files the COPY/ADD on line {origin} created, so every one "
    "is stored again in a new layer: leave code the app only reads owned by root, or set "
    "--chown/--chmod in that COPY"
)
SCOPE = "all"
TAGS = ("size", "layers")
SECURITY_SEVERITY: str | None = None
PRECISION = "medium"  # measured: 81% (docs/precision.md)
#: Opt-in: below the precision gate on the judged corpus (docs/precision.md).
ENABLED = False


def check(dockerfile: Dockerfile, context: RuleContext) -> Iterator[Hit]:
    if not ships(dockerfile, shipped(dockerfile, context)):
        return
    for stage in dockerfile.stages:
        copies: list[tuple[str, bool, int]] = []  # path, is a directory tree, line
        made: list[str] = []  # directories RUNs created with mkdir
        for ins, cwd in walk(dockerfile, stage):
            if ins.keyword in ("COPY", "ADD") and (found := copy_parts(ins)):
                copies += created(found[0], found[1], copy_destination(dockerfile, ins, cwd),
                                  ins.line)
            if ins.keyword != "RUN":
                continue
            hit = None
            for words, here in shell_steps(dockerfile, ins, cwd, context.scripts):
                if words[0] == "mkdir":
                    made += [resolve(p, here) for p in positionals(words, frozenset({"-m"}))]
                if words[0] in ("chown", "chmod") and hit is None and ins.stage == stage.index:
                    hit = _touches(words, here, copies, made)
                elif words[0] == "rm" and hit is not None:
                    # Deleted in the same RUN: the rewritten copy never reaches a layer.
                    gone = [resolve(p, here) for p in positionals(words)]
                    if any(inside(str(hit["path"]), g) for g in gone):
                        hit = None
            if hit:
                origin = hit["origin"]
                yield Hit(ins.line, ins.end_line, args=hit,
                          related=(origin,) if isinstance(origin, int) else ())


def _touches(
    words: list[str], cwd: str, copies: list[tuple[str, bool, int]], made: list[str]
) -> dict[str, object] | None:
    opts = [w for w in words[1:] if w.startswith("-") and not w[1:2].isdigit()]
    recursive = "--recursive" in opts or any(o[1:2] != "-" and "R" in o for o in opts)
    args = [w for w in words[1:] if w not in opts]
    targets = args if any(o.startswith("--reference") for o in opts) else args[1:]
    command = words[0] + (" -R" if recursive else "")
    for target in (resolve(t, cwd) for t in targets):
        for dest, is_dir, line in reversed(copies):
            new_dir = any(inside(m, dest) and m != dest and overlaps(m, target) for m in made)
            covers = recursive and inside(dest, target)
            within = inside(target, dest) and not new_dir and (target != dest or not is_dir)
            if covers or within:
                return {"command": command, "path": target, "origin": line}
    return None


def created(sources: list[str], dest: str, path: str, line: int) -> list[tuple[str, bool, int]]:
    """What a COPY/ADD creates: ``(path, is a directory tree, line)`` per source. A source that
    looks like a file (``app.py``, ``*.sh``, ``.env``) copied into a directory lands under its
    name; a single source copied to a path that does not end in ``/`` is that path."""
    into_dir = dest.endswith("/") or dest in (".", "..") or len(sources) > 1
    out = []
    for source in sources:
        name = posixpath.basename(source.rstrip("/"))
        is_dir = source.endswith("/") or name in ("", ".", "..")
        if into_dir and not is_dir and "." in name:
            out.append((posixpath.join(path, name), False, line))
        else:
            out.append((path, is_dir or into_dir, line))
    return out
