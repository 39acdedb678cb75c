"""The action reads nothing outside the workspace: a configuration symlinked out of it is
refused without quoting it, a renamed file's previous name from the API cannot climb out of the
base tree, and a .dockerignore symlinked out of its folder is not followed."""

from __future__ import annotations

from pathlib import Path

import pytest

from lint import context as context_io
from lint.config import ConfigError, Overrides, load
from lint.github.base import lint_base
from lint.run import LintOptions

SECRET = "hunter2-outside-the-workspace"


def test_a_config_symlinked_out_of_the_workspace_is_refused_without_its_content(
        tmp_path: Path) -> None:
    outside = tmp_path / "outside.yaml"
    outside.write_text(f"ignored: [{SECRET}\n")  # broken YAML that would be quoted
    workspace = tmp_path / "ws"
    workspace.mkdir()
    (workspace / ".hadolint.yaml").symlink_to(outside)
    with pytest.raises(ConfigError) as caught:
        load(workspace, {}, Overrides(), confine=workspace)
    assert "leads outside the workspace" in str(caught.value)
    assert SECRET not in str(caught.value)
    # The command line lints what its user names: the same file is read there.
    with pytest.raises(ConfigError) as plain:
        load(workspace, {}, Overrides())
    assert "leads outside" not in str(plain.value)


def test_the_user_config_directory_is_not_read_by_the_action(tmp_path: Path) -> None:
    home = tmp_path / "home"
    (home / ".config").mkdir(parents=True)
    (home / ".config" / "hadolint.yaml").write_text("ignored: [DL3008]\n")
    workspace = tmp_path / "ws"
    workspace.mkdir()
    env = {"HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config")}
    assert "DL3008" in load(workspace, env, Overrides()).ignored
    assert "DL3008" not in load(workspace, env, Overrides(), confine=workspace).ignored


def test_a_previous_name_cannot_climb_out_of_the_base_tree(tmp_path: Path) -> None:
    (tmp_path / "secret.Dockerfile").write_text("FROM alpine:3.20\nRUN cd /x\n")
    root = tmp_path / "base"
    root.mkdir()
    (root / "Dockerfile").write_text("FROM alpine:3.20\n")
    based = lint_base(root, {"Dockerfile": "../secret.Dockerfile"}, Overrides(), LintOptions(),
                      {})
    assert based.findings == {} and based.dockerfiles == {}


def test_a_dockerignore_symlinked_out_of_its_folder_is_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    outside.write_text(f"{SECRET}\n")
    app = tmp_path / "app"
    app.mkdir()
    (app / "Dockerfile").write_text("FROM alpine:3.20\n")
    (app / ".dockerignore").symlink_to(outside)
    ctx = context_io.load(app / "Dockerfile")
    assert ctx.dockerignore is None
    (app / ".dockerignore").unlink()
    (app / ".dockerignore").write_text(".git\n")
    assert context_io.load(app / "Dockerfile").dockerignore == ".git\n"
