"""DC103 ssh-port-exposed: the shipped image exposes the SSH port.

## What it does
Reports an ``EXPOSE`` of port 22 in the shipped stage or a stage it inherits from, in any form:
``22``, ``22/tcp``, ``22/udp``, a range that includes 22, or a variable (``${SSH_PORT}``) whose
ARG/ENV value is 22.

## Why is this bad?
An exposed port 22 means the image runs an SSH server next to its application: another daemon,
another set of credentials or keys baked into the image, and another way in for an attacker.
Containers are reached with ``docker exec``/``kubectl exec``; they do not need sshd.

## Example
```dockerfile
FROM debian:12-slim
ARG SSH_PORT=22
RUN apt-get update && apt-get install -y --no-install-recommends openssh-server \
 && rm -rf /var/lib/apt/lists/*
EXPOSE 8080 ${SSH_PORT}/tcp
USER 10001
```

## Use instead
```dockerfile
FROM debian:12-slim
EXPOSE 8080
USER 10001
```
Use ``docker exec`` or ``kubectl exec`` (or an ephemeral debug container) to get a shell.
"""

from __future__ import annotations

from collections.abc import Iterator

from lint.dockerfile import Dockerfile
from lint.finding import Severity
from lint.rules._base import Hit, RuleContext, shipped
from lint.rules._kind import ships
from lint.rules._paths import expanded

CODE = "DC103"
NAME = "ssh-port-exposed"
SEVERITY = Severity.WARNING
MESSAGE = ("EXPOSE {port} publishes the SSH port: drop the SSH server from the shipped image and "
           "use docker exec for a shell")
SCOPE = "final"
TAGS = ("security", "hardening")
SECURITY_SEVERITY: str | None = "5.0"
PRECISION = "low"  # measured: 20% (docs/precision.md)
#: Opt-in: below the precision gate on the judged corpus (docs/precision.md).
ENABLED = False


def check(dockerfile: Dockerfile, context: RuleContext) -> Iterator[Hit]:
    if not ships(dockerfile, shipped(dockerfile, context)):
        return
    for ins in dockerfile.chain_instructions(shipped(dockerfile, context)):
        if ins.keyword != "EXPOSE":
            continue
        for word in expanded(dockerfile, ins, " ".join(ins.args)).split():
            low, _, high = word.split("/", 1)[0].partition("-")
            if low.isdigit() and int(low) <= 22 <= int(high if high.isdigit() else low):
                yield Hit(ins.line, ins.end_line, args={"port": word})
                break
