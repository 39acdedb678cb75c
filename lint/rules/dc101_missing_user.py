"""DC101 missing-user: the shipped image never switches away from root.

## What it does
Checks that the shipped stage, including the stages it inherits from through
``FROM <earlier-stage>``, contains a ``USER`` instruction. An explicit ``USER root`` is
hadolint's DL3002 and is not repeated here. Bases that already run as a non-root user
(``gcr.io/distroless/…:nonroot``, ``*:…-nonroot``, ``nginxinc/nginx-unprivileged``) pass.
So does an image with an ``ENTRYPOINT`` whose chain installs ``gosu`` or ``su-exec``
(package, download or ``COPY``): that is the official images' step-down pattern, where the
entrypoint script, which the rule cannot read, starts the service as an unprivileged user
after root-only setup (volume ownership, secrets). A base that is not an official image may set
its own USER: the finding says so, at ``info``. Images that ship no workload (see
``lint/rules/_kind.py``) and Windows images are not reported.

## Why is this bad?
A container runs as root unless the image says otherwise. A process that is compromised as
root inside the container has the most leverage for escaping it, and can rewrite everything in
the image's filesystem. Every seed write-up this project grew from switches to a non-root user.

## Example
```dockerfile
FROM python:3.12-slim
COPY app.py /app/
CMD ["python", "/app/app.py"]
```

## Use instead
```dockerfile
FROM python:3.12-slim
RUN useradd --uid 10001 --no-create-home app
COPY app.py /app/
USER 10001
CMD ["python", "/app/app.py"]
```
A numeric UID keeps hadolint's DL3066 quiet and lets Kubernetes' ``runAsNonRoot`` verify it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lint.dockerfile import Dockerfile, Instruction
from lint.finding import Severity
from lint.rules._base import Hit, RuleContext, shipped
from lint.rules._imageref import parse_ref
from lint.rules._kind import is_windows, ships

CODE = "DC101"
NAME = "missing-user"
SEVERITY = Severity.WARNING
MESSAGE = "The shipped stage never sets USER, so {consequence}: add USER with a non-root UID"
SCOPE = "final"
TAGS = ("security", "hardening")
SECURITY_SEVERITY: str | None = "5.0"
PRECISION = "low"  # measured: 43% (docs/precision.md)
#: Opt-in: below the precision gate on the judged corpus (docs/precision.md).
ENABLED = False

# Bases that already set a non-root USER: distroless/Chainguard ``:nonroot`` tags, NGINX's
# ``nginx-unprivileged``. Their USER is inherited, so the Dockerfile need not repeat it.
_NONROOT_BASE = re.compile(r":(.*[-_])?nonroot([-_.]|$)|-unprivileged(:|@|$)")
# A step-down tool named as a package (``su-exec>=0.2``), a path or a COPY source/target.
_STEP_DOWN = re.compile(r"(^|[\s/'\"=])(gosu|su-exec)([\s'\"=<>~:]|$)")


def check(dockerfile: Dockerfile, context: RuleContext) -> Iterator[Hit]:
    stage_ = shipped(dockerfile, context)
    if not ships(dockerfile, stage_) or is_windows(dockerfile, stage_):
        return
    stage = shipped(dockerfile, context)
    if stage.base.lower() == "scratch" and len(stage.instructions) == 1:
        return
    if _NONROOT_BASE.search(dockerfile.chain(stage)[0].base):
        return
    chain = list(dockerfile.chain_instructions(stage))
    if any(i.keyword == "USER" for i in chain) or _steps_down(chain):
        return
    root = dockerfile.chain(stage)[0]
    if "$" in root.base or not parse_ref(root.base).official:
        # Not an official image: its own Dockerfile (a project's base) may set a USER.
        yield Hit(stage.line, severity=Severity.INFO, args={
            "consequence": f"the container runs as root unless {root.base} sets a USER"})
        return
    yield Hit(stage.line, args={"consequence": "the container runs as root"})


def _steps_down(chain: list[Instruction]) -> bool:
    """An ENTRYPOINT plus gosu/su-exec put in place by a RUN or COPY/ADD of the chain."""
    return any(i.keyword == "ENTRYPOINT" for i in chain) and any(
        i.keyword in ("RUN", "COPY", "ADD") and _STEP_DOWN.search(i.script)
        for i in chain
    )
