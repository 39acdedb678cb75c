"""The release: scripts/pin-action-image rewrites action.yml to run a prebuilt image pinned by
digest, and .github/workflows/release.yml builds, pushes and pins it (run by GitHub only: the push
to ghcr.io cannot run here).

The action metadata schema is SchemaStore's ``github-action.json`` as vendored by
check-jsonschema (``--builtin-schema vendor.github-actions``), read from the installed package.
"""

from __future__ import annotations

import json
import subprocess
import sys
from importlib.resources import files
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
PIN = ROOT / "scripts" / "pin-action-image"
ACTION = ROOT / "action.yml"
RELEASE = ROOT / ".github" / "workflows" / "release.yml"
DIGEST = "sha256:" + "0123456789abcdef" * 4
REF = f"ghcr.io/dockerfile-review/dockerfile-review@{DIGEST}"


def schema() -> dict[str, Any]:
    text = files("check_jsonschema.builtin_schemas.vendor").joinpath(
        "github-actions.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def validate(text: str) -> None:
    jsonschema.Draft7Validator(schema()).validate(yaml.safe_load(text))


def pin(reference: str, path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(PIN), reference, str(path)], capture_output=True,
                          text=True, timeout=30, check=False)


@pytest.fixture
def action(tmp_path: Path) -> Path:
    copy = tmp_path / "action.yml"
    copy.write_bytes(ACTION.read_bytes())
    return copy


def test_main_builds_from_the_dockerfile_and_is_valid_action_metadata() -> None:
    text = ACTION.read_text(encoding="utf-8")
    assert "\n  image: Dockerfile\n" in text
    validate(text)


def test_the_schema_is_live() -> None:
    """The schema rejects a docker action without an image (else passing would prove nothing)."""
    data = yaml.safe_load(ACTION.read_text(encoding="utf-8"))
    del data["runs"]["image"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft7Validator(schema()).validate(data)


def test_pinning_changes_only_the_image_line(action: Path) -> None:
    proc = pin(REF, action)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == f"pin-action-image: {action} now runs docker://{REF}\n"
    before = ACTION.read_bytes().split(b"\n")
    after = action.read_bytes().split(b"\n")
    assert len(after) == len(before)
    changed = [(i, a) for i, (b, a) in enumerate(zip(before, after, strict=True)) if a != b]
    assert changed == [(before.index(b"  image: Dockerfile"), f"  image: docker://{REF}".encode())]
    text = action.read_text(encoding="utf-8")
    validate(text)
    data = yaml.safe_load(text)
    original = yaml.safe_load(ACTION.read_text(encoding="utf-8"))
    assert data["runs"] == {**original["runs"], "image": f"docker://{REF}"}
    assert {k: v for k, v in data.items() if k != "runs"} == {
        k: v for k, v in original.items() if k != "runs"}


def test_crlf_line_endings_are_kept(action: Path) -> None:
    action.write_bytes(ACTION.read_bytes().replace(b"\n", b"\r\n"))
    assert pin(REF, action).returncode == 0
    assert action.read_bytes() == ACTION.read_bytes().replace(b"\n", b"\r\n").replace(
        b"  image: Dockerfile\r\n", f"  image: docker://{REF}\r\n".encode())


@pytest.mark.parametrize("reference", [
    "ghcr.io/dockerfile-review/dockerfile-review:v1",  # a tag can be re-pushed
    "ghcr.io/dockerfile-review/dockerfile-review",
    f"ghcr.io/dockerfile-review/dockerfile-review:v1@{DIGEST}",  # tag and digest: which one?
    "ghcr.io/dockerfile-review/dockerfile-review@sha256:0123abcd",  # short
    f"ghcr.io/dockerfile-review/dockerfile-review@{DIGEST.upper()}",
    f"ghcr.io/Octo-Org/dockerfile-review@{DIGEST}",  # registries refuse upper case
    f"docker://ghcr.io/dockerfile-review/dockerfile-review@{DIGEST}",
    f"ghcr.io/dockerfile-review/dockerfile-review@sha512:{'0' * 128}",
    f"ghcr.io/x@{DIGEST}\n  using: node20",  # no smuggled YAML
    "",
])
def test_refuses_what_is_not_pinned_by_digest(action: Path, reference: str) -> None:
    proc = pin(reference, action)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr == ("pin-action-image: not an image reference pinned by digest "
                           f"(name@sha256:<64 hex>): {reference!r}\n")
    assert action.read_bytes() == ACTION.read_bytes()


def test_other_registries_and_ports_are_accepted(action: Path) -> None:
    for reference in (f"docker.io/library/dockerfile-review@{DIGEST}",
                      f"localhost:5000/a/b__c-d.e@{DIGEST}", f"review@{DIGEST}"):
        action.write_bytes(ACTION.read_bytes())
        assert pin(reference, action).returncode == 0, reference
        assert yaml.safe_load(action.read_text(encoding="utf-8"))["runs"]["image"] == (
            f"docker://{reference}")


def test_a_pinned_file_is_not_pinned_twice(action: Path) -> None:
    """Re-running on a pinned file replaces the reference, still one line."""
    assert pin(REF, action).returncode == 0
    other = REF.replace("0123", "4567")
    assert pin(other, action).returncode == 0
    assert yaml.safe_load(action.read_text(encoding="utf-8"))["runs"]["image"] == (
        f"docker://{other}")


def test_no_image_line_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "action.yml"
    path.write_text("name: x\nruns:\n  using: node20\n  main: index.js\n", encoding="utf-8")
    proc = pin(REF, path)
    assert (proc.returncode, proc.stderr) == (
        2, "pin-action-image: expected one image: line in the runs: block, found 0\n")


def load_release() -> dict[Any, Any]:
    data = yaml.safe_load(RELEASE.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    data["on"] = data.pop(True)  # YAML 1.1 reads the key `on` as True
    return data


def test_release_workflow_builds_both_platforms_pushes_and_pins() -> None:
    wf = load_release()
    assert wf["on"] == {"push": {"tags": ["v[0-9]+.[0-9]+.[0-9]+"]}}
    assert wf["permissions"] == {"contents": "read"}
    job = wf["jobs"]["image"]
    assert job["permissions"] == {"contents": "write", "packages": "write"}
    steps = job["steps"]
    uses = [s.get("uses", "").split("@")[0] for s in steps]
    assert uses.index("docker/setup-qemu-action") < uses.index("docker/build-push-action")
    build = steps[uses.index("docker/build-push-action")]
    assert build["id"] == "build"
    assert build["with"]["platforms"] == "linux/amd64,linux/arm64"
    assert build["with"]["push"] is True
    assert build["with"]["tags"] == "${{ steps.name.outputs.image }}:${{ github.ref_name }}"
    name_step = next(s for s in steps if s.get("id") == "name")
    assert "ghcr.io/${GITHUB_REPOSITORY,,}" in name_step["run"]
    pin_step = next(s for s in steps if "scripts/pin-action-image" in s.get("run", ""))
    assert pin_step["env"]["REF"] == (
        "${{ steps.name.outputs.image }}@${{ steps.build.outputs.digest }}")
    assert 'scripts/pin-action-image "$REF" action.yml' in pin_step["run"]
    assert 'git push --force origin "refs/tags/$TAG"' in pin_step["run"]
