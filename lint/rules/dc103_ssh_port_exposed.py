"""DC103 ssh-port-exposed: (stub, to be written).

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

CODE = "DC103"
NAME = "ssh-port-exposed"
SEVERITY = Severity.WARNING
MESSAGE = "TODO"
SCOPE = "final"
TAGS = ("security", "hardening")
SECURITY_SEVERITY: str | None = "5.0"
PRECISION = "high"


def check(dockerfile: Dockerfile, context: RuleContext) -> Iterator[Hit]:
    return iter(())
