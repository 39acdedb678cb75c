"""DC201 full-base-image: the shipped image starts from the full variant of an official image.

## What it does
Looks at the base image of the shipped stage (through ``FROM <earlier-stage>`` to the image
the chain starts from, with ARG defaults substituted, ``docker.io/library/`` accepted) and
reports the full variant of an official image that publishes smaller ones: python, node, ruby,
perl, rust (``-slim``/``-alpine``), php (``-alpine``), golang (``-alpine``), debian (``-slim``),
eclipse-temurin (``-jre``/``-alpine``). ``python:3.12`` and ``python:3.12-bookworm`` fire;
``python:3.12-slim`` does not; a digest without a tag is not judged. The message names the
smaller variant. The finding is on the
``FROM`` line that names the image.

## Why is this bad?
The full variants carry compilers, headers, version control and hundreds of libraries so that
anything can be built on them: python:3.12 is about 1 GB where python:3.12-slim is about 150 MB.
Everything in the image is pulled on every deploy and scanned, patched and exploitable. Build
stages may use the full image; the shipped one should not.

## Example
```dockerfile
ARG PY=3.12
FROM python:${PY}-bookworm
COPY app.py /app/
USER 10001
CMD ["python", "/app/app.py"]
```

## Use instead
```dockerfile
ARG PY=3.12
FROM python:${PY}-bookworm AS build
RUN pip wheel --wheel-dir /wheels flask
FROM python:${PY}-slim-bookworm
COPY --from=build /wheels /wheels
COPY app.py /app/
USER 10001
CMD ["python", "/app/app.py"]
```
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lint.dockerfile import Dockerfile
from lint.finding import Severity
from lint.rules._base import Hit, RuleContext, shipped
from lint.rules._kind import is_windows, ships

CODE = "DC201"
NAME = "full-base-image"
SEVERITY = Severity.INFO
MESSAGE = "The shipped image starts from the full `{image}`: use `{smaller}`, which is much smaller"
SCOPE = "final"
TAGS = ("size",)
SECURITY_SEVERITY: str | None = None
PRECISION = "low"  # measured: 62% (docs/precision.md)
#: Opt-in: below the precision gate on the judged corpus (docs/precision.md).
ENABLED = False

_SUITE = r"(bookworm|bullseye|buster|trixie|stretch|jammy|focal|noble)"
_SLIM_FIRST = ("python", "ruby", "perl", "rust")  # 3.12-slim-bookworm
_SMALL = re.compile(r"(^|-)(slim|alpine|jre|windowsservercore|nanoserver|apache|backports)")


def check(dockerfile: Dockerfile, context: RuleContext) -> Iterator[Hit]:
    stage_ = shipped(dockerfile, context)
    if not ships(dockerfile, stage_) or is_windows(dockerfile, stage_):
        return
    root = dockerfile.chain(shipped(dockerfile, context))[0]
    ref = re.sub(r"^(docker\.io/|index\.docker\.io/)?(library/)?", "", root.base.split("@")[0])
    name, _, tag = ref.partition(":")
    tag = tag or ("" if "@" in root.base else "latest")
    if not tag or "$" in ref or "/" in name or _SMALL.search(tag):
        return
    if not (smaller := _smaller(name, tag)):
        return
    yield Hit(root.line, args={"image": f"{name}:{tag}", "smaller": f"{name}:{smaller}"})


def _smaller(name: str, tag: str) -> str | None:
    """The smaller variant's tag for an official image's full tag, or ``None``."""
    version, suite = re.fullmatch(rf"(?:(.*?)-?){_SUITE}?", tag).groups()  # type: ignore[union-attr]
    version = "" if version == "latest" else version
    if name in _SLIM_FIRST or name == "node":
        parts = [version, suite, "slim"] if name == "node" else [version, "slim", suite]
        return "-".join(p for p in parts if p)
    if name in ("php", "golang"):
        return "-".join(p for p in (version, "alpine") if p)
    if name == "debian" and tag not in ("experimental", "rc-buggy"):
        return f"{tag}-slim" if tag != "latest" else "stable-slim"
    if name == "eclipse-temurin":
        if re.search(r"(^|-)jdk(-|$)", tag):
            return re.sub(r"(^|-)jdk(-|$)", r"\1jre\2", tag)
        return "-".join(p for p in (version, "jre", suite) if p)
    return None
