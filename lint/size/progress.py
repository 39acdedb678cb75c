"""Progress lines of the size step's long phases (builds, reading the images), pure.

A build can take minutes and prints nothing on its own (its log is kept for the report), so
the step says when each starts, every ``INTERVAL`` seconds while it runs, and how it ended::

    size: building head of app (examples/app/Dockerfile.slim)
    size: building head of app (examples/app/Dockerfile.slim) … 20 s
    size: built head of app (examples/app/Dockerfile.slim) in 41 s

Image names and paths come from the repository: control characters become ``?`` and the line
always starts with ``size:``, so it is one line and never a workflow command. The clock and the
thread that ticks live at the edge (``lint.size.step.Ticker``).
"""

from __future__ import annotations

import re

#: Seconds between two lines about the same running phase.
INTERVAL = 20.0

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def clean(text: str) -> str:
    """``text`` on one line: control characters (CR, LF, ESC ...) become ``?``."""
    return _CONTROL.sub("?", text)


def seconds(value: float) -> str:
    """Elapsed time: ``7 s``, ``45 s``, ``2 min 05 s``."""
    whole = int(value)
    if whole < 60:
        return f"{whole} s"
    return f"{whole // 60} min {whole % 60:02d} s"


def build_subject(side: str, image: str, dockerfile: str) -> str:
    """What is built: ``head of app (examples/app/Dockerfile.slim)``."""
    return f"{side} of {clean(image)} ({clean(dockerfile)})"


def running(verb: str, subject: str, elapsed: float | None = None) -> str:
    """A phase starting (``elapsed`` None) or still running."""
    line = f"size: {verb} {subject}"
    return line if elapsed is None else f"{line} … {seconds(elapsed)}"


def done(verb: str, subject: str, elapsed: float, outcome: str = "") -> str:
    """A phase that ended: ``outcome`` empty for success, else ``failed`` or ``timed out``."""
    if outcome:
        return f"size: {verb} {subject} {outcome} after {seconds(elapsed)}"
    return f"size: {verb} {subject} in {seconds(elapsed)}"


__all__ = ["INTERVAL", "build_subject", "clean", "done", "running", "seconds"]
