"""One configuration for hadolint and for our DC rules: hadolint's own.

Everything here was checked against the hadolint 2.15.1 binary (``hadolint -V`` prints the
configuration it ends up with; ``tests/test_config.py`` runs both tools on the same files):

* The file: ``--config`` wins and nothing else is searched. Otherwise the first existing file of
  ``./.hadolint.yaml``, ``./.hadolint.yml`` (working directory only, never its parents),
  ``$XDG_CONFIG_HOME/hadolint.{yaml,yml}`` (``~/.config`` when unset or empty),
  ``~/.hadolint/{hadolint,config}.{yaml,yml}``, ``~/.hadolint.{yaml,yml}``.
* Lists are unions over file, ``HADOLINT_*`` variables and command line: ``ignored``
  (``HADOLINT_IGNORE``, ``--ignore``: hadolint's help says ``--ignore`` replaces the file's list,
  the binary merges them), ``trustedRegistries`` (this spelling only;
  ``HADOLINT_TRUSTED_REGISTRIES``, ``--trusted-registry``) and the four ``override`` lists
  (``HADOLINT_OVERRIDE_<LEVEL>``, ``--<level>``). A code in several override lists gets the
  most severe of them. Variable lists are split on commas and not trimmed, as in hadolint.
* Single values: command line, else the file, else the variable (the file beats the variable):
  ``failure-threshold`` (``HADOLINT_FAILURE_THRESHOLD``), ``no-fail`` (``HADOLINT_NOFAIL``),
  ``disable-ignore-pragma`` (``HADOLINT_DISABLE_IGNORE_PRAGMA``). Variables are true for
  ``1``, ``y``, ``yes``, ``on``, ``true`` (any case).

Threshold spellings, as the binary takes them: in the file ``error``, ``warning``, ``info``,
``style``, ``none`` or ``ignore``, exactly (``Warning`` makes hadolint reject the whole file); in
``HADOLINT_FAILURE_THRESHOLD`` only the four levels, exactly (hadolint silently ignores anything
else there, ``none`` included, and fails at its default ``info``).

Deliberate differences: a file hadolint cannot use (not a mapping, a list given as a string, an
unknown level or threshold) makes hadolint fall back to its defaults with a message on stderr,
and a variable it cannot use is silently dropped; here both are a ``ConfigError`` (exit code 2),
because silently linting with other settings than the user wrote is worse. Our default
``failure-threshold`` is ``warning`` (hadolint's ``info``). ``none``/``ignore`` never fail here, as
hadolint's help describes; the 2.15.1 binary ranks them below ``style`` and fails on everything.
hadolint applies the result to its DL/SC codes itself (it is handed the same file with
``--config`` and the merged values as options, ``hadolint_args``; no ``HADOLINT_*`` variable
reaches it); this module applies it to everything, DC codes included. See https://github.com/hadolint/hadolint#configure.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from lint.finding import Severity

LEVELS = ("error", "warning", "info", "style")
THRESHOLDS = (*LEVELS, "none")

#: Every key hadolint 2.15.1's configuration file takes (its README's "Configure" section); the
#: file is shared with hadolint, so keys only hadolint uses are known too.
FILE_KEYS = ("failure-threshold", "format", "ignored", "label-schema", "no-color", "no-fail",
             "override", "strict-labels", "disable-ignore-pragma", "trustedRegistries")


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
    disable_ignore_pragma: bool | None = None


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
    #: the working directory the file was searched from (hadolint runs there too)
    directory: str | None = None
    #: opt-in codes turned on without a severity of their own (for tools that measure every
    #: rule, such as the corpus and the tests; users turn a rule on through ``override``)
    enabled: frozenset[str] = frozenset()
    #: things in the file neither tool knows (an unknown key; a code ``known`` rejects), for
    #: the caller to show; they change nothing
    warnings: tuple[str, ...] = ()

    def turns_on(self, code: str) -> bool:
        """Is an opt-in rule turned on (named under an override level, or enabled)?"""
        return code in self.override or code in self.enabled

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
    if home:
        app = Path(home) / ".hadolint"
        out += [app / "hadolint.yaml", app / "hadolint.yml", app / "config.yaml",
                app / "config.yml", Path(home) / ".hadolint.yaml", Path(home) / ".hadolint.yml"]
    return out


def find_file(cwd: Path, env: Mapping[str, str], explicit: Path | None,
              confine: Path | None = None) -> Path | None:
    """The configuration file hadolint would read. With ``confine`` (the action: the
    workspace), a file that is not inside it once every symlink is resolved is refused, and
    only the working directory is searched (never the user's config directory)."""
    if explicit is not None:
        if not explicit.is_file():
            raise ConfigError(f"config file not found: {explicit}")
        return _confined(explicit, confine)
    candidates = candidate_files(cwd, env) if confine is None else [
        cwd / name for name in (".hadolint.yaml", ".hadolint.yml")]
    for path in candidates:
        if path.is_file():
            return _confined(path, confine)
    return None


def _confined(path: Path, confine: Path | None) -> Path:
    if confine is None:
        return path
    try:
        path.resolve().relative_to(confine.resolve())
    except (ValueError, OSError):
        raise ConfigError(f"{path.name}: it leads outside the workspace (a symlink?); not "
                          "read") from None
    return path


def _codes(value: object, key: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise ConfigError(f"{key}: expected a list of rule codes, got {type(value).__name__}")
    return tuple(str(v) for v in value)


def _env_list(env: Mapping[str, str], name: str) -> tuple[str, ...]:
    return tuple(v for v in env.get(name, "").split(",") if v)


def _threshold(value: str, key: str, allowed: tuple[str, ...] = (*THRESHOLDS, "ignore")
               ) -> Severity | None:
    """``value`` exactly as hadolint accepts it in that place (``ignore`` is its other spelling
    of ``none``)."""
    if value not in allowed:
        raise ConfigError(f"{key}: {value!r} is not one of {', '.join(allowed)}")
    return None if value in ("none", "ignore") else Severity(value)


def _truthy(value: str) -> bool:
    return value.strip().lower() in ("1", "y", "yes", "on", "true")


def _file_bool(value: object, key: str) -> bool:
    if isinstance(value, bool):
        return value
    raise ConfigError(f"{key}: expected true or false, got {value!r}")


def _read(path: Path) -> dict[str, object]:
    try:
        loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ConfigError(f"cannot read {path}: {exc}") from None
    if loaded is not None and not isinstance(loaded, dict):
        raise ConfigError(f"{path}: expected a mapping at the top level")
    return loaded or {}


def _first(*values: object) -> object:
    return next((v for v in values if v is not None), None)


def load(
    cwd: Path,
    env: Mapping[str, str] | None = None,
    overrides: Overrides | None = None,
    known: Callable[[str], bool] | None = None,
    confine: Path | None = None,
) -> Config:
    """Build the effective configuration from the file, ``HADOLINT_*`` and ``overrides``.
    ``known``: which rule codes exist; the file's other codes, and its unknown keys, are listed
    in ``Config.warnings``."""
    env = dict(os.environ) if env is None else env
    overrides = overrides or Overrides()
    path = find_file(cwd, env, overrides.config_file, confine)
    raw = _read(path) if path is not None else {}
    warnings = [_unknown_key(path, key) for key in raw if key not in FILE_KEYS]

    raw_override = raw.get("override") or {}
    if not isinstance(raw_override, dict):
        raise ConfigError("override: expected a mapping of error/warning/info/style to codes")
    for level in raw_override:
        if level not in LEVELS:
            raise ConfigError(f"override: {level!r} is not one of {', '.join(LEVELS)}")
    for level in overrides.override:
        if level not in LEVELS:
            raise ConfigError(f"override: {level!r} is not one of {', '.join(LEVELS)}")

    ignored = {*_codes(raw.get("ignored"), "ignored"), *_env_list(env, "HADOLINT_IGNORE"),
               *(overrides.ignored or ())}
    # Most severe first: a code in several lists gets the most severe level.
    override: dict[str, Severity] = {}
    for level in reversed(LEVELS):
        codes = (*_codes(raw_override.get(level), f"override.{level}"),
                 *_env_list(env, f"HADOLINT_OVERRIDE_{level.upper()}"),
                 *overrides.override.get(level, ()))
        for code in codes:
            override[code] = Severity(level)
    trusted = [*_codes(raw.get("trustedRegistries"), "trustedRegistries"),
               *_env_list(env, "HADOLINT_TRUSTED_REGISTRIES"),
               *(overrides.trusted_registries or ())]

    if known is not None and path is not None:
        named = [("ignored", c) for c in _codes(raw.get("ignored"), "ignored")]
        named += [(f"override.{level}", c) for level in LEVELS
                  for c in _codes(raw_override.get(level), f"override.{level}")]
        for key, code in named:
            if not known(code):
                hint = f" (did you mean {code.upper()!r}?)" if known(code.upper()) else ""
                warnings.append(f"{path}: {key}: unknown rule code {code!r}{hint}")

    threshold: Severity | None = Severity.WARNING
    if overrides.failure_threshold is not None:
        threshold = _threshold(overrides.failure_threshold.strip().lower(), "failure-threshold")
    elif raw.get("failure-threshold") is not None:
        threshold = _threshold(str(raw["failure-threshold"]), "failure-threshold")
    elif env.get("HADOLINT_FAILURE_THRESHOLD"):
        threshold = _threshold(env["HADOLINT_FAILURE_THRESHOLD"], "HADOLINT_FAILURE_THRESHOLD",
                               LEVELS)

    def flag(cli: bool | None, key: str, var: str) -> bool:
        file_value = _file_bool(raw[key], key) if raw.get(key) is not None else None
        env_value = _truthy(env[var]) if var in env else None
        return bool(_first(cli, file_value, env_value))

    return Config(
        ignored=frozenset(ignored),
        override=override,
        failure_threshold=threshold,
        trusted_registries=tuple(dict.fromkeys(trusted)),
        no_fail=flag(overrides.no_fail, "no-fail", "HADOLINT_NOFAIL"),
        disable_ignore_pragma=flag(overrides.disable_ignore_pragma, "disable-ignore-pragma",
                                   "HADOLINT_DISABLE_IGNORE_PRAGMA"),
        source=str(path) if path else None,
        directory=str(cwd),
        warnings=tuple(warnings),
    )


def _unknown_key(path: Path | None, key: object) -> str:
    close = difflib.get_close_matches(str(key), FILE_KEYS, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return f"{path}: unknown key {key!r}{hint}; neither hadolint nor dockerfile-review reads it"


def hadolint_args(overrides: Overrides, config: Config | None = None) -> list[str]:
    """The same configuration, spelled for hadolint. The file ``config`` was read from is named
    with ``--config`` so that hadolint uses it whatever its working directory; with ``config``
    its merged values (file, ``HADOLINT_*``, ``overrides``) follow as options, because hadolint
    runs without any ``HADOLINT_*`` variable (``lint.hadolint``)."""
    args: list[str] = []
    source = overrides.config_file or (Path(config.source) if config and config.source else None)
    if source is not None:
        args += ["--config", str(Path(source).absolute())]
    if config is None:
        ignored: list[str] = list(overrides.ignored or ())
        override = [(level, code) for level, codes in overrides.override.items()
                    for code in codes]
        trusted = list(overrides.trusted_registries or ())
        disable = bool(overrides.disable_ignore_pragma)
    else:
        ignored = sorted(config.ignored)
        override = [(severity.value, code) for code, severity in sorted(config.override.items())]
        trusted = list(config.trusted_registries)
        disable = config.disable_ignore_pragma
    for code in ignored:
        args += ["--ignore", code]
    for level, code in override:
        args += [f"--{level}", code]
    for registry in trusted:
        args += ["--trusted-registry", registry]
    if disable:
        args.append("--disable-ignore-pragma")
    return args
