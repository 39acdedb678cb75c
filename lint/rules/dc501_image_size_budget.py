"""DC501 image-size-budget: the built image is larger, or grew more, than its budget allows.

## What it does
Reported by the size step, not by reading the Dockerfile: the step builds the image at the
pull request's head and at its base, measures both from the layer tars, and compares them with
the budgets set by the inputs ``max-image-size`` (on-disk bytes) and ``max-size-increase``
(bytes or a percentage of the base image's size), globally or per image in ``images``.
Units are explicit: ``500MB`` is 500×10⁶ bytes, ``500MiB`` is 500×2²⁰; a figure exactly at
the budget passes. The finding sits on the ``FROM`` line of the shipped stage and names the
image, the budget and the figure; the size section of the comment shows which instruction
added the bytes.

## Why is this bad?
Every byte of an image is pulled by every node that runs it, scanned by every scanner, and
stored in every registry it is pushed to. Size creeps in one reasonable-looking change at a
time (a build tool left in the final stage, a cache written in one layer and deleted in the
next); a budget turns that creep into a failing check on the pull request that causes it.

## Example
```dockerfile
# with max-image-size: 150MB
FROM python:3.12
COPY . /app
RUN pip install -r /app/requirements.txt
```

## Use instead
```dockerfile
# with max-image-size: 150MB
FROM python:3.12-slim
COPY requirements.txt /app/
RUN pip install --no-cache-dir -r /app/requirements.txt
COPY . /app
```
"""

from __future__ import annotations

from lint.finding import Severity

CODE = "DC501"
NAME = "image-size-budget"
SEVERITY = Severity.ERROR
MESSAGE = "Image size budget exceeded: {message}"
SCOPE = "final"
TAGS = ("size", "budget")
SECURITY_SEVERITY: str | None = None
PRECISION = "high"

