"""The size step's settings: one frozen dataclass from the action's inputs.

Inputs arrive as ``INPUT_MAX_IMAGE_SIZE`` (mapped in ``action.yml``) or GitHub's raw
``INPUT_MAX-IMAGE-SIZE``; ``read_input`` accepts both. Every error names the input.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import yaml

from lint.inputs import Secret, read_input
from lint.size import budget, platforms
from lint.size.budget import BudgetError, Budgets
from lint.size.buildx import command_for

_TRUE = ("true", "yes", "on", "1")
_FALSE = ("false", "no", "off", "0")
# A name[:tag][@digest] or an image id: no spaces, no leading dash (never an option).
_REFERENCE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/:@+-]*$")


class SizeSettingsError(ValueError):
    """An input of the size step that cannot be used; the message names it."""


@dataclass(frozen=True)
class ImageSpec:
    """One entry of the ``images`` input (paths relative to the repository)."""

    name: str
    dockerfile: str
    context: str | None = None
    target: str | None = None
    build_args: Mapping[str, str] = field(default_factory=dict, repr=False)
    platform: str | None = None
    budgets: Budgets = field(default_factory=Budgets)
    image: str | None = None  # a reference already in the engine: the head, not built here
    base_image: str | None = None  # a published image read from its registry: the base
    platforms: tuple[str, ...] = ()  # several: one row each (``lint.size.platforms``)

    def __repr__(self) -> str:  # build-arg values never reach a repr
        return (f"ImageSpec(name={self.name!r}, dockerfile={self.dockerfile!r}, "
                f"context={self.context!r}, target={self.target!r}, "
                f"build_args={sorted(self.build_args)!r}, image={self.image!r}, "
                f"base_image={self.base_image!r}, platforms={self.platforms!r})")


@dataclass(frozen=True)
class SizeSettings:
    enabled: bool = True
    images: tuple[ImageSpec, ...] | None = None
    budgets: Budgets = field(default_factory=Budgets)
    minimum_change: int = 1024
    build_timeout: float = 900.0
    max_parallel_builds: int = 2
    docker_command: str = "docker"
    head_image: str | None = None  # input head-image: the single image's head, already built
    buildx_command: tuple[str, ...] = ("docker", "buildx")  # evaluates bake files
    base_image: str | None = None  # input base-image: the single image's base, in a registry
    registry_username: str = ""
    registry_password: Secret = field(default_factory=lambda: Secret(""), repr=False)
    docker_config: str | None = None  # a folder in the workspace with a config.json (auths)
    github_token: Secret = field(default_factory=lambda: Secret(""), repr=False)
    github_actor: str = ""
    registry_max_download: int = 2 << 30  # compressed layer bytes read per base image

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> SizeSettings:
        size = read_input(env, "size", "true").lower()
        if size not in _TRUE + _FALSE:
            raise SizeSettingsError(f"input size: {size!r} is not one of true, false")
        try:
            budgets = budget.budgets_from(read_input(env, "max-image-size", ""),
                                          read_input(env, "max-size-increase", ""))
            minimum = budget.parse_size(read_input(env, "minimum-change-threshold", "1KiB"),
                                        "minimum-change-threshold")
            timeout = budget.parse_duration(read_input(env, "build-timeout", "15m"))
        except BudgetError as exc:
            raise SizeSettingsError(f"input {exc}") from None
        parallel_text = read_input(env, "max-parallel-builds", "2")
        if not parallel_text.isdigit() or not 1 <= int(parallel_text) <= 16:
            raise SizeSettingsError(
                f"input max-parallel-builds: {parallel_text!r} is not a number from 1 to 16")
        command = read_input(env, "docker-command", "docker")
        if command == "docker" and env.get("DOCKER", "").strip():
            command = env["DOCKER"].strip()
        head_image = read_input(env, "head-image", "").strip() or None
        if head_image is not None and not _REFERENCE.match(head_image):
            raise SizeSettingsError(f"input head-image: {head_image!r} is not an image reference")
        base_image = read_input(env, "base-image", "").strip() or None
        if base_image is not None and not _REFERENCE.match(base_image):
            raise SizeSettingsError(f"input base-image: {base_image!r} is not an image reference")
        username = read_input(env, "registry-username", "")
        password = read_input(env, "registry-password", "")
        if bool(username) != bool(password):
            raise SizeSettingsError("inputs registry-username and registry-password: give both "
                                    "or neither")
        try:
            download = budget.parse_size(read_input(env, "registry-max-download", "2GiB"),
                                         "registry-max-download")
        except BudgetError as exc:
            raise SizeSettingsError(f"input {exc}") from None
        return cls(
            enabled=size in _TRUE,
            images=parse_images(read_input(env, "images", "")),
            budgets=budgets,
            minimum_change=minimum,
            build_timeout=timeout,
            max_parallel_builds=int(parallel_text),
            docker_command=command,
            head_image=head_image,
            buildx_command=command_for(command, env),
            base_image=base_image,
            registry_username=username,
            registry_password=Secret(password),
            docker_config=read_input(env, "docker-config", "") or None,
            github_token=Secret(read_input(env, "github-token") or env.get("GITHUB_TOKEN", "")),
            github_actor=env.get("GITHUB_ACTOR", ""),
            registry_max_download=download,
        )


def parse_images(text: str) -> tuple[ImageSpec, ...] | None:
    """The ``images`` input: a YAML list of mappings (``None`` when empty)."""
    if not text.strip():
        return None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        # Only the position and the parser's problem: the offending text may hold a build-arg.
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
        problem = getattr(exc, "problem", None) or exc.__class__.__name__
        raise SizeSettingsError(f"input images: not valid YAML ({where}{problem})") from None
    if not isinstance(data, list):
        raise SizeSettingsError("input images: expected a YAML list of images")
    out: list[ImageSpec] = []
    names: set[str] = set()
    for index, item in enumerate(data):
        where = f"input images[{index}]"
        if not isinstance(item, dict):
            raise SizeSettingsError(f"{where}: expected a mapping with at least dockerfile")
        unknown = set(item) - {"name", "dockerfile", "context", "target", "build-args",
                               "platform", "platforms", "max-image-size",
                               "max-size-increase", "image", "base-image"}
        if unknown:
            raise SizeSettingsError(f"{where}: unknown keys {', '.join(sorted(map(str, unknown)))}")
        dockerfile = item.get("dockerfile")
        context = item.get("context")
        if dockerfile is None and context is not None:
            dockerfile = f"{str(context).rstrip('/')}/Dockerfile"
        if not isinstance(dockerfile, str) or not dockerfile:
            raise SizeSettingsError(f"{where}: dockerfile is missing")
        name = str(item.get("name") or dockerfile)
        if name in names:
            raise SizeSettingsError(f"{where}: the name {name!r} is used twice")
        names.add(name)
        args = item.get("build-args") or {}
        if isinstance(args, list):
            args = dict(str(a).partition("=")[::2] for a in args)
        if not isinstance(args, dict):
            raise SizeSettingsError(f"{where}: build-args must be a mapping")
        try:
            budgets = budget.budgets_from(str(item.get("max-image-size") or ""),
                                          str(item.get("max-size-increase") or ""), where)
        except BudgetError as exc:
            raise SizeSettingsError(str(exc)) from None
        reference = item.get("image")
        if reference is not None and (not isinstance(reference, str)
                                      or not _REFERENCE.match(reference.strip())):
            raise SizeSettingsError(f"{where}: image must be an image reference")
        base_ref = item.get("base-image")
        if base_ref is not None and (not isinstance(base_ref, str)
                                     or not _REFERENCE.match(base_ref.strip())):
            raise SizeSettingsError(f"{where}: base-image must be an image reference")
        if item.get("platform") and item.get("platforms"):
            raise SizeSettingsError(f"{where}: give platform or platforms, not both")
        try:
            several = platforms.parse(item.get("platforms"))
        except platforms.PlatformsError as exc:
            raise SizeSettingsError(f"{where}: platforms: {exc}") from None
        out.append(ImageSpec(
            name=name,
            dockerfile=dockerfile.lstrip("./") if dockerfile.startswith("./") else dockerfile,
            context=str(context) if context is not None else None,
            target=str(item["target"]) if item.get("target") else None,
            build_args={str(k): "" if v is None else str(v) for k, v in args.items()},
            platform=str(item["platform"]) if item.get("platform") else None,
            budgets=budgets,
            image=reference.strip() if reference else None,
            base_image=base_ref.strip() if base_ref else None,
            platforms=several,
        ))
    return tuple(out)
