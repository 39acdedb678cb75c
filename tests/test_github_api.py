"""lint.github.api through PyGithub against the OpenAPI-checked test server."""

from __future__ import annotations

import inspect
import logging
import time
from pathlib import Path

import pytest

from lint.github.api import ChangedFile, Client, CommentResult, GitHubError, server_wait
from tests import ghserver
from tests.ghserver import (
    PRIMARY_RATE_LIMIT_MESSAGE,
    SECONDARY_RATE_LIMIT_MESSAGE,
    GitHubServer,
    PRFile,
)

REPO = "octo-org/octo-repo"
BOT = "github-actions[bot]"
MARKER = "<!-- dockerfile-review: .github/workflows/ci.yml lint -->"
TOKEN = "ghs_FAKEtoken0123456789abcdefDONOTLEAK"
COMMENTS = "/repos/octo-org/octo-repo/issues/7/comments"
NOW = 1_700_000_000.0
github_server = ghserver.github_server


def body(text: str) -> str:
    return f"{MARKER}\n{text}"


class Waits(list[float]):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def waits() -> Waits:
    return Waits()


@pytest.fixture
def client(github_server: GitHubServer, waits: Waits) -> Client:
    return Client(TOKEN, github_server.url, REPO, sleep=waits, now=lambda: NOW, timeout=5)


def methods(server: GitHubServer) -> list[tuple[str, str]]:
    return [(r.method, r.path) for r in server.requests]


# the sticky comment

def test_create_then_update_leaves_exactly_one_comment(
        github_server: GitHubServer, client: Client) -> None:
    first = client.upsert_comment(7, body("one"), MARKER, BOT)
    second = client.upsert_comment(7, body("two"), MARKER, BOT)

    [comment] = github_server.comments_on(7)
    assert first == CommentResult(
        "created", f"https://github.com/{REPO}/pull/7#issuecomment-{comment.id}", comment.id)
    assert second == CommentResult("updated", first.url, comment.id)
    assert (comment.user, comment.body) == (BOT, body("two"))
    assert methods(github_server) == [
        ("GET", COMMENTS), ("POST", COMMENTS),
        ("GET", COMMENTS), ("PATCH", f"/repos/{REPO}/issues/comments/{comment.id}")]
    assert github_server.requests[1].body == {"body": body("one")}
    assert all(r.authorized for r in github_server.requests)


def test_marker_found_on_page_three_of_three(github_server: GitHubServer, client: Client) -> None:
    for index in range(230):
        github_server.add_comment(f"user{index % 3}", f"chatter {index}", issue=7)
    ours = github_server.add_comment(BOT, body("old"), issue=7)

    result = client.upsert_comment(7, body("new"), MARKER, BOT)

    assert result == CommentResult("updated", result.url, ours.id)
    assert ours.body == body("new")
    listed = github_server.requests_for("GET", COMMENTS)
    assert [(r.query.get("page", ["1"]), r.query["per_page"]) for r in listed] == [
        (["1"], ["100"]), (["2"], ["100"]), (["3"], ["100"])]
    assert [r.method for r in github_server.requests] == ["GET", "GET", "GET", "PATCH"]


def test_comment_of_another_author_is_never_edited_even_with_the_marker(
        github_server: GitHubServer, client: Client) -> None:
    theirs = github_server.add_comment("mallory", body("look like the bot"), issue=7)
    other_bot = github_server.add_comment(BOT, "another workflow's comment", issue=7)

    result = client.upsert_comment(7, body("ours"), MARKER, BOT)

    assert result.action == "created"
    assert theirs.body == body("look like the bot")
    assert other_bot.body == "another workflow's comment"
    assert [c.body for c in github_server.comments_on(7)] == [
        body("look like the bot"), "another workflow's comment", body("ours")]
    assert not github_server.requests_for("PATCH")


def test_custom_author_and_the_oldest_of_several_is_kept_and_the_others_deleted(
        github_server: GitHubServer, client: Client) -> None:
    older = github_server.add_comment("review-app[bot]", body("older"), issue=7)
    theirs = github_server.add_comment("mallory", body("copied marker"), issue=7)
    newer = github_server.add_comment("Review-App[bot]", body("newer"), issue=7)

    result = client.upsert_comment(7, body("now"), MARKER, "review-app[bot]")

    assert result == CommentResult("updated", result.url, older.id)
    assert [(c.id, c.body) for c in github_server.comments_on(7)] == [
        (older.id, body("now")), (theirs.id, body("copied marker"))]
    assert methods(github_server) == [
        ("GET", COMMENTS), ("PATCH", f"/repos/{REPO}/issues/comments/{older.id}"),
        ("DELETE", f"/repos/{REPO}/issues/comments/{newer.id}")]


