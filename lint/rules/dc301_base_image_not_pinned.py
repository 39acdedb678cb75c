"""DC301 base-image-not-pinned: a FROM image is not pinned by digest.

## What it does
Reports every ``FROM`` (in every stage) whose image has no ``@sha256:`` digest. ``scratch``,
references to earlier stages, and images matched by this rule's own exemption list
(``--pin-exempt``/input ``pin-exempt``, globs such as ``ghcr.io/my-org/*``; separate from
hadolint's ``trustedRegistries``) are exempt. The message says whether the tag is a moving one
(``latest``, none, a bare major such as ``3``, ``lts``/``stable``, a codename alone such as
``bookworm``) or a specific release, which can still be re-pushed.

## Why is this bad?
A tag is a pointer the publisher can move at any time: the same Dockerfile then builds a
different image, a compromised registry account can ship you anything, and a cache-friendly
rebuild can silently change the base. A digest names exactly one image. hadolint's DL3006/DL3007
ask for a tag; this rule asks for the digest behind it (tools such as Renovate and Dependabot
keep digests up to date).

## Example
```dockerfile
FROM python:3.12-slim
USER 10001
```

## Use instead
```dockerfile
FROM python:3.12-slim@sha256:0f5b1a9e8f2e4f0c4a6c2d3b1e7f9a8c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a
USER 10001
```
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterator

from lint.dockerfile import Dockerfile
from lint.finding import Severity
from lint.rules._base import Hit, RuleContext
from lint.rules._imageref import parse_ref

CODE = "DC301"
NAME = "base-image-not-pinned"
SEVERITY = Severity.INFO
MESSAGE = "Base image {image} is not pinned by digest ({why}); add @sha256:…"
SCOPE = "all"
TAGS = ("security", "reproducibility", "supply-chain")
SECURITY_SEVERITY: str | None = "3.0"
PRECISION = "medium"  # measured: 75% (docs/precision.md)
#: Opt-in: below the precision gate on the judged corpus (docs/precision.md).
ENABLED = False

_MOVING = frozenset({"latest", "lts", "stable", "current", "edge", "rolling", "mainline", "slim",
                     "alpine", "nightly", "main", "master", "dev", "beta", "rc"})
_CODENAME = re.compile(r"^[a-z]+(-slim)?$")
_BARE_MAJOR = re.compile(r"^v?\d+(-[a-z0-9.-]+)?$")


def why(tag: str | None) -> str:
    if tag is None:
        return "no tag: it means latest, which moves"
    if tag in _MOVING or _CODENAME.match(tag) or _BARE_MAJOR.match(tag):
        return f"tag {tag} moves with every release"
    return f"tag {tag} names a release, but tags can be re-pushed"


def check(dockerfile: Dockerfile, context: RuleContext) -> Iterator[Hit]:
    for stage in dockerfile.stages:
        image = stage.base
        if stage.parent is not None or image.lower() == "scratch" or "$" in image or not image:
            continue
        ref = parse_ref(image)
        if ref.digest or any(fnmatch.fnmatch(image, p) for p in context.pin_exempt):
            continue
        yield Hit(stage.line, args={"image": image, "why": why(ref.tag)})
