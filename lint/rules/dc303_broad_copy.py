"""DC303 broad-copy: the whole build context is copied into the shipped image.

## What it does
Reports ``COPY . .``, ``COPY . /app``, ``ADD . …`` (a source of ``.``, ``./`` or ``*``) in the
shipped stage and the stages it inherits from. A copy in a build stage whose output is then
copied selectively with ``COPY --from`` is fine and is not reported. The severity rises from
info to warning when the build context has no ``.dockerignore``.

## Why is this bad?
Everything in the context lands in the image: ``.git``, local ``.env`` files, test data,
virtualenvs, editor caches. It makes the image larger, can leak secrets, and invalidates the
layer cache on any change to any file.

## Example
```dockerfile
FROM python:3.12-slim
WORKDIR /app
COPY . .
CMD ["python", "-m", "app"]
```

## Use instead
```dockerfile
FROM python:3.12-slim
WORKDIR /app
COPY app/ ./app/
COPY main.py ./
CMD ["python", "-m", "app"]
```
"""

from __future__ import annotations

from collections.abc import Iterator

from lint.dockerfile import Dockerfile
from lint.finding import Severity
from lint.rules._base import Hit, RuleContext, shipped
from lint.rules._kind import ships

CODE = "DC303"
NAME = "broad-copy"
SEVERITY = Severity.INFO
MESSAGE = ("{keyword} {source} copies the whole build context into the image{why}: copy only "
           "what the image needs")
SCOPE = "final"
TAGS = ("security", "size")
SECURITY_SEVERITY: str | None = "3.0"
PRECISION = "low"  # measured: 52% (docs/precision.md)
#: Opt-in: below the precision gate on the judged corpus (docs/precision.md).
ENABLED = False

WHOLE_CONTEXT = frozenset({".", "./", "*", "./*", "./."})


def check(dockerfile: Dockerfile, context: RuleContext) -> Iterator[Hit]:
    if not ships(dockerfile, shipped(dockerfile, context)):
        return
    for ins in dockerfile.chain_instructions(shipped(dockerfile, context)):
        if ins.keyword not in ("COPY", "ADD") or ins.flag("from") is not None:
            continue
        sources = [s for s in ins.args[:-1]]
        broad = next((s for s in sources if s in WHOLE_CONTEXT), None)
        if broad is None:
            continue
        no_ignore = context.dockerignore is None
        yield Hit(
            ins.line,
            ins.end_line,
            args={"keyword": ins.keyword, "source": broad,
                  "why": " and the context has no .dockerignore" if no_ignore else ""},
            severity=Severity.WARNING if no_ignore else None,
        )
