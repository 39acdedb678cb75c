"""``python -m lint.size`` (no engine): FROM rewriting and argument errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from lint.size.__main__ import main, with_base


def test_with_base_rewrites_registry_images_only() -> None:
    text = ("ARG V=3.12\nFROM --platform=$BUILDPLATFORM python:${V}-slim AS build\nRUN make\n"
            "from scratch AS empty\nFROM build AS test\nFROM python:3.12\n"
            "COPY --from=build /x /x\n")
    assert with_base(text, "local/python:3.11") == (
        "ARG V=3.12\nFROM --platform=$BUILDPLATFORM local/python:3.11 AS build\nRUN make\n"
        "from scratch AS empty\nFROM build AS test\nFROM local/python:3.11\n"
        "COPY --from=build /x /x\n")


def test_bad_arguments(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--demo", str(tmp_path)]) == 2
    assert capsys.readouterr().err == f"lint.size: {tmp_path}/Dockerfile is not a file\n"
    with pytest.raises(SystemExit) as exc:
        main([])
    assert exc.value.code == 2
