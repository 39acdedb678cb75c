"""DC402 python-env-missing: a Python image without PYTHONDONTWRITEBYTECODE and PYTHONUNBUFFERED.

## What it does
Reports the shipped stage of a Python image (a ``python`` base, or ``pip``/``python`` used in its
RUN/CMD/ENTRYPOINT) when its chain does not set both ``PYTHONDONTWRITEBYTECODE`` and
``PYTHONUNBUFFERED`` to a non-empty value with ``ENV``. The message lists what is missing.
``python3`` that only an ``apk add --virtual`` build group installs (to compile a Node addon,
then ``apk del``) does not make an image a Python image.

## Why is this bad?
``PYTHONUNBUFFERED`` makes ``print`` and logging reach ``docker logs`` at once instead of when a
buffer fills (or never, if the process is killed). ``PYTHONDONTWRITEBYTECODE`` stops Python from
writing ``.pyc`` files into the container's writable layer (or into image layers during RUN),
which only costs space in an image that starts once.

## Example
```dockerfile
FROM python:3.12-slim
COPY app.py /app/
CMD ["python", "/app/app.py"]
```

## Use instead
```dockerfile
FROM python:3.12-slim
ENV PYTHONDONTWRITEBYTECODE=1 \\
    PYTHONUNBUFFERED=1
COPY app.py /app/
CMD ["python", "/app/app.py"]
```
"""

from __future__ import annotations

from collections.abc import Iterator

from lint.dockerfile import Dockerfile
from lint.finding import Severity
from lint.rules._base import Hit, RuleContext, shipped
from lint.rules._kind import ships
from lint.rules._stacks import is_python

CODE = "DC402"
NAME = "python-env-missing"
SEVERITY = Severity.STYLE
MESSAGE = "Python image without {missing} set in ENV: set them with ENV in the image"
SCOPE = "final"
TAGS = ("python", "configuration")
SECURITY_SEVERITY: str | None = None
PRECISION = "low"  # measured: 54% (docs/precision.md)
#: Opt-in: below the precision gate on the judged corpus (docs/precision.md).
ENABLED = False

WANTED = ("PYTHONDONTWRITEBYTECODE", "PYTHONUNBUFFERED")


def check(dockerfile: Dockerfile, context: RuleContext) -> Iterator[Hit]:
    if not ships(dockerfile, shipped(dockerfile, context)):
        return
    stage = shipped(dockerfile, context)
    if not is_python(dockerfile, stage, context.scripts):
        return
    env = dockerfile.variables(stage)
    declared = {
        name for ins in dockerfile.chain_instructions(stage) if ins.keyword == "ENV"
        for name in ins.args[0::2]
    }
    missing = [v for v in WANTED if v not in declared or not env.get(v)]
    if missing:
        yield Hit(stage.line, args={"missing": " and ".join(missing)})
