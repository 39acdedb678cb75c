"""Sizes with explicit units, durations, and budget checks (pure).

``500MB`` is 500×10⁶ bytes and ``500MiB`` is 500×2²⁰: SI prefixes are powers of ten, IEC
prefixes powers of two (https://physics.nist.gov/cuu/Units/binary.html). A bare number is
refused because nobody can tell which one was meant. ``max-size-increase`` also takes a
percentage of the base image (``10%``). A figure exactly at its budget passes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction

UNITS: dict[str, int] = {
    "B": 1,
    "KB": 10**3, "MB": 10**6, "GB": 10**9, "TB": 10**12,
    "KIB": 2**10, "MIB": 2**20, "GIB": 2**30, "TIB": 2**40,
}
_SIZE = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*([A-Za-z]+)\s*$")
_PERCENT = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*%\s*$")
_DURATION = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*(ms|s|m|h)?\s*$")
_SECONDS = {"ms": Fraction(1, 1000), "s": Fraction(1), "m": Fraction(60), "h": Fraction(3600)}


class BudgetError(ValueError):
    """A size, percentage or duration that cannot be read. The message names the input."""


def parse_size(text: str, name: str = "size") -> int:
    """Bytes from ``500MB``, ``500MiB``, ``1.5GiB``, ``1024B`` (units case-insensitive)."""
    match = _SIZE.match(text)
    if not match:
        raise BudgetError(
            f"{name}: {text!r} is not a size with a unit (for example 500MB, 500MiB, 1024B)")
    unit = match.group(2).upper()
    if unit not in UNITS:
        allowed = "B, kB, MB, GB, TB, KiB, MiB, GiB, TiB"
        raise BudgetError(f"{name}: unknown unit {match.group(2)!r} (allowed: {allowed})")
    try:
        value = Decimal(match.group(1)) * UNITS[unit]
    except InvalidOperation:  # pragma: no cover - the pattern admits only decimals
        raise BudgetError(f"{name}: {text!r} is not a number") from None
    if value != value.to_integral_value():
        raise BudgetError(f"{name}: {text!r} is not a whole number of bytes")
    return int(value)


@dataclass(frozen=True)
class Increase:
    """A growth budget: ``bytes`` or ``percent`` of the base image (exactly one is set)."""

    text: str
    bytes: int | None = None
    percent: Fraction | None = None

    def limit_for(self, base: int) -> Fraction:
        """The largest allowed growth, in bytes, for a base of ``base`` bytes."""
        if self.percent is not None:
            return self.percent * base / 100
        return Fraction(self.bytes or 0)

    def exceeded(self, base: int, head: int) -> bool:
        return head - base > self.limit_for(base)


def parse_increase(text: str, name: str = "max-size-increase") -> Increase:
    """``10%`` or a size such as ``20MiB``."""
    match = _PERCENT.match(text)
    if match:
        return Increase(text.strip(), percent=Fraction(Decimal(match.group(1))))
    return Increase(text.strip(), bytes=parse_size(text, name))


def parse_duration(text: str, name: str = "build-timeout") -> float:
    """Seconds from ``900``, ``900s``, ``15m``, ``1h``."""
    match = _DURATION.match(text)
    if not match or Decimal(match.group(1)) <= 0:
        raise BudgetError(f"{name}: {text!r} is not a duration (for example 900s, 15m, 1h)")
    return float(Fraction(Decimal(match.group(1))) * _SECONDS[match.group(2) or "s"])


@dataclass(frozen=True)
class Budgets:
    """The budgets of one image (its own entry in ``images`` wins over the global inputs)."""

    max_image_size: int | None = None
    max_image_size_text: str = ""
    max_size_increase: Increase | None = None

    def merged(self, own: Budgets) -> Budgets:
        return Budgets(
            max_image_size=own.max_image_size if own.max_image_size is not None
            else self.max_image_size,
            max_image_size_text=own.max_image_size_text if own.max_image_size is not None
            else self.max_image_size_text,
            max_size_increase=own.max_size_increase or self.max_size_increase,
        )


def budgets_from(max_image_size: str, max_size_increase: str, where: str = "") -> Budgets:
    prefix = f"{where}: " if where else ""
    size = parse_size(max_image_size, f"{prefix}max-image-size") if max_image_size else None
    increase = (parse_increase(max_size_increase, f"{prefix}max-size-increase")
                if max_size_increase else None)
    return Budgets(size, max_image_size.strip(), increase)


@dataclass(frozen=True)
class Breach:
    """One budget an image exceeds."""

    budget: str  # "max-image-size" or "max-size-increase"
    limit_text: str  # as written, e.g. "500MiB" or "10%"
    limit_bytes: int  # the limit in bytes (a percentage resolved against the base)
    figure: int  # the image's size or growth in bytes

    def describe(self, image: str) -> str:
        what = "size" if self.budget == "max-image-size" else "growth"
        return (f"image {image}: {what} {iec(self.figure)} ({self.figure:,} bytes) exceeds "
                f"{self.budget} {self.limit_text} ({self.limit_bytes:,} bytes)")


def check(budgets: Budgets, head: int, base: int | None) -> list[Breach]:
    """The budgets ``head`` (and its growth from ``base``, when known) exceeds."""
    out: list[Breach] = []
    if budgets.max_image_size is not None and head > budgets.max_image_size:
        out.append(Breach("max-image-size", budgets.max_image_size_text,
                          budgets.max_image_size, head))
    inc = budgets.max_size_increase
    if inc is not None and base is not None and inc.exceeded(base, head):
        limit = inc.limit_for(base)
        out.append(Breach("max-size-increase", inc.text, int(limit), head - base))
    return out


def iec(size: int) -> str:
    """``532 B``, ``1.0 KiB``, ``300.0 KiB``, ``1.5 MiB``: one decimal, IEC prefixes."""
    value = abs(size)
    sign = "-" if size < 0 else ""
    if value < 1024:
        return f"{sign}{value} B"
    for power, unit in ((1, "KiB"), (2, "MiB"), (3, "GiB")):
        shown = f"{value / 1024**power:.1f}"
        if float(shown) < 1024:  # 1,048,575 B is "1.0 MiB", not "1024.0 KiB"
            return f"{sign}{shown} {unit}"
    return f"{sign}{value / 1024**4:.1f} TiB"
