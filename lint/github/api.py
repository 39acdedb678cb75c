"""The GitHub REST edge: PyGithub with deliberate retries, and the three calls the action makes.

Retries (PyGithub's default makes up to 10 tries without backoff, retries POST and sleeps
unbounded on 429, so it is replaced):

* 5xx and timeouts: idempotent methods (GET, PATCH ...) only, at most ``retries`` times, waiting
  ``backoff * 2**k`` seconds (never more than ``max_wait``).
* 429 and rate-limited 403 (a ``Retry-After`` header, or ``x-ratelimit-remaining: 0``): any
  method, since GitHub did not act on the request; wait what GitHub asks (``Retry-After``, else
  until ``x-ratelimit-reset``; a bare 429 waits the minute GitHub's docs recommend) if that is
  at most ``max_wait``, else give up with ``GitHubError``.
  https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api
* A plain 403 (the read-only token of a fork PR) fails at once.

A comment is never created twice: POST is not retried blindly. After a POST answered with a
5xx the comments are listed again and the marker looked for before posting once more. A POST
that got no reply at all (timed out, connection lost) may still be stored later, so the comments
are listed again and again, with backoff, for up to ``settle`` seconds (60 by default) before
the next POST. A run that finds several comments of ours (same marker, same author) keeps the
oldest, updates it and deletes the others; a deletion GitHub refuses is a warning.

The token goes to the API's origin (scheme, host, port of ``api_url``) and nowhere else, whatever
a reply names. PyGithub follows a ``Link`` page URL or a redirect ``Location`` to another host
only after ``assert`` checks (gone under ``python -O``; a GitHub Enterprise host's subdomains
pass them) and keeps the ``Authorization`` header on a redirect to another port or scheme of the
same host. So every connection PyGithub opens is ours (``_OriginBound``): it sends nothing to
another origin, and a reply whose ``Link`` or ``Location`` names another origin is refused before
PyGithub reads it (a ``GitHubError``, nothing followed). ``tests/test_token_origin.py`` checks
this against a second loopback server that records every ``Authorization`` header it gets.
"""

from __future__ import annotations

import base64
import datetime
import email.utils
import math
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import github
import requests
from github import Auth
from github.GithubException import GithubException
from github.Issue import Issue
from github.IssueComment import IssueComment
from github.Requester import (
    HTTPRequestsConnectionClass,
    HTTPSRequestsConnectionClass,
    RequestsResponse,
)
from urllib3 import Retry
from urllib3.exceptions import MaxRetryError, ReadTimeoutError

DEFAULT_AUTHOR = "github-actions[bot]"
MODES = ("always", "on-change", "never")
# GitHub answers a list of PR files with at most 3,000 entries.
MAX_PR_FILES = 3000
_IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "PATCH", "DELETE"})
# With no header to go by, GitHub's guidance for a 429 is to wait at least a minute.
_BARE_429_WAIT = 60.0


class GitHubError(Exception):
    """A GitHub call failed. Carries the method, the API path, the HTTP status (None when no
    reply came) and GitHub's message; never the token."""

    def __init__(self, method: str, path: str, status: int | None, message: str) -> None:
        self.method = method
        self.path = path
        self.status = status
        self.message = message
        super().__init__(f"{method} {path}: {status if status is not None else 'no reply'}: "
                         f"{message}")


@dataclass(frozen=True)
class ChangedFile:
    filename: str
    status: str
    previous_filename: str | None


@dataclass(frozen=True)
class CommentResult:
    action: str  # "created" | "updated" | "unchanged" | "skipped"
    url: str | None
    id: int | None
    #: what went wrong without failing the call (a duplicate that could not be deleted)
    warnings: tuple[str, ...] = ()


def server_wait(status: int, headers: Mapping[str, str], now: float) -> float | None:
    """Seconds GitHub asks us to wait before trying again, or None when it asks nothing
    (then a 403 is a plain refusal)."""
    lower = {k.lower(): v for k, v in headers.items()}
    retry_after = lower.get("retry-after", "").strip()
    if retry_after:
        if retry_after.isdigit():
            return float(retry_after)
        parsed = _http_date(retry_after)
        if parsed is not None:
            return max(0.0, parsed - now)
        # Anything else (garbage, a date in another format) is treated as no header at all.
    reset = lower.get("x-ratelimit-reset", "").strip()
    if lower.get("x-ratelimit-remaining", "").strip() == "0" and reset.isdigit():
        return max(0.0, float(reset) - now)
    if status == 429:
        return _BARE_429_WAIT
    return None


