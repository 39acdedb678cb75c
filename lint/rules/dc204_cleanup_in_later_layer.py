"""DC204 cleanup-in-later-layer: (stub, to be written).

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

CODE = "DC204"
NAME = "cleanup-in-later-layer"
SEVERITY = Severity.WARNING
MESSAGE = "TODO"
SCOPE = "all"
TAGS = ("size", "layers")
SECURITY_SEVERITY: str | None = None
PRECISION = "high"


def check(dockerfile: Dockerfile, context: RuleContext) -> Iterator[Hit]:
    return iter(())