def test_two_marker_comments_leave_one_the_oldest_updated(
        github_server: GitHubServer, client: Client) -> None:
    oldest = github_server.add_comment(BOT, body("first run"), issue=7)
    duplicate = github_server.add_comment(BOT, body("duplicate of a slow POST"), issue=7)

    result = client.upsert_comment(7, body("third run"), MARKER, BOT)

    [left] = github_server.comments_on(7)
    assert (left.id, left.body) == (oldest.id, body("third run"))
    assert result == CommentResult(
        "updated", f"https://github.com/{REPO}/pull/7#issuecomment-{oldest.id}", oldest.id)
    assert github_server.requests_for("DELETE") == [
        r for r in github_server.requests
        if r.path == f"/repos/{REPO}/issues/comments/{duplicate.id}"]


def test_duplicates_are_deleted_even_when_the_oldest_is_unchanged(
        github_server: GitHubServer, client: Client) -> None:
    oldest = github_server.add_comment(BOT, body("same"), issue=7)
    github_server.add_comment(BOT, body("same"), issue=7)

    result = client.upsert_comment(7, body("same"), MARKER, BOT, mode="on-change", clean=True)

    assert (result.action, result.id, result.warnings) == ("unchanged", oldest.id, ())
    assert [c.id for c in github_server.comments_on(7)] == [oldest.id]
    assert not github_server.requests_for("PATCH")


def test_a_duplicate_github_will_not_delete_is_a_warning(
        github_server: GitHubServer, client: Client, waits: Waits) -> None:
    oldest = github_server.add_comment(BOT, body("old"), issue=7)
    duplicate = github_server.add_comment(BOT, body("dup"), issue=7)
    github_server.inject("DELETE", "*/issues/comments/*", status=403)

    result = client.upsert_comment(7, body("new"), MARKER, BOT)

    assert (result.action, result.id) == ("updated", oldest.id)
    assert result.warnings == (
        f"duplicate comment https://github.com/{REPO}/pull/7#issuecomment-{duplicate.id} "
        "left in place: the token may not delete it",)
    assert [(c.id, c.body) for c in github_server.comments_on(7)] == [
        (oldest.id, body("new")), (duplicate.id, body("dup"))]
    assert len(github_server.requests_for("DELETE")) == 1
    assert waits == []


def test_stored_then_502_create_leaves_exactly_one_comment(
        github_server: GitHubServer, client: Client, waits: Waits) -> None:
    github_server.inject("POST", COMMENTS, status=502, after=True)

    result = client.upsert_comment(7, body("once"), MARKER, BOT)

    [comment] = github_server.comments_on(7)
    assert result == CommentResult("created", result.url, comment.id)
    assert [r.method for r in github_server.requests] == ["GET", "POST", "GET"]
    assert waits == [1.0]


def test_502_before_storing_posts_once_more_after_looking(
        github_server: GitHubServer, client: Client, waits: Waits) -> None:
    github_server.inject("POST", COMMENTS, status=502)

    result = client.upsert_comment(7, body("once"), MARKER, BOT)

    [comment] = github_server.comments_on(7)
    assert (result.action, result.id) == ("created", comment.id)
    assert [r.method for r in github_server.requests] == ["GET", "POST", "GET", "POST"]
    assert waits == [1.0]


def test_create_whose_reply_times_out_after_storing_leaves_one_comment(
        github_server: GitHubServer, waits: Waits) -> None:
    client = Client(TOKEN, github_server.url, REPO, sleep=waits, timeout=1)
    github_server.inject("POST", COMMENTS, after=True, delay=3.0)

    result = client.upsert_comment(7, body("once"), MARKER, BOT)

    [comment] = github_server.comments_on(7)
    assert (result.action, result.id) == ("created", comment.id)
    assert [r.method for r in github_server.requests] == ["GET", "POST", "GET"]


