"""Several platforms of one image: one row each (pure).

An image may name the platforms it is built for, the way buildx users write them: a list
(bake's ``platforms``, compose's ``build.platforms``, the ``images`` input's ``platforms:``) or
a comma-separated string, as ``docker buildx build --platform linux/amd64,linux/arm64`` takes
it. Such an image is measured once per platform, each its own row named ``app (linux/arm64)``;
of one platform it keeps its plain name. At most ``MAX_PLATFORMS`` an image are measured (each
costs a build per side); the others are named in a note.

Example: ``expand("app", ("linux/amd64", "linux/arm64"))`` gives
``[("app (linux/amd64)", "linux/amd64"), ("app (linux/arm64)", "linux/arm64")]`` and no note.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

MAX_PLATFORMS = 8
#: ``os/arch[/variant]`` as buildx takes it (``linux/arm/v7``, ``windows/amd64``).
_PLATFORM = re.compile(r"^[a-z0-9_.-]+/[a-z0-9_.-]+(?:/[a-z0-9_.-]+)?$")


class PlatformsError(ValueError):
    """A ``platforms`` value that is not a list of ``os/arch[/variant]``; says which entry."""


def parse(value: object) -> tuple[str, ...]:
    """``platforms`` as a list or a comma-separated string: each ``os/arch[/variant]`` once, in
    the order given (``()`` for none)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return ()
    if isinstance(value, str):
        items: list[object] = list(value.split(","))
    elif isinstance(value, list | tuple):
        items = list(value)
    else:
        raise PlatformsError("expected a list or a comma-separated string of platforms")
    out: list[str] = []
    for item in items:
        text = str(item).strip().lower() if isinstance(item, str) else ""
        if not _PLATFORM.match(text):
            shown = str(item)[:60]
            raise PlatformsError(f"{shown!r} is not a platform (os/arch[/variant])")
        if text not in out:
            out.append(text)
    return tuple(out)


def row_name(name: str, platform: str) -> str:
    """The name of one platform's row: ``app (linux/arm64)``."""
    return f"{name} ({platform})"


def expand(name: str, platforms: Sequence[str], limit: int = MAX_PLATFORMS
           ) -> tuple[list[tuple[str, str]], str | None]:
    """The rows of an image naming ``platforms`` (row name, platform), and a note when some
    are over ``limit``. One platform keeps the plain name."""
    if len(platforms) == 1:
        return [(name, platforms[0])], None
    kept = list(platforms[:limit])
    note = None
    if len(platforms) > limit:
        note = (f"image {name}: {len(platforms)} platforms; only the first {limit} are "
                f"measured (not {', '.join(platforms[limit:])})")
    return [(row_name(name, p), p) for p in kept], note


def matches(a: str, b: str) -> bool:
    """Do two platforms name the same image? os and architecture alike, and the variant when
    both name one (``linux/arm64`` is ``linux/arm64/v8``), as an index is read."""
    a_os, a_arch, *a_variant = (a + "//").split("/")[:3]
    b_os, b_arch, *b_variant = (b + "//").split("/")[:3]
    return (a_os, a_arch) == (b_os, b_arch) and (not a_variant[0] or not b_variant[0]
                                                 or a_variant == b_variant)


def failure_note(side: str, platform: str | None, native: str, log_tail: str) -> str:
    """Why one platform's build failed, as far as its log says: a build for a platform other
    than the machine's runs its ``RUN`` steps only under emulation (QEMU's binfmt handlers)."""
    note = f"{side} build failed"
    if not platform or matches(platform, native):
        return note
    if "exec format error" in log_tail:
        return (f"{note} for {platform}: this machine ({native}) cannot run its programs "
                "(exec format error); set up QEMU (docker/setup-qemu-action) before this step")
    return (f"{note} for {platform}, not this machine's {native}: if a RUN failed there, set "
            "up QEMU (docker/setup-qemu-action) before this step")


__all__ = ["MAX_PLATFORMS", "PlatformsError", "expand", "failure_note", "matches", "parse",
           "row_name"]
