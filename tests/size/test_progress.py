"""Progress lines of the size step: the pure formatter (``lint.size.progress``), the clock at
the edge (``lint.size.step.timed``), and a real build on each engine whose lines have the
documented shape; the images built there carry labels that tell base and head apart, and the
labels change no size."""

from __future__ import annotations

import itertools
import json
import re
import time
from collections.abc import Callable

import pytest

from lint.size import SizeSettings, progress, run_step
from lint.size.step import timed
from tests.size.conftest import Engine, Repo, base_image_bytes

MakeRepo = Callable[[dict[str, str | None], dict[str, str | None]], Repo]


def test_elapsed_time() -> None:
    assert [progress.seconds(s) for s in (0, 7.9, 59.99, 60, 125, 3600)] == [
        "0 s", "7 s", "59 s", "1 min 00 s", "2 min 05 s", "60 min 00 s"]


def test_lines() -> None:
    subject = progress.build_subject("head", "app", "examples/app/Dockerfile.slim")
    assert progress.running("building", subject) == (
        "size: building head of app (examples/app/Dockerfile.slim)")
    assert progress.running("building", subject, 45.2) == (
        "size: building head of app (examples/app/Dockerfile.slim) … 45 s")
    assert progress.done("built", subject, 62) == (
        "size: built head of app (examples/app/Dockerfile.slim) in 1 min 02 s")
    assert progress.done("building", subject, 3, "failed") == (
        "size: building head of app (examples/app/Dockerfile.slim) failed after 3 s")


def test_names_from_the_repository_stay_on_one_line() -> None:
    subject = progress.build_subject("base", "x\n::error::y", "a\rb\x1b[31m\u2028.Dockerfile")
    line = progress.running("building", subject)
    assert line == "size: building base of x?::error::y (a?b?[31m?.Dockerfile)"
    assert line.splitlines() == [line]


def _slow_seven() -> int:
    time.sleep(0.55)
    return 7


def test_timed_says_start_ticks_and_end() -> None:
    said: list[tuple[float, str]] = []
    start = time.monotonic()
    result = timed(lambda line: said.append((time.monotonic() - start, line)), "building",
                   "built", "head of app (Dockerfile)", _slow_seven,
                   interval=0.2)
    assert result == 7
    lines = [line for _, line in said]
    assert lines[0] == "size: building head of app (Dockerfile)"
    assert lines[1:-1] == ["size: building head of app (Dockerfile) … 0 s"] * len(lines[1:-1])
    assert len(lines[1:-1]) >= 2  # at 0.2 and 0.4 s (more if the machine is slow)
    assert lines[-1] == "size: built head of app (Dockerfile) in 0 s"
    assert all(b - a >= 0.15 for (a, _), (b, _) in itertools.pairwise(said[:-1]))


def test_timed_says_how_it_failed() -> None:
    said: list[str] = []
    timed(said.append, "building", "built", "base of app (Dockerfile)", lambda: False,
          lambda ok: "" if ok else "failed", interval=10)
    assert said == ["size: building base of app (Dockerfile)",
                    "size: building base of app (Dockerfile) failed after 0 s"]
    with pytest.raises(OSError):
        timed(said.append, "reading", "read", "2 images", _raise, interval=10)
    assert said[-1] == "size: reading 2 images failed after 0 s"
    assert timed(None, "building", "built", "x", lambda: 3) == 3  # nobody listening


def _raise() -> None:
    raise OSError("no")


LINE = re.compile(r"^size: (?P<verb>building|built|reading|read) (?P<subject>.+?)"
                  r"(?: … (?P<tick>\d+ s)| in (?P<took>\d+ s))?$")


@pytest.mark.docker
def test_a_real_build_says_what_it_does_and_labels_both_sides(
        engine: Engine, busybox_base: str, make_repo: MakeRepo) -> None:
    base = f"FROM {busybox_base}\nRUN head -c 100000 /dev/urandom > /a\n"
    head = base + "RUN sleep 2 && head -c 200000 /dev/urandom > /b\n"
    repo = make_repo({"Dockerfile": base}, {"Dockerfile": head})
    said: list[str] = []
    labels: dict[str, dict[str, str]] = {}

    def say(line: str) -> None:
        said.append(line)
        if line.startswith("size: reading "):  # built, not yet removed: read their labels
            for side, commit in (("head", repo.head), ("base", repo.base)):
                ids = engine.docker("image", "ls", "-q", "--filter",
                                    f"label=org.opencontainers.image.revision={commit}"
                                    ).stdout.split()
                assert len(set(ids)) == 1, (side, ids)
                out = engine.docker("image", "inspect", "--format", "{{json .Config.Labels}}",
                                    ids[0].decode()).stdout
                labels[side] = json.loads(out)

    report = run_step(SizeSettings(docker_command=engine.client), workspace=repo.path,
                      event_name="pull_request", base_sha=repo.base, head_sha=repo.head,
                      changed=repo.changed(), dockerfiles=repo.dockerfiles(), say=say,
                      interval=0.5)
    shapes = [LINE.match(line) for line in said]
    assert all(shapes), said
    steps = [(m["verb"], m["subject"]) for m in shapes if m and not m["tick"]]
    assert steps == [("building", "head of Dockerfile (Dockerfile)"),
                     ("built", "head of Dockerfile (Dockerfile)"),
                     ("building", "base of Dockerfile (Dockerfile)"),
                     ("built", "base of Dockerfile (Dockerfile)"),
                     ("reading", "2 images from the engine (docker save)"),
                     ("read", "2 images from the engine (docker save)")]
    head_ticks = said[1:said.index(next(s for s in said if s.startswith("size: built head")))]
    assert len(head_ticks) >= 2  # the head's RUN sleeps 2 s: at least 0.5, 1.0, 1.5 s
    assert all(m["tick"] for m in map(LINE.match, head_ticks) if m)
    assert labels == {
        side: {"dockerfile-review.side": side, "dockerfile-review.image": "Dockerfile",
               "dockerfile-review.dockerfile": "Dockerfile",
               "org.opencontainers.image.revision": commit}
        for side, commit in (("head", repo.head), ("base", repo.base))}
    # The labels add no layer and no history: sizes and alignment exact as without them.
    image = next(i for i in report.images if i.name == "Dockerfile")
    assert image.base is not None and image.head is not None
    assert (image.base.size, image.head.size) == (base_image_bytes() + 100_000,
                                                  base_image_bytes() + 300_000)
    assert image.alignment is not None
    assert [(r.line, r.status, r.base, r.head) for r in image.alignment.rows] == [
        (2, "same", 100_000, 100_000), (3, "added", None, 200_000)]