def test_the_real_defaults_are_a_15_s_timeout_and_60_s_of_listing_again() -> None:
    parameters = inspect.signature(Client).parameters
    assert (parameters["timeout"].default, parameters["settle"].default) == (15, 60.0)


def test_post_stored_at_once_but_answered_after_20_s_leaves_one_comment(
        github_server: GitHubServer, waits: Waits) -> None:
    client = Client(TOKEN, github_server.url, REPO, sleep=waits, timeout=1)
    github_server.inject("POST", COMMENTS, after=True, delay=20.0)

    started = time.monotonic()
    result = client.upsert_comment(7, body("once"), MARKER, BOT)

    assert time.monotonic() - started < 5
    [comment] = github_server.comments_on(7)
    assert result == CommentResult("created", result.url, comment.id)
    assert len(github_server.requests_for("POST")) == 1


def test_post_stored_only_when_it_is_answered_after_the_timeout_is_found_by_listing_again(
        github_server: GitHubServer) -> None:
    # GitHub's 20 s against a 15 s timeout, scaled down: the server holds the POST for 2.5 s
    # and stores it only then; the client gives up after 1 s and lists again with real waits
    # of 0.25, 0.5, 1 ... s (at most 6 s in all) before it would post again.
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        time.sleep(seconds)

    client = Client(TOKEN, github_server.url, REPO, sleep=sleep, timeout=1, backoff=0.25,
                    settle=6)
    github_server.inject("POST", COMMENTS, delay=2.5)

    result = client.upsert_comment(7, body("once"), MARKER, BOT)

    [comment] = github_server.comments_on(7)
    assert (result.action, result.id) == ("created", comment.id)
    assert len(github_server.requests_for("POST")) == 1
    listed_again = len(github_server.requests_for("GET")) - 1
    assert listed_again >= 2  # the first look after 0.25 s found nothing yet
    assert slept == [0.25, 0.5, 1.0, 2.0][:listed_again]


def test_post_without_reply_lists_again_for_60_s_then_posts_once_more(
        github_server: GitHubServer, waits: Waits) -> None:
    # The first POST is held past the timeout and never stored (then a 500 nobody reads).
    client = Client(TOKEN, github_server.url, REPO, sleep=waits, timeout=1)
    github_server.inject("POST", COMMENTS, status=500, delay=2.0)

    result = client.upsert_comment(7, body("once"), MARKER, BOT)

    [comment] = github_server.comments_on(7)
    assert (result.action, result.id) == ("created", comment.id)
    assert waits == [1.0, 2.0, 4.0, 8.0, 16.0, 29.0]
    assert sum(waits) == 60.0
    assert [r.method for r in github_server.requests] == ["GET", "POST", *["GET"] * 6, "POST"]


def test_create_failing_every_time_gives_up_after_bounded_attempts(
        github_server: GitHubServer, client: Client, waits: Waits) -> None:
    github_server.inject("POST", COMMENTS, status=500, times=None)

    with pytest.raises(GitHubError) as caught:
        client.upsert_comment(7, body("x"), MARKER, BOT)

    assert (caught.value.method, caught.value.path, caught.value.status) == ("POST", COMMENTS, 500)
    assert caught.value.message == "Server Error"
    assert len(github_server.requests_for("POST")) == 4
    assert waits == [1.0, 2.0, 4.0]
    assert github_server.comments_on(7) == []


def test_get_500_then_success_is_retried_with_backoff(
        github_server: GitHubServer, client: Client, waits: Waits) -> None:
    github_server.inject("GET", COMMENTS, status=500, times=2)

    result = client.upsert_comment(7, body("x"), MARKER, BOT)

    assert result.action == "created"
    assert waits == [1.0, 2.0]
    assert [r.method for r in github_server.requests] == ["GET", "GET", "GET", "POST"]


def test_get_5xx_every_time_ends_in_github_error(
        github_server: GitHubServer, client: Client, waits: Waits) -> None:
    github_server.inject("GET", COMMENTS, status=503, times=None)

    with pytest.raises(GitHubError) as caught:
        client.upsert_comment(7, body("x"), MARKER, BOT)

    assert (caught.value.method, caught.value.status) == ("GET", 503)
    assert waits == [1.0, 2.0, 4.0]
    assert len(github_server.requests) == 4


