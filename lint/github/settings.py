"""The action's settings: one frozen dataclass built from the environment GitHub provides.

Inputs arrive as ``INPUT_<NAME>``. ``action.yml`` maps each one explicitly to the upper-cased,
underscored form (``INPUT_FAILURE_THRESHOLD``); GitHub's own raw form keeps the hyphens
(``INPUT_FAILURE-THRESHOLD``) and is read as a fallback. Every error names the input and the
values it allows. The token is wrapped in ``Secret`` so no repr, log line or exception shows it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from lint.config import LEVELS, THRESHOLDS, Overrides
from lint.inputs import Secret, read_input, split_list

FORMATS = ("sarif", "json", "tty")
FILTER_MODES = ("added", "diff_context", "file", "nofilter")
COMMENT_MODES = ("always", "on-change", "never")
_TRUE = ("true", "yes", "on", "1")
_FALSE = ("false", "no", "off", "0")


class SettingsError(Exception):
    """An input or environment variable that cannot be used."""


def _choice(env: Mapping[str, str], name: str, default: str, allowed: tuple[str, ...]) -> str:
    value = read_input(env, name, default).lower()
    if value not in allowed:
        raise SettingsError(f"input {name}: {value!r} is not one of {', '.join(allowed)}")
    return value


def _bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    value = read_input(env, name, "true" if default else "false").lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise SettingsError(f"input {name}: {value!r} is not one of true, false")


@dataclass(frozen=True)
class Settings:
    """Everything the composition root needs; see ``action.yml`` for each input's meaning."""

    token: Secret = field(repr=False)
    # GitHub's environment.
    event_name: str
    event_path: Path | None
    workspace: Path
    repository: str
    api_url: str
    server_url: str
    sha: str
    run_id: str
    workflow_ref: str
    job: str
    step_summary: Path | None
    output: Path | None
    # Lint inputs (hadolint-action's names and meanings).
    dockerfile: tuple[str, ...] = ()
    recursive: bool = True
    config: str | None = None
    failure_threshold: str = "warning"
    ignore: tuple[str, ...] = ()
    trusted_registries: tuple[str, ...] = ()
    override: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    no_fail: bool = False
    format: str = "sarif"
    output_file: str = "dockerfile-review.sarif"
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    target: str | None = None
    hadolint_all_stages: bool = False
    pin_exempt: tuple[str, ...] = ()
    # Pull-request workflow inputs.
    filter_mode: str = "added"
    annotations: bool = True
    comment: str = "on-change"
    comment_key: str = ""
    comment_author: str = "github-actions[bot]"
    fetch_base: bool = True
    size: bool = True

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Settings:
        workspace = Path(env.get("GITHUB_WORKSPACE") or ".").absolute()
        repository = env.get("GITHUB_REPOSITORY", "")
        if repository and repository.count("/") != 1:
            raise SettingsError(f"GITHUB_REPOSITORY: {repository!r} is not owner/name")
        override = {
            level: split_list(read_input(env, f"override-{level}"))
            for level in LEVELS
            if read_input(env, f"override-{level}")
        }
        threshold = _choice(env, "failure-threshold", "warning", THRESHOLDS)
        return cls(
            token=Secret(read_input(env, "github-token") or env.get("GITHUB_TOKEN", "")),
            event_name=env.get("GITHUB_EVENT_NAME", ""),
            event_path=_path(env.get("GITHUB_EVENT_PATH")),
            workspace=workspace,
            repository=repository,
            api_url=(env.get("GITHUB_API_URL") or "https://api.github.com").rstrip("/"),
            server_url=(env.get("GITHUB_SERVER_URL") or "https://github.com").rstrip("/"),
            sha=env.get("GITHUB_SHA", ""),
            run_id=env.get("GITHUB_RUN_ID", ""),
            workflow_ref=env.get("GITHUB_WORKFLOW_REF", ""),
            job=env.get("GITHUB_JOB", ""),
            step_summary=_path(env.get("GITHUB_STEP_SUMMARY")),
            output=_path(env.get("GITHUB_OUTPUT")),
            dockerfile=split_list(read_input(env, "dockerfile")),
            recursive=_bool(env, "recursive", True),
            config=read_input(env, "config") or None,
            failure_threshold=threshold,
            ignore=split_list(read_input(env, "ignore")),
            trusted_registries=split_list(read_input(env, "trusted-registries")),
            override=override,
            no_fail=_bool(env, "no-fail", False),
            format=_choice(env, "format", "sarif", FORMATS),
            output_file=read_input(env, "output-file", "dockerfile-review.sarif"),
            include=split_list(read_input(env, "include")),
            exclude=split_list(read_input(env, "exclude")),
            target=read_input(env, "target") or None,
            hadolint_all_stages=_bool(env, "hadolint-all-stages", False),
            pin_exempt=split_list(read_input(env, "pin-exempt")),
            filter_mode=_choice(env, "filter-mode", "added", FILTER_MODES),
            annotations=_bool(env, "annotations", True),
            comment=_choice(env, "comment", "on-change", COMMENT_MODES),
            comment_key=read_input(env, "comment-key"),
            comment_author=read_input(env, "comment-author", "github-actions[bot]"),
            fetch_base=_bool(env, "fetch-base", True),
            size=_bool(env, "size", True),
        )

    def overrides(self) -> Overrides:
        """The lint inputs as configuration overrides (inputs win over ``.hadolint.yaml``).

        ``failure-threshold`` is always given (its default is hadolint-action's ``warning``)."""
        config = Path(self.config) if self.config else None
        if config is not None and not config.is_absolute():
            config = self.workspace / config
        return Overrides(
            config_file=config,
            ignored=self.ignore or None,
            override=dict(self.override),
            failure_threshold=self.failure_threshold,
            trusted_registries=self.trusted_registries or None,
            no_fail=True if self.no_fail else None,
        )

    def comment_marker_key(self) -> str:
        """The sticky comment's key: workflow file (``GITHUB_WORKFLOW_REF`` without ``@ref``),
        job, and the optional ``comment-key`` (matrix legs share a job id)."""
        workflow = self.workflow_ref.rsplit("@", 1)[0] if self.workflow_ref else ""
        parts = [p for p in (workflow, self.job, self.comment_key) if p]
        return ":".join(parts) or "default"


def sarif_location(env: Mapping[str, str]) -> tuple[Path, str]:
    """Where a run would write its SARIF file (workspace, relative path), read leniently, so
    that a run refused for a bad input can still clear an earlier run's file: ``output-file``
    unless ``format`` names another format, which keeps the default name."""
    workspace = Path(env.get("GITHUB_WORKSPACE") or ".").absolute()
    fmt = read_input(env, "format", "sarif").lower()
    default = "dockerfile-review.sarif"
    return workspace, default if fmt in FORMATS and fmt != "sarif" else read_input(
        env, "output-file", default)


def _path(value: str | None) -> Path | None:
    return Path(value) if value else None


__all__ = [
    "COMMENT_MODES",
    "FILTER_MODES",
    "FORMATS",
    "Secret",
    "Settings",
    "SettingsError",
    "read_input",
    "sarif_location",
    "split_list",
]
