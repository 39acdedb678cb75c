"""Budgets and units (no engine): exact boundaries in SI and IEC units, percentages, global and
per-image budgets, the failure message, DC501 on the shipped stage's FROM line, IEC output."""

from __future__ import annotations

from fractions import Fraction

import pytest

from lint.dockerfile import parse
from lint.finding import Severity
from lint.sinks.size import signed
from lint.size import SizeSettings
from lint.size.budget import (
    BudgetError,
    budgets_from,
    check,
    iec,
    parse_duration,
    parse_increase,
    parse_size,
)
from lint.size.images import Image
from lint.size.settings import SizeSettingsError
from lint.size.step import budget_findings


@pytest.mark.parametrize(("text", "expected"), [
    ("500MB", 500 * 10**6), ("500MiB", 500 * 2**20), ("500mb", 500 * 10**6),
    ("500 MiB", 500 * 2**20), ("1kB", 1000), ("1KiB", 1024), ("1.5GiB", 3 * 2**29),
    ("2GB", 2 * 10**9), ("1TiB", 2**40), ("1024B", 1024), ("0B", 0),
])
def test_sizes_in_both_unit_systems(text: str, expected: int) -> None:
    assert parse_size(text) == expected


@pytest.mark.parametrize(("text", "message"), [
    ("500", "max-image-size: '500' is not a size with a unit (for example 500MB, 500MiB, 1024B)"),
    ("500XB", "max-image-size: unknown unit 'XB' (allowed: B, kB, MB, GB, TB, KiB, MiB, GiB, TiB)"),
    ("0.5B", "max-image-size: '0.5B' is not a whole number of bytes"),
    ("-5MB", "max-image-size: '-5MB' is not a size with a unit (for example 500MB, 500MiB, 1024B)"),
])
def test_bad_sizes_name_the_input(text: str, message: str) -> None:
    with pytest.raises(BudgetError) as err:
        parse_size(text, "max-image-size")
    assert str(err.value) == message


@pytest.mark.parametrize("written", ["500MB", "500MiB"])
def test_max_image_size_boundary(written: str) -> None:
    limit = parse_size(written)
    budgets = budgets_from(written, "")
    assert check(budgets, limit, None) == []
    assert check(budgets, limit - 1, 0) == []
    (breach,) = check(budgets, limit + 1, None)
    assert (breach.budget, breach.limit_text, breach.limit_bytes, breach.figure) == (
        "max-image-size", written, limit, limit + 1)


def test_the_two_unit_systems_differ_where_it_matters() -> None:
    # 500 MB < 500 MiB: an image of 510,000,000 bytes passes one budget and fails the other.
    size = 510_000_000
    assert check(budgets_from("500MiB", ""), size, None) == []
    assert [b.budget for b in check(budgets_from("500MB", ""), size, None)] == ["max-image-size"]


@pytest.mark.parametrize("written", ["20MB", "20MiB"])
def test_max_size_increase_in_bytes_boundary(written: str) -> None:
    limit = parse_size(written)
    budgets = budgets_from("", written)
    base = 100 * 10**6
    assert check(budgets, base + limit, base) == []
    (breach,) = check(budgets, base + limit + 1, base)
    assert (breach.budget, breach.limit_bytes, breach.figure) == (
        "max-size-increase", limit, limit + 1)
    # Without a base (sizes only) the growth budget cannot apply.
    assert check(budgets, base + limit + 1, None) == []


def test_max_size_increase_percentage_boundary() -> None:
    budgets = budgets_from("", "10%")
    assert budgets.max_size_increase is not None
    assert budgets.max_size_increase.percent == 10
    assert check(budgets, 1100, 1000) == []
    (breach,) = check(budgets, 1101, 1000)
    assert (breach.limit_text, breach.limit_bytes, breach.figure) == ("10%", 100, 101)
    # 10% of 999 bytes is 99.9 bytes: growing 99 passes, 100 fails (no rounding up).
    assert check(budgets, 999 + 99, 999) == []
    assert [b.figure for b in check(budgets, 999 + 100, 999)] == [100]
    # A shrinking image never exceeds a growth budget.
    assert check(budgets_from("", "0%"), 900, 1000) == []
    assert [b.figure for b in check(budgets_from("", "0%"), 1001, 1000)] == [1]


def test_fractional_percentages() -> None:
    increase = parse_increase("2.5%")
    assert increase.percent == Fraction(5, 2)
    assert increase.limit_for(1000) == 25
    assert not increase.exceeded(1000, 1025) and increase.exceeded(1000, 1026)


def test_breach_message_names_image_budget_and_figure() -> None:
    (breach,) = check(budgets_from("500MiB", ""), 524_288_001, None)
    assert breach.describe("api") == (
        "image api: size 500.0 MiB (524,288,001 bytes) exceeds max-image-size 500MiB "
        "(524,288,000 bytes)")
    (growth,) = check(budgets_from("", "10%"), 1_200_000, 1_000_000)
    assert growth.describe("worker") == (
        "image worker: growth 195.3 KiB (200,000 bytes) exceeds max-size-increase 10% "
        "(100,000 bytes)")


