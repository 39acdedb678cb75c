"""Image references: ``[registry/][namespace/]name[:tag][@digest]``."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ImageRef:
    registry: str | None
    path: str          # "library/python" for official images on Docker Hub
    tag: str | None
    digest: str | None

    @property
    def name(self) -> str:
        """The last path component (``python`` for ``docker.io/library/python:3.12``)."""
        return self.path.rsplit("/", 1)[-1]

    @property
    def official(self) -> bool:
        """A Docker Hub official image: ``python``, ``library/python``, or with ``docker.io/``."""
        return self.registry in (None, "docker.io", "index.docker.io", "registry-1.docker.io") and (
            self.path.startswith("library/")
        )


def parse_ref(ref: str) -> ImageRef:
    rest, _, digest = ref.partition("@")
    registry = None
    first, sep, remainder = rest.partition("/")
    if sep and ("." in first or ":" in first or first == "localhost"):
        registry, rest = first, remainder
    name, _, tag = rest.rpartition(":") if ":" in rest.rsplit("/", 1)[-1] else (rest, "", "")
    if "/" not in name and registry in (None, "docker.io", "index.docker.io"):
        name = f"library/{name}"
    return ImageRef(registry, name.lower(), tag or None, digest or None)
