"""The size section of the comment and summary (no engine): golden files from hand-made reports
(``tests/golden/size/``; ``UPDATE_GOLDEN=1`` rewrites them), the minimum-change threshold,
neutralising, and the JSON report."""

from __future__ import annotations

import json
import os
from dataclasses import replace
from pathlib import Path

import pytest

from lint.sinks import size as size_sink
from lint.size.align import Alignment, Row
from lint.size.budget import Breach
from lint.size.report import Failure, ImageResult, Side, SizeReport, Source, WasteRow

GOLDEN = Path(__file__).resolve().parent.parent / "golden" / "size"
BASE_SHA = "fedcba9876543210fedcba9876543210fedcba98"
HEAD_SHA = "0123456789abcdef0123456789abcdef01234567"
BUILDER = ("BuildKit (the client's built-in); docker client 20.10.24 (/usr/bin/docker), "
           "engine 20.10.24, classic (overlay2) image store")
MiB = 2**20


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"missing golden {path}: run with UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8")


def row(line: int | None, base_line: int | None, text: str, base: int | None,
        head: int | None, same: bool = False) -> Row:
    return Row(text.split()[0], text, line, base_line, base, head, same)


def api_image() -> ImageResult:
    base_os = 74 * MiB
    alignment = Alignment((base_os, base_os), "FROM local/python:3.11 AS runtime", (
        row(4, 4, "RUN apt-get update && apt-get install -y build-essential", 210 * MiB,
            210 * MiB, same=True),
        row(6, 6, "COPY . /app", 1_200_000, 1_250_000),
        row(7, 7, "RUN pip install -r requirements.txt", 40 * MiB, 52 * MiB),
        row(8, None, "RUN chown -R app /app", None, 1_250_000),
        row(None, 8, "RUN rm -rf /var/lib/apt/lists/*", 300, None),
        row(9, 9, "RUN echo tiny", 100, 612),
    ))
    own_base = 210 * MiB + 1_200_000 + 40 * MiB + 300 + 100
    own_head = 210 * MiB + 1_250_000 + 52 * MiB + 1_250_000 + 612
    return ImageResult(
        "api", "services/api/Dockerfile", "services/api", "runtime", "compared",
        base=Side(base_os + own_base, base_os, own_base, 95 * MiB, 0, 41.2),
        head=Side(base_os + own_head, base_os, own_head, 99 * MiB, 1_250_000, 43.9),
        alignment=alignment, compressed_delta=4 * MiB + 123_456,
        waste=(WasteRow(1_250_000, 412, "app/static/bundle.js", "overwritten",
                        "line 6 (COPY . /app)", "line 8 (RUN chown -R app /app)", ("DC202",)),),
        breaches=(Breach("max-size-increase", "10MiB", 10 * MiB, own_head - own_base),),
        head_source=Source("prebuilt", reference="ghcr.io/org/api:pr-42"),
        base_source=Source("built", commit=BASE_SHA),
    )


