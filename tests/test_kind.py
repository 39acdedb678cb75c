"""What ships (lint/rules/_kind.py): the image kinds the rules about what ships leave alone,
from the Dockerfile's path and its shipped stage."""

from __future__ import annotations

import pytest

from lint.dockerfile import parse
from lint.rules._kind import is_windows, kind

APP = 'FROM python:3.12-slim\nCOPY app.py /app/\nCMD ["python", "/app/app.py"]\n'


@pytest.mark.parametrize(("path", "expected"), [
    ("Dockerfile", "service"),
    ("services/api/Dockerfile", "service"),
    (".devcontainer/Dockerfile", "devcontainer"),
    ("docker/dev.Dockerfile", "devcontainer"),
    ("Dockerfile.dev", "devcontainer"),
    ("ci/Dockerfile", "ci"),
    (".github/actions/lint/Dockerfile", "ci"),
    ("tests/fixtures/app/Dockerfile", "ci"),
    ("testdata/Dockerfile", "ci"),
    ("Dockerfile.test", "ci"),
    ("docker/builder.Dockerfile", "ci"),
    ("Dockerfile.prod", "service"),
    ("contest/Dockerfile", "service"),  # a word inside a name is not the word
])
def test_the_path_says_what_an_image_is_for(path: str, expected: str) -> None:
    df = parse(path, APP)
    assert kind(df, df.stages[-1]) == expected


@pytest.mark.parametrize(("text", "expected"), [
    (APP, "service"),
    ('FROM debian:12-slim\nCMD ["bash"]\n', "interactive"),
    ('FROM debian:12-slim\nENTRYPOINT ["/docker-entrypoint.sh"]\nCMD ["bash"]\n', "interactive"),
    ('FROM eclipse-temurin:21-jdk\nCMD ["jshell"]\n', "interactive"),
    ('FROM maven:3-eclipse-temurin-21\nCMD ["mvn"]\n', "interactive"),
    ("FROM python:3.12-slim\nRUN pip install flask\n", "base"),
    ("FROM python:3.12-slim\nCOPY app.py /app/\n", "service"),  # brings code: an app image
    ("FROM nginx:1.27\nEXPOSE 8080\n", "service"),
    ("FROM golang:1.22 AS b\nRUN go build -o /a .\nFROM scratch\nCOPY --from=b /a /a\n",
     "artifact"),
    ('FROM python:3.12-slim AS lint\nCOPY . /s\nCMD ["ruff", "check", "/s"]\n', "ci"),
])
def test_the_shipped_stage_says_what_an_image_is_for(text: str, expected: str) -> None:
    df = parse("Dockerfile", text)
    assert kind(df, df.stages[-1]) == expected


def test_windows_images() -> None:
    for text in ("FROM mcr.microsoft.com/windows/servercore:ltsc2022\n",
                 "FROM mcr.microsoft.com/dotnet/runtime:8.0-nanoserver-ltsc2022\n",
                 "# escape=`\nFROM example/app:1\n"):
        df = parse("Dockerfile", text)
        assert is_windows(df, df.stages[-1]), text
    df = parse("Dockerfile", APP)
    assert not is_windows(df, df.stages[-1])
