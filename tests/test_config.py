"""Configuration parity with hadolint 2.15.1 (lint/config.py): the SAME Dockerfile is linted by
hadolint alone (run in the same directory with the same environment and options) and by ours;
their DL/SC findings must agree as (code, line, severity), and our DC codes must follow the
same configuration the same way. HOME and XDG_CONFIG_HOME are per-test (tests/conftest.py)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from lint import engine
from lint.config import ConfigError, Overrides, load
from lint.discovery import Found
from lint.finding import Finding
from lint.hadolint import find_binary
from lint.run import LintOptions, lint_files

REAL = find_binary()

Triple = tuple[str, int, str]

# Every line fires at least one DL or SC code (and DC101/DC201/DC301/DC401/DC402 on line 1,
# DC103 on line 8).
DOCKERFILE = """\
FROM debian:latest
MAINTAINER me
RUN apt-get update && apt-get install -y curl
WORKDIR app
RUN cd /x
RUN pip install flask
ADD app.py /x/
EXPOSE 22
CMD python app.py
"""
# Only info-level findings: DL3009 (line 2), DL3066 (line 3), DC201 and DC301 (line 1).
QUIET = """\
FROM debian:12
RUN apt-get update && apt-get install --no-install-recommends -y curl=1
USER app
CMD ["app"]
"""


class Both:
    """One lint of ``Dockerfile`` in ``cwd`` by hadolint alone and by ours."""

    def __init__(self, cwd: Path, overrides: Overrides, hadolint_args: list[str]) -> None:
        proc = subprocess.run([REAL, "-f", "json", *hadolint_args, "Dockerfile"], cwd=cwd,
                              capture_output=True, text=True, check=False)
        self.theirs = {(i["code"], i["line"], i["level"]) for i in json.loads(proc.stdout)}
        self.returncode = proc.returncode
        self.config = load(cwd, os.environ, overrides)
        result = lint_files([Found("Dockerfile", cwd / "Dockerfile")], self.config,
                            LintOptions(overrides=overrides, hadolint_all_stages=True))
        assert result.errors == []
        self.findings = result.findings

    def ours(self, prefixes: tuple[str, ...] = ("DL", "SC")) -> set[Triple]:
        return {(f.code, f.line, f.severity.value) for f in self.findings
                if f.code.startswith(prefixes)}

    def dc(self) -> dict[str, str]:
        return {f.code: f.severity.value for f in self.findings if f.code.startswith("DC")}

    def fails(self, prefix: str) -> bool:
        mine: list[Finding] = [f for f in self.findings if f.code.startswith(prefix)]
        return engine.exceeds(mine, self.config)


def both(cwd: Path, text: str = DOCKERFILE, overrides: Overrides | None = None,
         hadolint_args: tuple[str, ...] = ()) -> Both:
    (cwd / "Dockerfile").write_text(text)
    (cwd / ".dockerignore").write_text(".git\n")
    result = Both(cwd, overrides or Overrides(), list(hadolint_args))
    assert result.ours() == result.theirs
    return result


@pytest.fixture
def work(tmp_path: Path) -> Path:
    path = tmp_path / "work"
    path.mkdir()
    return path


def test_no_config_anywhere(work: Path) -> None:
    run = both(work)
    assert run.config.source is None
    assert {c for c, _, _ in run.theirs} == {
        "DL3007", "DL4000", "DL3008", "DL3009", "DL3015", "DL3000", "DL3003", "SC2164",
        "DL3013", "DL3042", "DL3059", "DL3020", "DL3025",
    }


def test_search_order_matches_hadolint(work: Path) -> None:
    home = Path(os.environ["HOME"])
    xdg = Path(os.environ["XDG_CONFIG_HOME"])
    # Each candidate ignores a different code; removing the winner one by one shows which file
    # each tool reads next.
    order = [
        (work / ".hadolint.yaml", "DL3007"),
        (work / ".hadolint.yml", "DL4000"),
        (xdg / "hadolint.yaml", "DL3008"),
        (xdg / "hadolint.yml", "DL3009"),
        (home / ".hadolint" / "hadolint.yaml", "DL3015"),
        (home / ".hadolint" / "hadolint.yml", "DL3000"),
        (home / ".hadolint" / "config.yaml", "DL3003"),
        (home / ".hadolint" / "config.yml", "DL3013"),
        (home / ".hadolint.yaml", "DL3042"),
        (home / ".hadolint.yml", "DL3020"),
    ]
    for path, code in order:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"ignored: [{code}]\n")
    # Never a parent directory of the working directory.
    (work.parent / ".hadolint.yaml").write_text("ignored: [DL3025]\n")
    for path, code in order:
        run = both(work)
        assert run.config.source == str(path)
        assert {c for c, _, _ in run.theirs} & {c for _, c in order} == {
            c for _, c in order
        } - {code}
        path.unlink()
    run = both(work)
    assert run.config.source is None and ("DL3025", 9, "warning") in run.theirs


def test_xdg_unset_or_empty_means_dot_config(work: Path, monkeypatch: pytest.MonkeyPatch
                                             ) -> None:
    home = Path(os.environ["HOME"])
    (home / ".config").mkdir(parents=True, exist_ok=True)
    (home / ".config" / "hadolint.yaml").write_text("ignored: [DL3007, DC101]\n")
    elsewhere = home / "xdg"
    elsewhere.mkdir()
    monkeypatch.setenv("XDG_CONFIG_HOME", str(elsewhere))
    run = both(work)  # XDG points elsewhere: ~/.config is not read by either tool
    assert ("DL3007", 1, "warning") in run.theirs and "DC101" in run.dc()
    for value in ("", None):
        if value is None:
            monkeypatch.delenv("XDG_CONFIG_HOME")
        else:
            monkeypatch.setenv("XDG_CONFIG_HOME", value)
        run = both(work)
        assert run.config.source == str(home / ".config" / "hadolint.yaml")
        assert not any(c == "DL3007" for c, _, _ in run.theirs) and "DC101" not in run.dc()


def test_explicit_config_wins_over_everything(work: Path) -> None:
    (work / ".hadolint.yaml").write_text("ignored: [DL3007]\n")
    chosen = work / "custom.yaml"
    chosen.write_text("ignored: [DL3008, DC103]\n")
    run = both(work, overrides=Overrides(config_file=chosen),
               hadolint_args=("--config", str(chosen)))
    codes = {c for c, _, _ in run.theirs}
    assert "DL3008" not in codes and "DL3007" in codes
    assert "DC103" not in run.dc() and "DC101" in run.dc()


ENV_CASES: dict[str, tuple[str | None, dict[str, str], set[str], dict[str, str]]] = {
    # name: (file, environment, DL codes that must be absent, DC code -> expected severity
    # or "absent")
    # DC101, DC103 and DC301 are opt-in: the files turn them on through override.
    "ignore_union_of_file_and_env": (
        "ignored: [DL3007, DC101]\noverride:\n  warning: [DC101, DC103]\n  info: [DC301]\n",
        {"HADOLINT_IGNORE": "DL3008,DC301"},
        {"DL3007", "DL3008"}, {"DC101": "absent", "DC301": "absent", "DC103": "warning"},
    ),
    "env_list_items_are_not_trimmed": (
        "override:\n  warning: [DC101]\n  info: [DC301]\n",
        {"HADOLINT_IGNORE": "DL3008, DL3009,DC101, DC301"},
        {"DL3008"}, {"DC101": "absent", "DC301": "info"},
    ),
    "override_most_severe_wins": (
        "override:\n  error: [DL3009, DC301]\n",
        {"HADOLINT_OVERRIDE_STYLE": "DL3009,DC301", "HADOLINT_OVERRIDE_INFO": "DL3008,DC103"},
        set(), {"DC301": "error", "DC103": "info"},
    ),
    "override_from_env_only": (
        None, {"HADOLINT_OVERRIDE_WARNING": "DL3015,DC402", "HADOLINT_OVERRIDE_STYLE": "DL3000",
               "HADOLINT_OVERRIDE_ERROR": "DL3059,DC201"},
        set(), {"DC402": "warning", "DC201": "error"},
    ),
}


@pytest.mark.default_rules  # the environment is the subject here
@pytest.mark.parametrize("name", sorted(ENV_CASES))
def test_file_and_environment_combine_as_in_hadolint(
    work: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    file, env, absent, dc = ENV_CASES[name]
    if file is not None:
        (work / ".hadolint.yaml").write_text(file)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    run = both(work)
    assert not absent & {c for c, _, _ in run.theirs}
    assert {c: run.dc().get(c, "absent") for c in dc} == dc


@pytest.mark.default_rules
def test_override_severities_from_file(work: Path) -> None:
    (work / ".hadolint.yaml").write_text(
        "override:\n  error: [DL3009, DC301]\n  info: [DL3000, DC101]\n  style: [DL3008]\n"
    )
    run = both(work)
    assert {("DL3009", 3, "error"), ("DL3000", 4, "info"), ("DL3008", 3, "style")} <= run.theirs
    assert run.dc()["DC301"] == "error" and run.dc()["DC101"] == "info"


def test_command_line_lists_merge_with_the_file(work: Path) -> None:
    # hadolint's help says --ignore replaces the file's list; the 2.15.1 binary merges them.
    (work / ".hadolint.yaml").write_text(
        "ignored: [DL3007, DC101]\noverride:\n  error: [DL3009, DC301]\n"
    )
    overrides = Overrides(ignored=("DL3008", "DC103"),
                          override={"style": ("DL3009", "DC301"), "info": ("DL3025",)})
    run = both(work, overrides=overrides, hadolint_args=(
        "--ignore", "DL3008", "--ignore", "DC103", "--style", "DL3009", "--style", "DC301",
        "--info", "DL3025"))
    codes = {c for c, _, _ in run.theirs}
    assert not {"DL3007", "DL3008"} & codes
    assert {("DL3009", 3, "error"), ("DL3025", 9, "info")} <= run.theirs
    assert "DC101" not in run.dc() and "DC103" not in run.dc() and run.dc()["DC301"] == "error"


def test_trusted_registries_union(work: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (work / ".hadolint.yaml").write_text("trustedRegistries: [registry.example.com]\n")
    run = both(work, QUIET)
    assert ("DL3026", 1, "error") in run.theirs  # debian:12 is not from a trusted registry
    assert run.dc()["DC301"] == "info"
    monkeypatch.setenv("HADOLINT_TRUSTED_REGISTRIES", "docker.io")
    run = both(work, QUIET)
    assert not any(c == "DL3026" for c, _, _ in run.theirs)
    assert run.config.trusted_registries == ("registry.example.com", "docker.io")
    # No DC rule reads trustedRegistries: DC301's docs keep its exemptions (pin-exempt) separate.
    assert run.dc() == {"DC201": "info", "DC301": "info"}


THRESHOLD_CASES = [
    # (file threshold, HADOLINT_FAILURE_THRESHOLD, command line, fails on info findings?)
    ("warning", None, None, False),
    ("info", None, None, True),
    ("warning", "info", None, False),  # the file beats the variable
    ("info", "warning", None, True),
    (None, "warning", None, False),
    (None, "style", None, True),
    (None, "warning", "info", True),  # the command line beats both
    ("info", None, "warning", False),
]


@pytest.mark.parametrize(("file", "env", "cli", "fails"), THRESHOLD_CASES)
def test_failure_threshold_applies_to_both(
    work: Path, monkeypatch: pytest.MonkeyPatch,
    file: str | None, env: str | None, cli: str | None, fails: bool,
) -> None:
    if file is not None:
        (work / ".hadolint.yaml").write_text(f"failure-threshold: {file}\n")
    if env is not None:
        monkeypatch.setenv("HADOLINT_FAILURE_THRESHOLD", env)
    run = both(work, QUIET, Overrides(failure_threshold=cli),
               hadolint_args=("-t", cli) if cli else ())
    assert run.theirs == {("DL3009", 2, "info"), ("DL3066", 3, "info")}
    assert run.dc() == {"DC201": "info", "DC301": "info"}
    assert (run.returncode == 1) is fails
    assert run.fails("DL") is fails
    assert run.fails("DC") is fails  # the DC findings are info too: same verdict


@pytest.mark.parametrize("value", ["none", "ignore"])
def test_threshold_none_never_fails_unlike_the_binary(work: Path, value: str) -> None:
    # hadolint 2.15.1 ranks none/ignore below style, so it then fails on every finding; its help
    # says it fails "only when rules with a severity equal to or above THRESHOLD" appear. We
    # follow the documented meaning (deliberate difference, see lint/config.py).
    (work / ".hadolint.yaml").write_text(f"failure-threshold: {value}\n")
    run = both(work, QUIET)
    assert run.returncode == 1
    assert run.config.failure_threshold is None
    assert not run.fails("DL") and not run.fails("DC")


def test_threshold_the_binary_would_not_use_is_an_error(
    work: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (work / "Dockerfile").write_text(QUIET)
    # In the variable hadolint takes only the four levels, exactly; anything else is dropped
    # silently and it fails at its default (info). We refuse instead.
    for value in ("none", "WARNING", "bogus"):
        monkeypatch.setenv("HADOLINT_FAILURE_THRESHOLD", value)
        proc = subprocess.run([REAL, "Dockerfile"], cwd=work, capture_output=True, check=False)
        assert proc.returncode == 1
        with pytest.raises(ConfigError, match="HADOLINT_FAILURE_THRESHOLD"):
            load(work, os.environ)
    monkeypatch.delenv("HADOLINT_FAILURE_THRESHOLD")
    # In the file a wrong case makes hadolint reject the whole file (its ignores too).
    (work / ".hadolint.yaml").write_text("failure-threshold: Warning\nignored: [DL3009]\n")
    listed = subprocess.run([REAL, "-f", "json", "Dockerfile"], cwd=work, capture_output=True,
                            text=True, check=False)
    assert "Error parsing your config file" in listed.stderr
    assert any(i["code"] == "DL3009" for i in json.loads(listed.stdout))
    with pytest.raises(ConfigError, match="failure-threshold: 'Warning'"):
        load(work, os.environ)


def test_no_fail_from_environment(work: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HADOLINT_NOFAIL", "yes")
    monkeypatch.setenv("HADOLINT_FAILURE_THRESHOLD", "style")
    run = both(work, QUIET)
    assert run.returncode == 0
    assert not run.fails("DL") and not run.fails("DC")