def test_patch_is_retried_on_5xx(github_server: GitHubServer, client: Client,
                                 waits: Waits) -> None:
    ours = github_server.add_comment(BOT, body("old"), issue=7)
    github_server.inject("PATCH", "*/issues/comments/*", status=502)

    result = client.upsert_comment(7, body("new"), MARKER, BOT)

    assert (result.action, ours.body) == ("updated", body("new"))
    assert waits == [1.0]
    assert len(github_server.requests_for("PATCH")) == 2


def test_429_with_retry_after_waits_that_long(
        github_server: GitHubServer, client: Client, waits: Waits) -> None:
    github_server.inject("GET", COMMENTS, status=429, headers={"Retry-After": "2"})

    assert client.upsert_comment(7, body("x"), MARKER, BOT).action == "created"
    assert waits == [2.0]
    assert len(github_server.requests_for("GET")) == 2


def test_429_on_post_is_retried_because_github_did_not_act(
        github_server: GitHubServer, client: Client, waits: Waits) -> None:
    github_server.inject("POST", COMMENTS, status=429, headers={"Retry-After": "3"})

    assert client.upsert_comment(7, body("x"), MARKER, BOT).action == "created"
    assert waits == [3.0]
    assert len(github_server.comments_on(7)) == 1


@pytest.mark.parametrize("value", [
    "soon", "2023-11-14T22:13:30Z", "Tue, 99 Nov 2023 22:13:30 GMT", "1.5", "-3", "\u00a0"])
def test_non_standard_retry_after_on_429_is_treated_as_absent(
        github_server: GitHubServer, client: Client, waits: Waits, value: str) -> None:
    github_server.inject("GET", COMMENTS, status=429, headers={"Retry-After": value})

    assert client.upsert_comment(7, body("x"), MARKER, BOT).action == "created"
    assert waits == [60.0]  # a bare 429: the minute GitHub's docs recommend
    assert len(github_server.requests_for("GET")) == 2


def test_non_standard_retry_after_on_503_is_the_ordinary_backoff(
        github_server: GitHubServer, client: Client, waits: Waits) -> None:
    github_server.inject("GET", COMMENTS, status=503, headers={"Retry-After": "in a while"},
                         times=2)

    assert client.upsert_comment(7, body("x"), MARKER, BOT).action == "created"
    assert waits == [1.0, 2.0]


def test_non_standard_retry_after_on_403_is_a_plain_refusal(
        github_server: GitHubServer, client: Client, waits: Waits) -> None:
    github_server.inject("POST", COMMENTS, status=403,
                         headers={"Retry-After": "Tue, 14 Nov 2023 25:61:00 GMT"})

    with pytest.raises(GitHubError) as caught:
        client.upsert_comment(7, body("x"), MARKER, BOT)

    assert str(caught.value) == f"POST {COMMENTS}: 403: Resource not accessible by integration"
    assert waits == []
    assert [r.method for r in github_server.requests] == ["GET", "POST"]


def test_non_standard_retry_after_with_a_reset_waits_until_the_reset(
        github_server: GitHubServer, client: Client, waits: Waits) -> None:
    github_server.inject("GET", COMMENTS, status=403, message=PRIMARY_RATE_LIMIT_MESSAGE,
                         headers={"Retry-After": "garbage", "x-ratelimit-remaining": "0",
                                  "x-ratelimit-reset": str(int(NOW) + 9)})

    assert client.upsert_comment(7, body("x"), MARKER, BOT).action == "created"
    assert waits == [9.0]


def test_retry_after_above_max_wait_gives_up(
        github_server: GitHubServer, waits: Waits) -> None:
    client = Client(TOKEN, github_server.url, REPO, sleep=waits, max_wait=30)
    github_server.inject("GET", COMMENTS, status=429, headers={"Retry-After": "120"})

    with pytest.raises(GitHubError) as caught:
        client.upsert_comment(7, body("x"), MARKER, BOT)

    assert caught.value.status == 429
    assert caught.value.message == (
        f"{SECONDARY_RATE_LIMIT_MESSAGE} (rate limited: GitHub asks to wait 120 s, "
        "more than max-wait)")
    assert waits == []
    assert len(github_server.requests) == 1


def test_secondary_rate_limit_403_with_retry_after_waits(
        github_server: GitHubServer, client: Client, waits: Waits) -> None:
    github_server.inject("GET", COMMENTS, status=403, message=SECONDARY_RATE_LIMIT_MESSAGE,
                         headers={"Retry-After": "5"})

    assert client.upsert_comment(7, body("x"), MARKER, BOT).action == "created"
    assert waits == [5.0]


