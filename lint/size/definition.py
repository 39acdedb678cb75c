"""Which definition builds the base side of a compose- or bake-defined image (pure).

An image that a compose ``build:`` entry or a bake target defines is built at the base from the
**base tree's own** definition: the same compose file's service of the same name, or the same
directory's bake target of the same name, read and evaluated there as at the head. ``choose``
decides from what the base tree holds:

- the base defines it: the base is built from that definition (``Origin.tree == "base"``), and
  ``differences`` names what differs from the head's (field names, and of ``args`` only the
  names of the arguments: build-arg values never reach a report);
- the base does not define it (a service or target added, or the file added, in the change):
  the image is new on the base side;
- the base's definition cannot be used (its file does not read or evaluate, its target needs
  evaluating without buildx, or it is not buildable here: inline Dockerfile, remote or named
  contexts, a path out of the tree): the head's definition is used for the base, as the head's
  path applied to the base tree, and ``Origin.why`` says why (``Origin.tree == "head"``).

Example: the head's ``docker-bake.hcl`` sets ``args = { SIZE = "160000" }`` for target ``app``,
the base's ``SIZE = "150000"``: the base is built with 150000, and ``choose`` gives
``Origin("bake", "docker-bake.hcl", "app", "base", ("args",), ("SIZE",), ...)``, which the size
report renders as "base: built here at ``<sha>`` from the base branch's docker-bake.hcl target
``app``: args differ (``SIZE``)".
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping
from dataclasses import dataclass, field

#: What decides a build, in the order they are named.
FIELDS = ("dockerfile", "context", "target", "args", "platform")


@dataclass(frozen=True)
class Build:
    """What a definition builds (repository-relative POSIX paths)."""

    dockerfile: str
    context: str
    target: str | None = None
    args: Mapping[str, str] = field(default_factory=dict, repr=False)
    platform: str | None = None


@dataclass(frozen=True)
class Key:
    """An image's identity across trees: the compose file and service, or the bake files'
    directory and target."""

    kind: str  # "compose" or "bake"
    where: str  # the compose file's path; the bake files' directory ("" is the root)
    name: str


def key(kind: str, defined_in: tuple[str, ...], name: str) -> Key | None:
    """The identity of an image from ``kind`` defined in ``defined_in`` (``None``: another
    kind of image, whose base is built from the head's entry as it is)."""
    if kind not in ("compose", "bake") or not defined_in:
        return None
    where = defined_in[0] if kind == "compose" else posixpath.dirname(defined_in[0])
    return Key(kind, where, name)


@dataclass(frozen=True)
class Origin:
    """Which definition the base side was built from, when it is not the head's as it is."""

    kind: str  # "compose" or "bake"
    files: str  # the defining file(s) as shown: "compose.yaml", "docker-bake.hcl, ..."
    name: str  # service or target
    tree: str  # "base": the base branch's own definition; "head": the head's (fallback)
    differs: tuple[str, ...] = ()  # of FIELDS, what differs from the head's definition
    arg_names: tuple[str, ...] = ()  # the build args added, removed or of another value
    dockerfile: str = ""  # the base's, when it differs
    context: str = ""
    target: str | None = None
    platform: str | None = None
    why: str = ""  # tree "head": why the base's own definition was not used


@dataclass(frozen=True)
class Found:
    """What the base tree says about one identity: its build, or why there is none usable
    (``failed``: the file(s) did not read or evaluate; ``refused``: the entry is not usable).
    All empty: the base does not define it."""

    build: Build | None = None
    refused: str = ""
    failed: str = ""


def differences(base: Build, head: Build) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The fields that differ, and the names of the build args that differ."""
    names = tuple(sorted(n for n in {*base.args, *head.args}
                         if base.args.get(n) != head.args.get(n)))
    fields = tuple(f for f in FIELDS
                   if (bool(names) if f == "args" else getattr(base, f) != getattr(head, f)))
    return fields, names


def choose(head: Build, found: Found, kind: str, files: str, name: str
           ) -> tuple[Build | None, Origin | None]:
    """The base's build (``None``: the image is new at the base) and, when it is not simply
    the head's definition, where it came from."""
    if found.build is not None:
        fields, names = differences(found.build, head)
        if not fields:
            return found.build, None
        b = found.build
        return b, Origin(kind, files, name, "base", fields, names, b.dockerfile, b.context,
                         b.target, b.platform)
    why = found.failed or found.refused
    if why:
        return head, Origin(kind, files, name, "head", why=why)
    return None, None

