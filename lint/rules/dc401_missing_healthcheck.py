"""DC401 missing-healthcheck: a service image has no HEALTHCHECK.

## What it does
Reports the shipped stage of a service image (it has ``EXPOSE``, or its ``CMD``/``ENTRYPOINT``
starts a known server: uvicorn, gunicorn, flask, django ``runserver``, node, nginx,
``java -jar`` …) when neither it nor a stage it inherits from declares a ``HEALTHCHECK``.
``HEALTHCHECK NONE`` is a deliberate choice and passes. Build stages are never reported.
hadolint's DL3057 (off by default) asks the same of every stage; this rule asks it only of the
image that ships, and only of services.

## Why is this bad?
Without a health check Docker (and Compose, Swarm, and anything reading the container state)
reports a hung or deadlocked server as ``running``; with one it becomes ``unhealthy`` and can be
restarted or taken out of rotation.

## Example
```dockerfile
FROM python:3.12-slim
EXPOSE 8000
CMD ["uvicorn", "main:app", "--host", "0.0.0.0"]
```

## Use instead
```dockerfile
FROM python:3.12-slim
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health')"]
CMD ["uvicorn", "main:app", "--host", "0.0.0.0"]
```
"""

from __future__ import annotations

from collections.abc import Iterator

from lint.dockerfile import Dockerfile
from lint.finding import Severity
from lint.rules._base import Hit, RuleContext, shipped
from lint.rules._kind import ships
from lint.rules._stacks import starts_server

CODE = "DC401"
NAME = "missing-healthcheck"
SEVERITY = Severity.INFO
MESSAGE = ("The shipped image runs a service ({why}) but has no HEALTHCHECK: add one that "
           "probes the service")
SCOPE = "final"
TAGS = ("reliability",)
SECURITY_SEVERITY: str | None = None
PRECISION = "medium"  # measured: 72% (docs/precision.md)
#: Opt-in: below the precision gate on the judged corpus (docs/precision.md).
ENABLED = False


def check(dockerfile: Dockerfile, context: RuleContext) -> Iterator[Hit]:
    if not ships(dockerfile, shipped(dockerfile, context)):
        return
    stage = shipped(dockerfile, context)
    chain = list(dockerfile.chain_instructions(stage))
    if any(i.keyword == "HEALTHCHECK" for i in chain):
        return
    exposes = [i for i in chain if i.keyword == "EXPOSE"]
    if exposes:
        yield Hit(stage.line, args={"why": f"EXPOSE on line {exposes[0].line}"},
                  related=(exposes[0].line,))
    elif starts_server(dockerfile, stage):
        yield Hit(stage.line, args={"why": "its command starts a server"})