def test_primary_rate_limit_waits_until_reset(
        github_server: GitHubServer, client: Client, waits: Waits) -> None:
    github_server.inject("GET", COMMENTS, status=403, message=PRIMARY_RATE_LIMIT_MESSAGE,
                         headers={"x-ratelimit-remaining": "0", "x-ratelimit-limit": "5000",
                                  "x-ratelimit-reset": str(int(NOW) + 7)})

    assert client.upsert_comment(7, body("x"), MARKER, BOT).action == "created"
    assert waits == [7.0]


def test_plain_403_fails_at_once(github_server: GitHubServer, client: Client,
                                 waits: Waits) -> None:
    github_server.inject("POST", COMMENTS, status=403)

    with pytest.raises(GitHubError) as caught:
        client.upsert_comment(7, body("x"), MARKER, BOT)

    error = caught.value
    assert (error.method, error.path, error.status) == ("POST", COMMENTS, 403)
    assert error.message == "Resource not accessible by integration"
    assert str(error) == f"POST {COMMENTS}: 403: Resource not accessible by integration"
    assert [r.method for r in github_server.requests] == ["GET", "POST"]
    assert waits == []


def test_plain_403_on_get_is_not_retried(github_server: GitHubServer, client: Client,
                                         waits: Waits) -> None:
    github_server.inject("GET", f"/repos/{REPO}/pulls/3/files", status=403, times=None)

    with pytest.raises(GitHubError) as caught:
        client.pr_files(3)

    assert caught.value.status == 403
    assert len(github_server.requests) == 1
    assert waits == []


# comment modes

def test_on_change_writes_nothing_when_the_body_is_equal(
        github_server: GitHubServer, client: Client) -> None:
    ours = github_server.add_comment(BOT, body("same"), issue=7)

    result = client.upsert_comment(7, body("same"), MARKER, BOT, mode="on-change")

    assert result == CommentResult(
        "unchanged", f"https://github.com/{REPO}/pull/7#issuecomment-{ours.id}", ours.id)
    assert [r.method for r in github_server.requests] == ["GET"]


def test_on_change_never_creates_a_comment_for_a_clean_pr(
        github_server: GitHubServer, client: Client) -> None:
    result = client.upsert_comment(7, body("all clean"), MARKER, BOT, mode="on-change",
                                   clean=True)

    assert result == CommentResult("skipped", None, None)
    assert [r.method for r in github_server.requests] == ["GET"]
    assert github_server.comments_on(7) == []


def test_on_change_updates_an_existing_comment_when_clean(
        github_server: GitHubServer, client: Client) -> None:
    ours = github_server.add_comment(BOT, body("2 findings"), issue=7)

    result = client.upsert_comment(7, body("all fixed"), MARKER, BOT, mode="on-change",
                                   clean=True)

    assert (result.action, ours.body) == ("updated", body("all fixed"))


def test_on_change_creates_when_there_are_findings(
        github_server: GitHubServer, client: Client) -> None:
    result = client.upsert_comment(7, body("1 finding"), MARKER, BOT, mode="on-change")

    assert result.action == "created"
    assert len(github_server.comments_on(7)) == 1


def test_always_mode_does_not_patch_an_equal_body(
        github_server: GitHubServer, client: Client) -> None:
    github_server.add_comment(BOT, body("same"), issue=7)

    assert client.upsert_comment(7, body("same"), MARKER, BOT).action == "unchanged"
    assert not github_server.requests_for("PATCH")


def test_never_mode_makes_no_request(github_server: GitHubServer, client: Client) -> None:
    assert client.upsert_comment(7, body("x"), MARKER, BOT, mode="never") == CommentResult(
        "skipped", None, None)
    assert github_server.requests == []


def test_bad_mode_and_missing_marker_are_refused(client: Client) -> None:
    with pytest.raises(ValueError, match="one of always, on-change, never, not 'sometimes'"):
        client.upsert_comment(7, body("x"), MARKER, BOT, mode="sometimes")
    with pytest.raises(ValueError, match="marker"):
        client.upsert_comment(7, "no marker here", MARKER, BOT)


# changed files