def _http_date(value: str) -> float | None:
    """An HTTP date (RFC 9110's IMF-fixdate, or the obsolete forms ``email.utils`` reads) as a
    timestamp, or None for anything else."""
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if parsed.tzinfo is None:  # "-0000" or no zone: HTTP dates are GMT
        parsed = parsed.replace(tzinfo=datetime.UTC)
    try:
        return parsed.timestamp()
    except (OverflowError, OSError, ValueError):
        return None


@dataclass(frozen=True)
class _Policy:
    backoff: float
    max_wait: float
    sleep: Callable[[float], None]
    now: Callable[[], float]

    def backoff_for(self, attempt: int) -> float:
        return float(min(self.backoff * 2 ** max(0, attempt - 1), self.max_wait))


class _Retry(Retry):
    """urllib3's Retry with GitHub's rate-limit rules and an injectable sleep."""

    def __init__(self, policy: _Policy, **kwargs: Any) -> None:
        self.policy = policy
        super().__init__(**kwargs)

    def new(self, **kwargs: Any) -> _Retry:
        kwargs["policy"] = self.policy
        retry: _Retry = super().new(**kwargs)
        return retry

    def is_retry(self, method: str, status_code: int, has_retry_after: bool = False) -> bool:
        if status_code in (403, 429):
            return True  # decided in increment(), which sees the headers
        return 500 <= status_code <= 599 and method.upper() in _IDEMPOTENT

    def increment(self, method: str | None = None, url: str | None = None,
                  response: Any = None, error: Exception | None = None,
                  _pool: Any = None, _stacktrace: Any = None) -> _Retry:
        if response is not None:
            wait = server_wait(response.status, response.headers, self.policy.now())
            refused = response.status == 403 and wait is None
            if refused or (wait is not None and wait > self.policy.max_wait):
                # raise_on_status=False: urllib3 hands this reply to PyGithub, which raises.
                raise MaxRetryError(_pool, url or "", None)
        retry: _Retry = super().increment(method, url, response, error, _pool, _stacktrace)
        return retry

    def sleep(self, response: Any = None) -> None:
        wait = None
        if response is not None:
            wait = server_wait(response.status, response.headers, self.policy.now())
        if wait is None:
            wait = self.policy.backoff_for(len(self.history))
        if wait > 0:
            self.policy.sleep(wait)


Origin = tuple[str, str, int]


def origin(url: str) -> Origin | None:
    """(scheme, host, port) of an absolute URL, the port made explicit; None for anything that
    is not an absolute http(s) URL with a host."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        return None
    return scheme, parts.hostname.lower(), port or (443 if scheme == "https" else 80)


def _link_urls(value: str) -> list[str]:
    """The URLs of a ``Link`` header (RFC 8288: ``<url>; rel=...``, comma-separated)."""
    return [part.split(">", 1)[0].strip() for part in value.split("<")[1:]]


class OffOrigin(Exception):
    """A request for, or a reply pointing at, another origin than the API's: refused."""

    def __init__(self, status: int | None, what: str) -> None:
        super().__init__(what)
        self.status = status
        self.what = what


def _bound(base: type[Any], api: Origin) -> type[Any]:
    """``base`` (one of PyGithub's connection classes) bound to the API's origin."""

    class _OriginBound(base):  # type: ignore[misc]
        def getresponse(self) -> RequestsResponse:
            here = (str(self.protocol), str(self.host).lower(), int(self.port))
            if here != api:
                # PyGithub asked for another origin (a Link or a redirect it would follow):
                # nothing is sent, so the Authorization header goes nowhere.
                raise OffOrigin(None, "a request for another host, port or scheme")
            reply: RequestsResponse = super().getresponse()
            named = [reply.headers.get("Location", "")] if 300 <= reply.status < 400 else []
            named += _link_urls(reply.headers.get("Link", ""))
            base_url = f"{api[0]}://{api[1]}:{api[2]}{self.url}"
            if any(origin(urljoin(base_url, url)) != api for url in named if url):
                reply.response.close()
                raise OffOrigin(reply.status, "the reply points at another host, port or "
                                "scheme")
            return reply

    return _OriginBound


def _bind_to_origin(gh: github.Github, api_url: str) -> None:
    """Make every connection ``gh`` opens an ``_OriginBound`` one. PyGithub (pinned) keeps its
    connection classes in name-mangled class attributes; instance attributes shadow them for
    this client only (``Requester.injectConnectionClasses`` would change every client)."""
    api = origin(api_url)
    if api is None:
        raise ValueError("the GitHub API URL must be an absolute http(s) URL")
    requester = gh.requester
    http = _bound(HTTPRequestsConnectionClass, api)
    https = _bound(HTTPSRequestsConnectionClass, api)
    requester._Requester__httpConnectionClass = http  # type: ignore[attr-defined]
    requester._Requester__httpsConnectionClass = https  # type: ignore[attr-defined]
    requester._Requester__connectionClass = (  # type: ignore[attr-defined]
        https if api[0] == "https" else http)