def compared_report() -> SizeReport:
    worker_align = Alignment((2_000_000, 1_500_000), "FROM local/busybox:1", (
        row(2, 2, "RUN head -c 100000 /dev/urandom > /a", 100_000, 100_000, same=True),))
    images = [
        api_image(),
        ImageResult("worker", "worker/Dockerfile", "worker", None, "compared",
                    base=Side(2_100_000, 2_000_000, 100_000, 900_000),
                    head=Side(1_600_000, 1_500_000, 100_000, 700_000),
                    alignment=worker_align, compressed_delta=-200_000,
                    head_source=Source("built", commit=HEAD_SHA),
                    base_source=Source("built", commit=BASE_SHA)),
        ImageResult("almost", "almost/Dockerfile", "almost", None, "compared",
                    base=Side(5_000_000, 4_000_000, 1_000_000),
                    head=Side(5_001_023, 4_000_000, 1_001_023),
                    alignment=Alignment((4_000_000, 4_000_000), "FROM x", (
                        row(2, 2, "COPY . /", 1_000_000, 1_001_023),)),
                    compressed_delta=1_000),
        ImageResult("cron", "cron/Dockerfile", "cron", None, "unchanged",
                    note="not built: same content hash at base and head"),
        ImageResult("[evil](https://x.test) @octocat", "evil/Dockerfile", "evil", None,
                    "failed", failure=Failure(
                        "base", "#7 [2/2] RUN make\n#7 ERROR: make: *** No rule @octocat #12 <b>\n"
                        "token=ghp_0123456789abcdefghijklmnopqrstuvwxyzAB")),
        ImageResult("new-svc", "new/Dockerfile", "new", None, "new",
                    head=Side(3 * MiB, 2 * MiB, MiB, 1_500_000),
                    alignment=Alignment((None, 2 * MiB), "FROM local/busybox:1", (
                        row(2, None, "COPY app /app", None, MiB),))),
    ]
    return SizeReport(images=images, builder=BUILDER, base_sha=BASE_SHA, head_sha=HEAD_SHA,
                      compared=True, engine="20.10.24", store="classic (overlay2)",
                      notes=["image legacy: its dockerfile or context is outside "
                                            "the repository; not measured"], builds=9)


def size_only_report() -> SizeReport:
    image = ImageResult("Dockerfile", "Dockerfile", "", None, "head-only",
                        head=Side(2_011_000, 2_000_000, 11_000, 9_000),
                        alignment=Alignment((None, 2_000_000), "FROM local/busybox:1", (
                            row(2, None, "RUN head -c 10000 /dev/urandom > /a", None, 10_000),
                            row(3, None, "RUN head -c 1000 /dev/urandom > /b", None, 1_000))))
    return SizeReport(images=[image], builder=BUILDER, head_sha=HEAD_SHA, builds=1)


def test_golden_compared() -> None:
    check_golden("compared.md", size_sink.markdown(compared_report()))


def test_golden_size_only() -> None:
    check_golden("size_only.md", size_sink.markdown(size_only_report()))


def test_golden_skipped() -> None:
    report = SizeReport(skipped="no Docker engine answered (docker version exited with 1: "
                        "Cannot connect to the Docker daemon at unix:///nonexistent.sock); "
                        "linting still reports")
    check_golden("skipped.md", size_sink.markdown(report))


def test_compared_report_facts() -> None:
    report = compared_report()
    md = size_sink.markdown(report)
    # The table of images: up and down markers, Δ%, the compressed estimate.
    assert "| 🔺 | api | 1.0 GiB |" not in md
    assert "| 🔽 | worker | 2.0 MiB | 1.5 MiB | −488.3 KiB | −23.8% | ≈−195.3 KiB |" in md
    # 1,023 bytes is below the 1 KiB default: "almost" joins the unchanged line.
    assert "⚪ 2 images unchanged: almost, cron" in md
    # Largest change first in the layer table; a sub-threshold layer change shows as ±0 B.
    api = md[md.index("<summary>api: layers"):]
    assert api.index("RUN pip install") < api.index("RUN chown") < api.index("COPY . /app")
    assert "| 9 | RUN echo tiny | 100 B | 612 B | ±0 B |  |" in api
    assert "| 8 | RUN rm -rf /var/lib/apt/lists/\\* (removed) | 300 B | — | ±0 B |  |" in api
    # Budgets, waste, failures, neutralising, redaction.
    assert "> ❌ Budget exceeded: image api: growth 13.2 MiB (13,883,124 bytes) exceeds " \
           "max-size-increase 10MiB (10,485,760 bytes)" in md
    assert "line 8 (RUN chown -R app /app) (explained by DC202)" in md
    assert "@octocat" not in md and "<b>" not in md and "[evil](https" not in md
    assert "ghp_0123456789" not in md and "&#35;12" in md and "&&#35;" not in md
    assert report.delta_bytes == 13_883_124 - 500_000 + 1_023
    assert report.failed