def test_pr_files_walks_every_page_and_keeps_renames(
        github_server: GitHubServer, client: Client) -> None:
    files: list[str | PRFile] = [f"src/f{i}.py" for i in range(249)]
    files.insert(120, PRFile("docker/Dockerfile", "renamed", "Dockerfile"))
    files.append(PRFile("old/Dockerfile", "removed"))
    github_server.set_pr_files(3, files)

    changed = client.pr_files(3)

    assert len(changed) == 251
    assert changed[0] == ChangedFile("src/f0.py", "modified", None)
    assert changed[120] == ChangedFile("docker/Dockerfile", "renamed", "Dockerfile")
    assert changed[-1] == ChangedFile("old/Dockerfile", "removed", None)
    assert [r.query.get("page", ["1"])[0] for r in github_server.requests] == ["1", "2", "3"]
    assert all(r.path == f"/repos/{REPO}/pulls/3/files" for r in github_server.requests)


def test_pr_files_stops_at_the_limit_and_at_githubs_3000(
        github_server: GitHubServer, client: Client) -> None:
    github_server.set_pr_files(3, [f"f{i}" for i in range(3200)])

    assert len(client.pr_files(3, limit=150)) == 150
    assert len(github_server.requests) == 2
    assert len(client.pr_files(3)) == 3000


def test_pr_files_retries_a_slow_page(github_server: GitHubServer, waits: Waits) -> None:
    client = Client(TOKEN, github_server.url, REPO, sleep=waits, timeout=1)
    github_server.set_pr_files(3, [f"f{i}" for i in range(150)])
    github_server.inject("GET", f"/repos/{REPO}/pulls/3/files", delay=3.0)

    started = time.monotonic()
    assert len(client.pr_files(3)) == 150
    assert time.monotonic() - started < 2.5
    assert waits == [1.0]
    assert len(github_server.requests) == 3


def test_reply_slower_than_the_timeout_every_time_is_a_github_error(
        github_server: GitHubServer, waits: Waits) -> None:
    client = Client(TOKEN, github_server.url, REPO, sleep=waits, timeout=1, retries=1)
    github_server.inject("GET", f"/repos/{REPO}/pulls/3/files", delay=3.0, times=None)

    with pytest.raises(GitHubError) as caught:
        client.pr_files(3)

    assert (caught.value.status, caught.value.message) == (None, "timed out")
    assert str(caught.value) == f"GET /repos/{REPO}/pulls/3/files: no reply: timed out"
    assert waits == [1.0]
    assert len(github_server.requests) == 2


# file contents

def test_file_content_at_a_ref(github_server: GitHubServer, client: Client) -> None:
    github_server.set_file("abc123", "svc/Dockerfile", b"FROM scratch\n")
    github_server.set_file("abc123", "svc/.dockerignore", b"")

    assert client.file_content("svc/Dockerfile", "abc123") == b"FROM scratch\n"
    assert client.file_content("svc/.dockerignore", "abc123") == b""
    assert client.file_content("svc/Dockerfile", "other") is None
    assert client.file_content("svc", "abc123") is None
    assert github_server.requests[0].query == {"ref": ["abc123"]}


def test_file_content_over_a_megabyte_comes_from_the_blob_api(
        github_server: GitHubServer, client: Client) -> None:
    content = b"RUN true\n" * 200_000
    github_server.set_file("abc123", "Dockerfile", content)

    assert client.file_content("Dockerfile", "abc123") == content
    blob = github_server.requests[1].path.rsplit("/", 1)[1]
    assert [r.path for r in github_server.requests] == [
        f"/repos/{REPO}/contents/Dockerfile", f"/repos/{REPO}/git/blobs/{blob}"]


def test_file_content_error_is_named(github_server: GitHubServer, client: Client) -> None:
    github_server.inject("GET", f"/repos/{REPO}/contents/*", status=403)

    with pytest.raises(GitHubError) as caught:
        client.file_content("Dockerfile", "abc123")

    assert (caught.value.path, caught.value.status) == (f"/repos/{REPO}/contents/Dockerfile", 403)


# the token

