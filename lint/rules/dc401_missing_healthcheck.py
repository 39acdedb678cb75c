"""DC401 missing-healthcheck: (stub, to be written).

## What it does
TODO

## Why is this bad?
TODO

## Example
```dockerfile
FROM alpine:3.20
```

## Use instead
```dockerfile
FROM alpine:3.20
```
"""

from __future__ import annotations

from collections.abc import Iterator

from lint.dockerfile import Dockerfile
from lint.finding import Severity
from lint.rules._base import Hit, RuleContext

CODE = "DC401"
NAME = "missing-healthcheck"
SEVERITY = Severity.INFO
MESSAGE = "TODO"
SCOPE = "final"
TAGS = ("reliability",)
SECURITY_SEVERITY: str | None = None
PRECISION = "high"


def check(dockerfile: Dockerfile, context: RuleContext) -> Iterator[Hit]:
    return iter(())