def test_global_and_per_image_budgets_from_settings() -> None:
    images = ("- name: api\n  dockerfile: api/Dockerfile\n  max-image-size: 300MiB\n"
              "- name: worker\n  dockerfile: worker/Dockerfile\n  max-size-increase: 5%\n"
              "- name: plain\n  dockerfile: Dockerfile\n")
    settings = SizeSettings.from_env({"INPUT_IMAGES": images, "INPUT_MAX_IMAGE_SIZE": "1GB",
                                      "INPUT_MAX-SIZE-INCREASE": "50MB"})
    assert settings.images is not None
    api, worker, plain = (settings.budgets.merged(spec.budgets) for spec in settings.images)
    assert (api.max_image_size, api.max_image_size_text) == (300 * 2**20, "300MiB")
    assert api.max_size_increase is not None and api.max_size_increase.bytes == 50 * 10**6
    assert worker.max_image_size == 10**9
    assert worker.max_size_increase is not None and worker.max_size_increase.percent == 5
    assert plain.max_image_size == 10**9
    assert plain.max_size_increase is not None and plain.max_size_increase.text == "50MB"
    # The per-image budget decides at its own boundary, not the global one.
    assert check(api, 300 * 2**20, None) == []
    assert [b.limit_text for b in check(api, 300 * 2**20 + 1, None)] == ["300MiB"]


@pytest.mark.parametrize(("env", "message"), [
    ({"INPUT_MAX_IMAGE_SIZE": "500"}, "input max-image-size: '500' is not a size with a unit"),
    ({"INPUT_MAX_SIZE_INCREASE": "ten%"}, "input max-size-increase: 'ten%' is not a size"),
    ({"INPUT_IMAGES": "- dockerfile: Dockerfile\n  max-image-size: 5 potatoes\n"},
     "input images[0]: max-image-size: unknown unit 'potatoes' (allowed: B, kB,"),
    ({"INPUT_MINIMUM_CHANGE_THRESHOLD": "1"}, "input minimum-change-threshold: '1' is not"),
    ({"INPUT_BUILD_TIMEOUT": "soon"}, "input build-timeout: 'soon' is not a duration"),
    ({"INPUT_MAX_PARALLEL_BUILDS": "0"},
     "input max-parallel-builds: '0' is not a number from 1 to 16"),
    ({"INPUT_SIZE": "maybe"}, "input size: 'maybe' is not one of true, false"),
])
def test_bad_inputs_name_the_input(env: dict[str, str], message: str) -> None:
    with pytest.raises(SizeSettingsError) as err:
        SizeSettings.from_env(env)
    assert str(err.value).startswith(message)


def test_defaults_and_durations() -> None:
    settings = SizeSettings.from_env({})
    assert (settings.enabled, settings.minimum_change, settings.build_timeout,
            settings.max_parallel_builds, settings.images) == (True, 1024, 900.0, 2, None)
    assert SizeSettings.from_env({"INPUT_SIZE": "false"}).enabled is False
    assert SizeSettings.from_env({"INPUT_MINIMUM_CHANGE_THRESHOLD": "10kB"}).minimum_change \
        == 10_000
    assert [parse_duration(t) for t in ("900", "900s", "15m", "1h", "1500ms")] == [
        900.0, 900.0, 900.0, 3600.0, 1.5]


DOCKERFILE = b"""FROM local/busybox:1 AS build
RUN echo build
FROM local/busybox:1 AS final
COPY --from=build /x /x
FROM final AS debug
RUN echo debug
"""


@pytest.mark.parametrize(("target", "line"), [("final", 3), (None, 5), ("debug", 5)])
def test_dc501_sits_on_the_shipped_stage_from_line(target: str | None, line: int) -> None:
    dockerfile = parse("svc/Dockerfile", DOCKERFILE)
    image = Image("svc", "svc/Dockerfile", "svc", target,
                  budgets=budgets_from("1MB", "1KiB"))
    breaches, findings = budget_findings(image, dockerfile, 1_000_001, 998_000)
    assert [b.budget for b in breaches] == ["max-image-size", "max-size-increase"]
    assert [(f.path, f.line, f.code, f.severity) for f in findings] == [
        ("svc/Dockerfile", line, "DC501", Severity.ERROR)] * 2
    assert findings[0].message == (
        "Image size budget exceeded: image svc: size 976.6 KiB (1,000,001 bytes) exceeds "
        "max-image-size 1MB (1,000,000 bytes)")
    assert budget_findings(image, dockerfile, 1_000_000, 998_976) == ((), [])


@pytest.mark.parametrize(("size", "text"), [
    (0, "0 B"), (1, "1 B"), (1023, "1023 B"), (1024, "1.0 KiB"), (1536, "1.5 KiB"),
    (200_000, "195.3 KiB"), (2**20 - 1, "1.0 MiB"), (2**20, "1.0 MiB"),
    (500 * 2**20, "500.0 MiB"), (500 * 10**6, "476.8 MiB"), (2**30, "1.0 GiB"),
    (2**40, "1.0 TiB"), (-2048, "-2.0 KiB"),
])
def test_iec_formatting(size: int, text: str) -> None:
    assert iec(size) == text


def test_signed_deltas() -> None:
    assert [signed(d) for d in (0, 1024, -1024, 5)] == ["±0 B", "+1.0 KiB", "−1.0 KiB", "+5 B"]
