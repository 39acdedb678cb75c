"""The five seed write-ups (../shared/seeds/) as Dockerfiles, before and after the improvements
each describes. The rules for the practices a seed improved fire before and not after.

Seed 000 is a measurement, not a fix: its ``docker history`` lists layers newest first, so the
image was built WORKDIR -> COPY requirements.txt -> RUN pip install -> COPY app/ . (already
cache-friendly: DC302 must not fire) and ran as root on an unpinned python:3.10-slim without
HEALTHCHECK or Python env vars. Its "after" is the same image with those four practices applied.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from lint import context as context_io
from lint.dockerfile import parse
from lint.engine import analyze

SEEDS = Path(__file__).parent / "seeds"

#: seed -> (rules for the practices it improved, rules that must not fire before)
IMPROVED: dict[str, tuple[set[str], set[str]]] = {
    "seed000": ({"DC101", "DC301", "DC401", "DC402"}, {"DC302", "DC201", "DC303"}),
    # slim pinned by digest, non-root, requirements first, .dockerignore, env vars, specific COPY
    "seed001": ({"DC101", "DC201", "DC301", "DC302", "DC303", "DC304", "DC402"}, set()),
    # alpine base, non-root user, cache-friendly order, .dockerignore
    "seed002": ({"DC101", "DC201", "DC302", "DC303", "DC304"}, set()),
    # rootless, code not writable by its user, slim, no secrets, no SSH port, specific COPY, order
    "seed003": ({"DC102", "DC103", "DC104", "DC201", "DC302", "DC303", "DC304"}, set()),
    # rootless, precise alpine base, .dockerignore, two COPYs, COPY --chown, HEALTHCHECK, env vars
    "seed004": ({"DC101", "DC201", "DC202", "DC302", "DC303", "DC304", "DC401", "DC402"}, set()),
}


def codes(variant: Path) -> set[str]:
    dockerfile = variant / "Dockerfile"
    parsed = parse("Dockerfile", dockerfile.read_bytes())
    return {f.code for f in analyze(parsed, context_io.load(dockerfile))}


@pytest.mark.parametrize("seed", sorted(IMPROVED))
def test_improved_practices_fire_before_and_not_after(seed: str) -> None:
    improved, quiet_before = IMPROVED[seed]
    before, after = codes(SEEDS / seed / "before"), codes(SEEDS / seed / "after")
    assert improved <= before, f"missing before: {sorted(improved - before)}"
    assert not improved & after, f"still firing after: {sorted(improved & after)}"
    assert not quiet_before & before, f"false positives before: {sorted(quiet_before & before)}"
