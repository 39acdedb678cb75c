"""The size step where it must not build (no engine needed): turned off, refused events,
events without builds, and no engine answering (a dead socket, a missing client)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from lint.sinks import size as size_sink
from lint.size import SizeReport, SizeSettings, run_step
from lint.size.step import stale
from tests.size.conftest import DOCKER


def step(settings: SizeSettings, event: str, workspace: Path) -> SizeReport:
    (workspace / "Dockerfile").write_text("FROM scratch\n")
    return run_step(settings, workspace=workspace, event_name=event, base_sha="a" * 40,
                    head_sha="b" * 40, changed=["Dockerfile"], dockerfiles={})


def test_size_false_turns_the_step_off(tmp_path: Path) -> None:
    settings = SizeSettings.from_env({"INPUT_SIZE": "false", "INPUT_DOCKER_COMMAND": "/nope"})
    report = step(settings, "pull_request", tmp_path)
    assert report.skipped == "turned off (input size: false)"
    assert (report.builds, report.images, report.delta_bytes, report.failed) == (0, [], 0, False)


@pytest.mark.parametrize("event", ["pull_request_target", "workflow_run"])
def test_privileged_events_refuse_to_build(event: str, tmp_path: Path) -> None:
    # A client that would fail loudly if it were ever run: refusal comes before any docker call.
    report = step(SizeSettings(docker_command=str(tmp_path / "must-not-run")), event, tmp_path)
    assert report.skipped == (
        f"images are never built under {event}: it runs with a write token next to code a fork "
        "controls. Run the size step from a pull_request workflow.")
    assert report.builds == 0
    assert size_sink.markdown(report) == (
        "### Image size\n\nSize analysis was skipped: images are never built under "
        f"{event.replace('_', chr(92) + '_')}: it runs with a write token next to code a fork "
        "controls. Run the size step from a pull\\_request workflow.\n")


def test_other_events_do_not_build(tmp_path: Path) -> None:
    report = step(SizeSettings(docker_command=str(tmp_path / "must-not-run")), "issues", tmp_path)
    assert report.skipped == "the issues event does not build images"


def test_missing_client_skips_with_the_reason(tmp_path: Path) -> None:
    missing = str(tmp_path / "bin" / "docker")
    report = step(SizeSettings(docker_command=missing), "pull_request", tmp_path)
    assert report.skipped == (f"no Docker engine answered ({missing} version --format "
                              f"{{{{json .}}}} exited with -1: {missing}: command not found); "
                              "linting still reports")
    assert report.builds == 0 and report.images == []


@pytest.mark.parametrize("event", ["pull_request", "workflow_dispatch"])
def test_dead_socket_skips_with_the_reason(event: str, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    if shutil.which(DOCKER) is None:
        pytest.skip(f"{DOCKER} is not installed")
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path}/dead.sock")
    report = step(SizeSettings(docker_command=DOCKER), event, tmp_path)
    assert report.skipped is not None
    assert report.skipped.startswith(f"no Docker engine answered ({DOCKER} version --format ")
    assert f"{tmp_path}/dead.sock" in report.skipped
    assert report.skipped.endswith("; linting still reports")
    assert size_sink.markdown(report).startswith(
        "### Image size\n\nSize analysis was skipped: no Docker engine answered (")
    assert size_sink.to_json(report)["skipped"] == report.skipped


@pytest.mark.parametrize(("revision", "head", "expected"), [
    (None, "b" * 40, False), ("", "b" * 40, False),  # no label: nothing to check
    ("b" * 40, "b" * 40, False), ("B" * 12, "b" * 40, False),  # the head, in full or short
    ("a" * 40, "b" * 40, True), ("bbbbbb", "b" * 40, True),  # another commit; too short to tell
])
def test_a_revision_label_of_another_commit_is_stale(revision: str | None, head: str,
                                                     expected: bool) -> None:
    assert stale(revision, head) is expected
