"""DC001 unparsable: the file cannot be built as a Dockerfile.

## What it does
Reports a file that is not a Dockerfile BuildKit would accept: binary content, invalid UTF-8,
an empty or comment-only file, a file without ``FROM``, a line longer than BuildKit's 65,535
characters, or a syntax error. Whole-file problems stand on line 1 (or the line at fault) and no
other rule of this project runs on that file. An unknown instruction (``FOO bar``) is reported on
its own line and the other rules still run.

## Why is this bad?
``docker build`` fails on every one of these, so the image cannot be built at all.

## Example
```dockerfile
FROM alpine:3.20
COPPY app /app
```

## Use instead
```dockerfile
FROM alpine:3.20
COPY app /app
```
"""

from __future__ import annotations

from collections.abc import Iterator

from lint.dockerfile import Dockerfile
from lint.finding import Severity
from lint.rules._base import Hit, RuleContext

CODE = "DC001"
NAME = "unparsable"
SEVERITY = Severity.ERROR
MESSAGE = "{reason}"
SCOPE = "file"
TAGS = ("correctness",)
SECURITY_SEVERITY: str | None = None
PRECISION = "very-high"
#: hadolint's parse error says the same as DC001 on its line (or anywhere, for a file our
#: parser rejected as a whole).
SUPERSEDES = ("DL1000",)


def check(dockerfile: Dockerfile, context: RuleContext) -> Iterator[Hit]:
    for ins in dockerfile.instructions:
        if not ins.is_known:
            yield Hit(ins.line, ins.end_line, {"reason": f"unknown instruction {ins.keyword}"})