class Client:
    """The action's GitHub calls for one repository. The token stays inside PyGithub."""

    def __init__(self, token: str, api_url: str, repository: str, *, timeout: float = 15,
                 retries: int = 3, backoff: float = 1.0, max_wait: float = 60.0,
                 settle: float = 60.0, sleep: Callable[[float], None] = time.sleep,
                 now: Callable[[], float] = time.time) -> None:
        """``timeout``: seconds per request; ``settle``: how long (sum of the waits) the comments
        are listed again after a POST that got no reply, before posting once more."""
        self.api_url = api_url.rstrip("/")
        self.repository = repository
        self._retries = retries
        self._settle = settle
        self._policy = _Policy(backoff, max_wait, sleep, now)
        retry = _Retry(self._policy, total=retries, connect=retries, read=retries,
                       status=retries, other=0, redirect=0, allowed_methods=_IDEMPOTENT,
                       raise_on_status=False, raise_on_redirect=False,
                       respect_retry_after_header=True)
        self._gh = github.Github(
            # PyGithub insists on whole seconds.
            base_url=self.api_url, auth=Auth.Token(token), timeout=max(1, math.ceil(timeout)),
            retry=retry, per_page=100, lazy=True,
            seconds_between_requests=None, seconds_between_writes=None)
        _bind_to_origin(self._gh, self.api_url)
        self._repo = self._gh.get_repo(repository)

    def __repr__(self) -> str:
        return f"Client(api_url={self.api_url!r}, repository={self.repository!r})"

    def close(self) -> None:
        self._gh.close()

    # changed files
    def pr_files(self, number: int, limit: int = MAX_PR_FILES) -> list[ChangedFile]:
        """Every file of the pull request (all pages, at most ``limit``)."""
        path = f"/repos/{self.repository}/pulls/{number}/files"
        out: list[ChangedFile] = []
        with self._errors("GET", path):
            for entry in self._repo.get_pull(number).get_files():
                if len(out) >= limit:
                    break
                out.append(ChangedFile(entry.filename, entry.status, entry.previous_filename))
        return out

    # file contents
    def file_content(self, path: str, ref: str) -> bytes | None:
        """The bytes of ``path`` at ``ref``, or None when there is no such file."""
        api_path = f"/repos/{self.repository}/contents/{path}"
        with self._errors("GET", api_path):
            try:
                found = self._repo.get_contents(path, ref=ref)
            except GithubException as exc:
                if exc.status == 404:
                    return None
                raise
            if isinstance(found, list) or found.type != "file":
                return None
            if found.encoding == "base64":
                return base64.b64decode(found.content or "")
        # Files over 1 MB come without content; the blob API serves up to 100 MB.
        blob_path = f"/repos/{self.repository}/git/blobs/{found.sha}"
        with self._errors("GET", blob_path):
            blob = self._repo.get_git_blob(found.sha)
            return base64.b64decode(blob.content or "")

    # the sticky comment
    def upsert_comment(self, number: int, body: str, marker: str, author: str = DEFAULT_AUTHOR,
                       mode: str = "always", clean: bool = False) -> CommentResult:
        """Create or update our one comment, found by ``marker`` and ``author``."""
        if mode not in MODES:
            raise ValueError(f"comment mode must be one of {', '.join(MODES)}, not {mode!r}")
        if not marker or marker not in body:
            raise ValueError("the comment body must contain its marker")
        if mode == "never":
            return CommentResult("skipped", None, None)
        issue = self._repo.get_issue(number)  # lazy: no request
        ours = self._find(issue, number, marker, author)
        if ours:
            return self._keep_oldest(ours, body)
        if mode == "on-change" and clean:
            return CommentResult("skipped", None, None)
        return self._create(issue, number, body, marker, author)

    def _comments_path(self, number: int) -> str:
        return f"/repos/{self.repository}/issues/{number}/comments"

    def _comment_path(self, comment_id: int) -> str:
        return f"/repos/{self.repository}/issues/comments/{comment_id}"

    def _find(self, issue: Issue, number: int, marker: str, author: str) -> list[IssueComment]:
        """Our comments (``author`` and ``marker``), oldest first."""
        found: list[IssueComment] = []
        with self._errors("GET", self._comments_path(number)):
            for comment in issue.get_comments():
                login = comment.user.login if comment.user is not None else ""
                if login.casefold() == author.casefold() and marker in (comment.body or ""):
                    found.append(comment)
        return sorted(found, key=lambda c: c.id)

    def _keep_oldest(self, ours: list[IssueComment], body: str,
                     action: str | None = None) -> CommentResult:
        """Update the oldest of our comments and delete the others."""
        kept, *extra = ours
        result = self._update(kept, body)
        if action is not None and result.action == "unchanged":
            result = CommentResult(action, result.url, result.id)
        warnings: list[str] = []
        for duplicate in extra:
            path = self._comment_path(duplicate.id)
            try:
                with self._errors("DELETE", path):
                    duplicate.delete()
            except GitHubError as exc:
                why = ("the token may not delete it" if exc.status == 403 else exc.message)
                warnings.append(f"duplicate comment {duplicate.html_url} left in place: {why}")
        return CommentResult(result.action, result.url, result.id, tuple(warnings))

    def _update(self, comment: IssueComment, body: str) -> CommentResult:
        if comment.body == body:
            return CommentResult("unchanged", comment.html_url, comment.id)
        with self._errors("PATCH", self._comment_path(comment.id)):
            comment.edit(body)
        return CommentResult("updated", comment.html_url, comment.id)

    def _create(self, issue: Issue, number: int, body: str, marker: str,
                author: str) -> CommentResult:
        path = self._comments_path(number)
        for attempt in range(self._retries + 1):
            try:
                with self._errors("POST", path):
                    created = issue.create_comment(body)
                return CommentResult("created", created.html_url, created.id)
            except GitHubError as exc:
                if not _lost_reply(exc) or attempt == self._retries:
                    raise
                lost = exc.status is None
            # The server may have stored the comment before the reply was lost, or (no reply
            # at all) may store it later still: look before posting again.
            stored = self._settle_find(issue, number, marker, author, attempt, lost)
            if stored:
                return self._keep_oldest(stored, body, action="created")
        raise AssertionError("unreachable")

    def _settle_find(self, issue: Issue, number: int, marker: str, author: str, attempt: int,
                     lost: bool) -> list[IssueComment]:
        """After a 5xx: one look after a backoff. After no reply: look again and again, with
        backoff, until the waits add up to ``settle`` seconds."""
        if not lost:
            self._policy.sleep(self._policy.backoff_for(attempt + 1))
            return self._find(issue, number, marker, author)
        waited = 0.0
        step = 0
        while True:
            wait = min(self._policy.backoff * 2 ** step, self._policy.max_wait,
                       self._settle - waited)
            if wait > 0:
                self._policy.sleep(wait)
                waited += wait
            stored = self._find(issue, number, marker, author)
            if stored or wait <= 0 or waited >= self._settle - 1e-9:
                return stored
            step += 1

    @contextmanager
    def _errors(self, method: str, path: str) -> Iterator[None]:
        """PyGithub's and requests' failures as one GitHubError naming the call."""
        try:
            yield
        except GithubException as exc:
            message = _message(exc)
            wait = server_wait(exc.status, exc.headers or {}, self._policy.now())
            if exc.status in (403, 429) and wait is not None:
                message += (f" (rate limited: GitHub asks to wait {wait:.0f} s"
                            f"{'' if wait <= self._policy.max_wait else ', more than max-wait'})")
            raise GitHubError(method, path, exc.status, message) from exc
        except OffOrigin as exc:
            raise GitHubError(method, path, exc.status,
                              f"{exc.what}; not followed (the token goes only to the API host)"
                              ) from None
        except requests.RequestException as exc:
            raise GitHubError(method, path, None, _no_reply(exc)) from exc


def _lost_reply(error: GitHubError) -> bool:
    """Did the request perhaps reach GitHub without us seeing the answer?"""
    return error.status is None or error.status >= 500


def _no_reply(exc: requests.RequestException) -> str:
    reason = exc.args[0] if exc.args else None
    if isinstance(reason, MaxRetryError):  # retries exhausted: requests wraps the last error
        reason = reason.reason
    if isinstance(exc, requests.Timeout) or isinstance(reason, TimeoutError | ReadTimeoutError):
        return "timed out"
    return f"request failed ({type(reason or exc).__name__})"


def _message(exc: GithubException) -> str:
    data = exc.data
    if isinstance(data, dict) and isinstance(data.get("message"), str):
        return str(data["message"])
    return str(data) if data else f"HTTP {exc.status}"