def test_threshold_is_configurable() -> None:
    report = compared_report()
    report.minimum_change = 1
    assert "⚪ 1 image unchanged: cron" in size_sink.markdown(report)
    row = "| 🔺 | almost | 4.8 MiB | 4.8 MiB | +1023 B | +0.0% | ≈+1000 B |"
    assert row in size_sink.markdown(report)
    report.minimum_change = 600_000
    # A breach is never hidden as "unchanged"; the 500,000-byte shrink now is.
    assert "⚪ 3 images unchanged: worker, almost, cron" in size_sink.markdown(report)
    assert "| 🔺 | api |" in size_sink.markdown(report)


def test_json_report() -> None:
    data = size_sink.to_json(compared_report())
    assert json.loads(json.dumps(data)) == data
    api = data["images"][0]
    assert (api["delta_bytes"], api["status"], api["target"]) == (13_883_124, "compared",
                                                                   "runtime")
    assert api["layers"][3] == {
        "line": 8, "base_line": None, "head_line": 8, "keyword": "RUN",
        "instruction": "RUN chown -R app /app", "status": "added", "base_bytes": None,
        "head_bytes": 1_250_000, "delta_bytes": 1_250_000}
    assert api["budgets_exceeded"][0]["figure_bytes"] == 13_883_124
    assert data["images"][4]["failure"]["side"] == "base"
    assert "ghp_0123456789" not in json.dumps(data)
    assert data["delta_bytes"] == 13_883_124 - 500_000 + 1_023


@pytest.mark.parametrize("layers", [40])
def test_long_layer_tables_are_cut(layers: int) -> None:
    rows = tuple(row(i + 2, i + 2, f"RUN step {i}", 1000 * i, 1000 * i + 2048)
                 for i in range(layers))
    image = ImageResult("big", "Dockerfile", "", None, "compared",
                        base=Side(10**6, 10**5, 9 * 10**5), head=Side(10**6 + 2048 * layers,
                                                                      10**5, 9 * 10**5),
                        alignment=Alignment((10**5, 10**5), "FROM x", rows))
    md = size_sink.markdown(
        SizeReport(images=[image], compared=True, builder="b", base_sha=BASE_SHA))
    # At most 25 rows, largest change first: the unchanged base image row is the one cut.
    assert md.count("| RUN step ") == 25 and "base image: FROM x" not in md
    assert f"… {layers + 1 - 25} more layers" in md


def test_a_dockerfile_named_like_its_image_is_not_printed_twice() -> None:
    report = compared_report()
    image = report.images[0]
    report.images[0] = replace(image, name=image.dockerfile, target=None)
    md = size_sink.markdown(report)
    # The summary names it; the sources and the layer table follow without naming it again.
    assert (f"<summary>{image.dockerfile}: layers (+13.2 MiB)</summary>\n\n"
            "head: already built (`ghcr.io/org/api:pr-42`); base: built here at `fedcba987654`; "
            "measured by engine 20.10.24, classic (overlay2) image store.\n\n| Line |") in md


def test_sources_and_engine_in_the_json() -> None:
    data = size_sink.to_json(compared_report())
    assert (data["engine"], data["store"]) == ("20.10.24", "classic (overlay2)")
    api, worker, *_, new_svc = data["images"]
    assert api["head_source"] == {"kind": "prebuilt", "commit": None,
                                  "reference": "ghcr.io/org/api:pr-42", "revision_label": None}
    assert api["base_source"] == {"kind": "built", "commit": BASE_SHA, "reference": None,
                                  "revision_label": None}
    assert worker["head_source"]["commit"] == HEAD_SHA
    assert api["measured_by"] == {"engine": "20.10.24", "store": "classic (overlay2)"}
    assert new_svc["head_source"] is None and new_svc["measured_by"] is None


def test_a_reference_that_could_break_a_code_span_is_escaped() -> None:
    source = Source("prebuilt", reference="x`y [z](https://e.test)", revision="abc`def")
    text = size_sink.source_text("head", source) or ""
    assert "`" not in text.replace("\\`", "")
    assert "head: already built (" in text
