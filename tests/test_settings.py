"""Settings from the environment: inputs in both spellings, defaults, errors, the token."""

from __future__ import annotations

import pytest

from lint.github.settings import Secret, Settings, SettingsError, read_input, split_list

TOKEN = "ghs_SETTINGSFAKETOKEN0123456789"


def base_env(**inputs: str) -> dict[str, str]:
    env = {
        "GITHUB_EVENT_NAME": "pull_request",
        "GITHUB_WORKSPACE": "/github/workspace",
        "GITHUB_REPOSITORY": "octo-org/octo-repo",
        "GITHUB_SHA": "a" * 40,
        "GITHUB_WORKFLOW_REF": "octo-org/octo-repo/.github/workflows/ci.yml@refs/pull/7/merge",
        "GITHUB_JOB": "lint",
        "INPUT_GITHUB_TOKEN": TOKEN,
    }
    env.update(inputs)
    return env


def test_defaults_match_action_yml() -> None:
    s = Settings.from_env(base_env())
    assert (s.failure_threshold, s.format, s.output_file, s.filter_mode, s.comment,
            s.comment_author, s.recursive, s.annotations, s.fetch_base, s.no_fail) == (
        "warning", "sarif", "dockerfile-review.sarif", "added", "on-change",
        "github-actions[bot]", True, True, True, False)
    assert s.api_url == "https://api.github.com"
    assert s.server_url == "https://github.com"


def test_underscored_form_wins_over_raw_form() -> None:
    env = base_env(**{"INPUT_FAILURE_THRESHOLD": "error", "INPUT_FAILURE-THRESHOLD": "info"})
    assert Settings.from_env(env).failure_threshold == "error"


def test_raw_hyphenated_form_is_the_fallback() -> None:
    env = base_env(**{"INPUT_FILTER-MODE": "diff_context", "INPUT_NO-FAIL": "TRUE"})
    s = Settings.from_env(env)
    assert (s.filter_mode, s.no_fail) == ("diff_context", True)


def test_blank_input_means_default() -> None:
    assert Settings.from_env(base_env(INPUT_COMMENT="  ")).comment == "on-change"


@pytest.mark.parametrize(("name", "value", "message"), [
    ("INPUT_FAILURE_THRESHOLD", "fatal",
     "input failure-threshold: 'fatal' is not one of error, warning, info, style, none"),
    ("INPUT_FILTER_MODE", "lines",
     "input filter-mode: 'lines' is not one of added, diff_context, file, nofilter"),
    ("INPUT_COMMENT", "sometimes",
     "input comment: 'sometimes' is not one of always, on-change, never"),
    ("INPUT_FORMAT", "xml", "input format: 'xml' is not one of sarif, json, tty"),
    ("INPUT_ANNOTATIONS", "maybe", "input annotations: 'maybe' is not one of true, false"),
])
def test_errors_name_the_input_and_allowed_values(name: str, value: str, message: str) -> None:
    with pytest.raises(SettingsError) as info:
        Settings.from_env(base_env(**{name: value}))
    assert str(info.value) == message
    assert TOKEN not in str(info.value)


def test_lists_split_on_commas_and_newlines() -> None:
    env = base_env(INPUT_IGNORE="DL3008, DL3009\nDC101\n", INPUT_OVERRIDE_ERROR="DL3002",
                   INPUT_EXCLUDE="vendor/**")
    s = Settings.from_env(env)
    assert s.ignore == ("DL3008", "DL3009", "DC101")
    assert dict(s.override) == {"error": ("DL3002",)}
    o = s.overrides()
    assert o.ignored == ("DL3008", "DL3009", "DC101")
    assert o.failure_threshold == "warning"
    assert s.exclude == ("vendor/**",)
    assert split_list(" , ,") == ()


def test_token_never_in_repr_or_str() -> None:
    s = Settings.from_env(base_env())
    assert TOKEN not in repr(s)
    assert TOKEN not in str(s)
    assert s.token.reveal() == TOKEN
    assert repr(Secret(TOKEN)) == "Secret('***')"
    assert TOKEN not in f"{s.token}"


def test_comment_key_is_workflow_file_job_and_key() -> None:
    s = Settings.from_env(base_env(INPUT_COMMENT_KEY="py3.12"))
    assert s.comment_marker_key() == "octo-org/octo-repo/.github/workflows/ci.yml:lint:py3.12"
    assert Settings.from_env(base_env()).comment_marker_key() == (
        "octo-org/octo-repo/.github/workflows/ci.yml:lint")


def test_relative_config_is_under_the_workspace() -> None:
    s = Settings.from_env(base_env(INPUT_CONFIG="ci/hadolint.yaml"))
    assert str(s.overrides().config_file) == "/github/workspace/ci/hadolint.yaml"


def test_bad_repository_is_an_error() -> None:
    with pytest.raises(SettingsError, match="GITHUB_REPOSITORY"):
        Settings.from_env(base_env(GITHUB_REPOSITORY="nope"))


def test_read_input_default() -> None:
    assert read_input({}, "comment-key", "x") == "x"