def test_token_appears_nowhere(github_server: GitHubServer, waits: Waits,
                               caplog: pytest.LogCaptureFixture,
                               capsys: pytest.CaptureFixture[str]) -> None:
    caplog.set_level(logging.DEBUG)
    client = Client(TOKEN, github_server.url, REPO, sleep=waits, timeout=1, retries=0)
    github_server.set_pr_files(1, ["Dockerfile"])
    client.upsert_comment(1, body("a"), MARKER, BOT)
    client.upsert_comment(1, body("b"), MARKER, BOT)
    client.pr_files(1)
    client.file_content("missing", "main")
    errors: list[GitHubError] = []
    for fault in ({"status": 403}, {"status": 500, "times": None},
                  {"status": 429, "headers": {"Retry-After": "999"}},
                  {"delay": 3.0, "times": None}):
        github_server.inject("*", "*", **fault)
        with pytest.raises(GitHubError) as caught:
            client.upsert_comment(2, body("c"), MARKER, BOT)
        errors.append(caught.value)
        github_server.faults.clear()

    captured = capsys.readouterr()
    texts = [caplog.text, captured.out, captured.err, repr(client), str(vars(client))]
    for error in errors:
        texts += [str(error), repr(error), repr(vars(error))]
        cause: BaseException | None = error
        while cause is not None:
            texts += [str(cause), repr(cause)]
            cause = cause.__cause__ or cause.__context__
    texts += [repr(r) for r in github_server.requests]
    assert caplog.records  # PyGithub and urllib3 did log at DEBUG
    assert all(r.authorized for r in github_server.requests)
    for text in texts:
        assert TOKEN not in text
        assert TOKEN[8:24] not in text


# the wait rule, directly

@pytest.mark.parametrize(("status", "headers", "expected"), [
    (429, {"Retry-After": "2"}, 2.0),
    (429, {"retry-after": "Tue, 14 Nov 2023 22:13:30 GMT"}, 10.0),
    (403, {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(int(NOW) + 30)}, 30.0),
    (403, {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(int(NOW) - 30)}, 0.0),
    (403, {"X-RateLimit-Remaining": "12", "X-RateLimit-Reset": str(int(NOW) + 30)}, None),
    (403, {}, None),
    (429, {}, 60.0),
    (429, {"Retry-After": "Tue, 14 Nov 2023 22:13:30"}, 10.0),  # no zone: read as GMT
    (429, {"Retry-After": "garbage"}, 60.0),
    (429, {"Retry-After": "14/11/2023 22:13:30"}, 60.0),
    (403, {"Retry-After": "Tue, 32 Nov 2023 22:13:30 GMT"}, None),
    (503, {"Retry-After": "soon"}, None),
    (503, {"Retry-After": "4"}, 4.0),
    (500, {}, None),
])
def test_server_wait(status: int, headers: dict[str, str], expected: float | None) -> None:
    assert server_wait(status, headers, NOW) == expected


def test_no_server_at_all_is_a_github_error_after_bounded_connect_retries(
        waits: Waits) -> None:
    stopped = GitHubServer().start()
    url = stopped.url
    stopped.stop()
    client = Client(TOKEN, url, REPO, sleep=waits, retries=2)

    with pytest.raises(GitHubError) as caught:
        client.upsert_comment(7, body("x"), MARKER, BOT)

    assert (caught.value.status, caught.value.message) == (
        None, "request failed (NewConnectionError)")
    assert waits == [1.0, 2.0]
    assert TOKEN not in str(caught.value)


# the comment step

def test_the_comment_step_warns_about_a_duplicate_it_could_not_delete(
        github_server: GitHubServer, tmp_path: Path) -> None:
    from lint.github.settings import Settings
    from lint.github.steps import post_comment

    oldest = github_server.add_comment(BOT, body("old"), issue=7)
    duplicate = github_server.add_comment(BOT, body("dup"), issue=7)
    github_server.inject("DELETE", "*/issues/comments/*", status=403)
    settings = Settings.from_env({"GITHUB_WORKSPACE": str(tmp_path), "GITHUB_REPOSITORY": REPO,
                                  "GITHUB_API_URL": github_server.url,
                                  "INPUT_GITHUB_TOKEN": TOKEN, "INPUT_COMMENT": "always"})
    warned: list[str] = []
    said: list[str] = []

    url = post_comment(settings, 7, body("new"), MARKER, False, warned.append, said.append)

    assert url == f"https://github.com/{REPO}/pull/7#issuecomment-{oldest.id}"
    assert warned == [f"duplicate comment https://github.com/{REPO}/pull/7#issuecomment-"
                      f"{duplicate.id} left in place: the token may not delete it"]
    assert said == [f"comment updated: {url}"]
