"""One configuration for hadolint and for our DC rules: hadolint's own.

The file is found as hadolint 2.15.1 finds it (``--config`` wins; else the working directory's
``.hadolint.yaml``/``.hadolint.yml``; else the user config directory), ``HADOLINT_*`` variables
override the file, and command-line options override both. hadolint applies the result to its
DL/SC codes itself (it runs with the same working directory and environment, and receives the
same command-line options); this module applies it to everything, DC codes included.
See https://github.com/hadolint/hadolint#configure.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from lint.finding import Severity

LEVELS = ("error", "warning", "info", "style")
THRESHOLDS = (*LEVELS, "none")


class ConfigError(Exception):
    """A configuration value that cannot be used; the message names the key and allowed values."""


@dataclass(frozen=True)
class Overrides:
    """Options given on the command line or as action inputs (``None``: not given)."""

    config_file: Path | None = None
    ignored: tuple[str, ...] | None = None
    override: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    failure_threshold: str | None = None
    trusted_registries: tuple[str, ...] | None = None
    no_fail: bool | None = None


@dataclass(frozen=True)
class Config:
    """The effective configuration. ``failure_threshold`` ``None`` means never fail."""

    ignored: frozenset[str] = frozenset()
    override: Mapping[str, Severity] = field(default_factory=dict)
    failure_threshold: Severity | None = Severity.WARNING
    trusted_registries: tuple[str, ...] = ()
    no_fail: bool = False
    disable_ignore_pragma: bool = False
    source: str | None = None

    def severity_of(self, code: str, default: Severity) -> Severity:
        return self.override.get(code, default)

    def fails(self, severity: Severity) -> bool:
        """Does a finding of this severity reach the failure threshold?"""
        if self.no_fail or self.failure_threshold is None:
            return False
        return severity.rank >= self.failure_threshold.rank


def candidate_files(cwd: Path, env: Mapping[str, str]) -> list[Path]:
    """Where hadolint 2.15.1 looks for its config, in order (first existing file wins)."""
    out = [cwd / ".hadolint.yaml", cwd / ".hadolint.yml"]
    home = env.get("HOME")
    xdg = env.get("XDG_CONFIG_HOME") or (str(Path(home) / ".config") if home else None)
    if xdg:
        out += [Path(xdg) / "hadolint.yaml", Path(xdg) / "hadolint.yml"]
    return out


def find_file(cwd: Path, env: Mapping[str, str], explicit: Path | None) -> Path | None:
    if explicit is not None:
        if not explicit.is_file():
            raise ConfigError(f"config file not found: {explicit}")
        return explicit
    for path in candidate_files(cwd, env):
        if path.is_file():
            return path
    return None


def _codes(value: object, key: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [v for v in value.split(",")]
    if not isinstance(value, list):
        raise ConfigError(f"{key}: expected a list of rule codes, got {type(value).__name__}")
    return tuple(str(v).strip() for v in value if str(v).strip())


def _threshold(value: str, key: str) -> Severity | None:
    value = value.strip().lower()
    if value not in THRESHOLDS:
        raise ConfigError(f"{key}: {value!r} is not one of {', '.join(THRESHOLDS)}")
    return None if value == "none" else Severity(value)


def _bool(value: object) -> bool:
    return str(value).strip().lower() in ("1", "true", "yes", "on")


def load(
    cwd: Path,
    env: Mapping[str, str] | None = None,
    overrides: Overrides | None = None,
) -> Config:
    """Build the effective configuration: file, then ``HADOLINT_*``, then ``overrides``."""
    env = dict(os.environ) if env is None else env
    overrides = overrides or Overrides()
    path = find_file(cwd, env, overrides.config_file)
    raw: dict[str, object] = {}
    if path is not None:
        try:
            loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            raise ConfigError(f"cannot read {path}: {exc}") from None
        if loaded is not None and not isinstance(loaded, dict):
            raise ConfigError(f"{path}: expected a mapping at the top level")
        raw = loaded or {}

    ignored = list(_codes(raw.get("ignored"), "ignored"))
    override: dict[str, Severity] = {}
    raw_override = raw.get("override") or {}
    if not isinstance(raw_override, dict):
        raise ConfigError("override: expected a mapping of error/warning/info/style to codes")
    threshold: Severity | None = Severity.WARNING
    if "failure-threshold" in raw:
        threshold = _threshold(str(raw["failure-threshold"]), "failure-threshold")
    trusted = list(_codes(raw.get("trustedRegistries"), "trustedRegistries"))
    no_fail = _bool(raw.get("no-fail", False))
    disable_pragma = _bool(raw.get("disable-ignore-pragma", False))

    layers: list[Mapping[str, Sequence[str]]] = [
        {k: _codes(v, f"override.{k}") for k, v in raw_override.items()}
    ]
    # HADOLINT_* variables (hadolint's Hadolint.Config.Environment).
    if "HADOLINT_IGNORE" in env:
        ignored = list(_codes(env["HADOLINT_IGNORE"], "HADOLINT_IGNORE"))
    env_override = {
        level: _codes(env[f"HADOLINT_OVERRIDE_{level.upper()}"], f"HADOLINT_OVERRIDE_{level}")
        for level in LEVELS
        if f"HADOLINT_OVERRIDE_{level.upper()}" in env
    }
    layers.append(env_override)
    if env.get("HADOLINT_FAILURE_THRESHOLD"):
        threshold = _threshold(env["HADOLINT_FAILURE_THRESHOLD"], "HADOLINT_FAILURE_THRESHOLD")
    if "HADOLINT_TRUSTED_REGISTRIES" in env:
        trusted = list(_codes(env["HADOLINT_TRUSTED_REGISTRIES"], "HADOLINT_TRUSTED_REGISTRIES"))
    if "HADOLINT_NOFAIL" in env:
        no_fail = _bool(env["HADOLINT_NOFAIL"])
    if "HADOLINT_DISABLE_IGNORE_PRAGMA" in env:
        disable_pragma = _bool(env["HADOLINT_DISABLE_IGNORE_PRAGMA"])

    # Command line / action inputs.
    if overrides.ignored is not None:
        ignored = list(overrides.ignored)
    layers.append(overrides.override)
    if overrides.failure_threshold is not None:
        threshold = _threshold(overrides.failure_threshold, "failure-threshold")
    if overrides.trusted_registries is not None:
        trusted = list(overrides.trusted_registries)
    if overrides.no_fail is not None:
        no_fail = overrides.no_fail

    for layer in layers:
        for level, codes in layer.items():
            if level not in LEVELS:
                raise ConfigError(f"override: {level!r} is not one of {', '.join(LEVELS)}")
            for code in codes:
                override[code] = Severity(level)

    return Config(
        ignored=frozenset(ignored),
        override=override,
        failure_threshold=threshold,
        trusted_registries=tuple(trusted),
        no_fail=no_fail,
        disable_ignore_pragma=disable_pragma,
        source=str(path) if path else None,
    )


def hadolint_args(overrides: Overrides) -> list[str]:
    """The same command-line overrides, spelled for hadolint."""
    args: list[str] = []
    if overrides.config_file is not None:
        args += ["--config", str(overrides.config_file)]
    for code in overrides.ignored or ():
        args += ["--ignore", code]
    for level, codes in overrides.override.items():
        for code in codes:
            args += [f"--{level}", code]
    for registry in overrides.trusted_registries or ():
        args += ["--trusted-registry", registry]
    return args
