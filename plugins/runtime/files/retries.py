"""The default retry policy, timeouts and secret redaction of the transport.

Why a ``urllib3.util.Retry`` subclass: ``Configuration.retries`` has always been a urllib3
``Retry`` (users pass their own), and urllib3 already knows where a request failed (before
the connection, while reading, on a status). The subclass only changes *which* failures are
safe to repeat, so that a retried ``POST`` can never create a task twice:

* idempotent methods (GET, HEAD, OPTIONS, PUT, DELETE) are retried on connection errors,
  read errors (a dropped or truncated response), 408, 429, 502, 503 and 504;
* POST and PATCH only when the server certainly did not act: the connection was never made
  (refused, connect timeout), or the answer was 429 or 503 with a ``Retry-After`` header;
* a request whose body is a stream that cannot be rewound is never retried (see
  :func:`body_is_replayable`).

Waits: ``0.5 s * 2**n`` capped at 8 s, each shortened by up to 25 % of jitter (so many
clients don't retry in lock step); ``Retry-After`` (seconds or an HTTP date) and
``retry-after-ms`` are honoured up to :data:`RETRY_AFTER_MAX` seconds. Every retry is logged
on the package logger at INFO level, with secrets masked.
"""

from __future__ import annotations

import logging
import random
import re
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import urllib3
from urllib3.exceptions import ConnectTimeoutError, ProxyError
from urllib3.util.retry import Retry

__all__ = [
    "DEFAULT_RETRIES",
    "DEFAULT_TIMEOUT",
    "IDEMPOTENT_METHODS",
    "RETRY_AFTER_MAX",
    "RetryPolicy",
    "SENSITIVE_HEADERS",
    "body_is_replayable",
    "redact_headers",
    "redact_url",
    "retries_for_call",
]

_log = logging.getLogger(__name__.rpartition(".")[0] or __name__)

DEFAULT_RETRIES = 2
"""Retries after the first attempt (openai-python's default)."""
DEFAULT_TIMEOUT = (60.0, 120.0)
"""(connect, read) seconds: the defaults CVAT's own SDK is adopting; never infinite."""
RETRY_AFTER_MAX = 60.0
"""The longest ``Retry-After`` wait honoured; a longer one is shortened to this."""
BACKOFF_FACTOR = 0.5
BACKOFF_MAX = 8.0
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
RETRY_STATUSES = frozenset({408, 429, 502, 503, 504})
_UNSAFE_RETRY_STATUSES = frozenset({429, 503})  # POST/PATCH: only with Retry-After

SENSITIVE_HEADERS = frozenset(
    {"authorization", "cookie", "set-cookie", "x-csrftoken", "proxy-authorization", "x-api-key"}
)
"""Headers whose values are never logged or shown in errors."""
_SECRET_QUERY = re.compile(r"(pass|token|key|secret|sig|auth|session|csrf)", re.IGNORECASE)
_REDIRECT_DROP = frozenset({"authorization", "cookie", "x-csrftoken", "proxy-authorization"})


class RetryPolicy(Retry):
    """``urllib3.util.Retry`` with the SDK's method-aware policy (see the module docs).

    The constructor takes every ``Retry`` argument; the defaults differ. ``raise_on_status``
    is False so that after the last retry the caller gets the server's answer as an
    ``ApiException`` with its status and body, not an opaque ``MaxRetryError``.
    """

    DEFAULT_ALLOWED_METHODS = IDEMPOTENT_METHODS
    RETRY_AFTER_STATUS_CODES = _UNSAFE_RETRY_STATUSES

    def __init__(
        self,
        total: int | bool | None = DEFAULT_RETRIES,
        *,
        status_forcelist: Any = RETRY_STATUSES,
        backoff_factor: float = BACKOFF_FACTOR,
        backoff_max: float = BACKOFF_MAX,
        retry_after_max: float = RETRY_AFTER_MAX,
        raise_on_status: bool = False,
        remove_headers_on_redirect: Any = _REDIRECT_DROP,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            total=total,
            status_forcelist=status_forcelist,
            backoff_factor=backoff_factor,
            backoff_max=backoff_max,
            retry_after_max=retry_after_max,  # type: ignore[arg-type]
            raise_on_status=raise_on_status,
            remove_headers_on_redirect=remove_headers_on_redirect,
            **kwargs,
        )

    def new(self, **kw: Any) -> "RetryPolicy":
        params: dict[str, Any] = dict(
            total=self.total,
            connect=self.connect,
            read=self.read,
            redirect=self.redirect,
            status=self.status,
            other=self.other,
            allowed_methods=self.allowed_methods,
            status_forcelist=self.status_forcelist,
            backoff_factor=self.backoff_factor,
            backoff_max=self.backoff_max,
            retry_after_max=self.retry_after_max,
            raise_on_redirect=self.raise_on_redirect,
            raise_on_status=self.raise_on_status,
            history=self.history,
            remove_headers_on_redirect=self.remove_headers_on_redirect,
            respect_retry_after_header=self.respect_retry_after_header,
            backoff_jitter=self.backoff_jitter,
        )
        params.update(kw)
        return type(self)(**params)

    # ---- which failures are retried ----
    def is_retry(self, method: str, status_code: int, has_retry_after: bool = False) -> bool:
        if not self.total and self.total is not None:
            return False
        if method.upper() in (self.allowed_methods or IDEMPOTENT_METHODS):
            return bool(self.status_forcelist and status_code in self.status_forcelist)
        # POST, PATCH: the server says it did nothing and when to come back
        return (
            has_retry_after
            and self.respect_retry_after_header
            and status_code in self.RETRY_AFTER_STATUS_CODES
        )

    def increment(
        self,
        method: str | None = None,
        url: str | None = None,
        response: Any = None,
        error: Exception | None = None,
        _pool: Any = None,
        _stacktrace: Any = None,
    ) -> "RetryPolicy":
        if error is not None and not _never_sent(error) and not self._is_method_retryable(
            method or ""
        ):
            # the request may have reached the server: a non-idempotent method stops here
            raise error.with_traceback(_stacktrace)
        new = super().increment(method, url, response, error, _pool, _stacktrace)
        if _log.isEnabledFor(logging.INFO):
            attempt = len(new.history)
            cause = (
                f"{type(error).__name__}: {error}" if error is not None
                else f"status {getattr(response, 'status', '?')}"
            )
            _log.info(
                "Retrying %s %s (retry %d) after %s",
                method,
                redact_url(_full_url(_pool, url)),
                attempt,
                redact_text(cause),
            )
        return new

    # ---- how long to wait ----
    def get_backoff_time(self) -> float:
        value = super().get_backoff_time()
        if value <= 0:
            # urllib3 does not wait before the first retry; we do (0.5 s), as openai-python
            errors = [h for h in self.history if h.redirect_location is None]
            value = self.backoff_factor if errors else 0.0
        return value * (1.0 - 0.25 * random.random())

    def get_retry_after(self, response: Any) -> float | None:
        millis = response.headers.get("retry-after-ms")
        if millis is not None:
            try:
                return max(0.0, min(float(millis) / 1000.0, float(self.retry_after_max)))
            except ValueError:
                pass
        try:
            return super().get_retry_after(response)
        except urllib3.exceptions.InvalidHeader:
            return None  # a garbled Retry-After falls back to the backoff


def _never_sent(error: Exception) -> bool:
    """True when the request never reached the server (no connection was made)."""
    if isinstance(error, ProxyError):
        error = error.original_error
    return isinstance(error, ConnectTimeoutError)


def _full_url(pool: Any, url: str | None) -> str:
    if pool is None or url is None or "://" in url:
        return url or ""
    return f"{pool.scheme}://{pool.host}:{pool.port}{url}"


def retries_for_call(policy: Any, value: Any) -> Any:
    """The retry object for a call with ``_retries=value`` (None: the configured policy).

    An int is a number of retries under the same policy; 0 turns retrying off while redirects
    are still followed. A ``Retry`` object is used as is."""
    if value is None:
        return policy
    if isinstance(value, bool) or not isinstance(value, int):
        return value
    if isinstance(policy, Retry):
        return policy.new(total=None, connect=value, read=value, status=value, other=value)
    return RetryPolicy(total=value)


def body_is_replayable(body: Any) -> bool:
    """Whether a body can be sent again: bytes, str, None or a seekable file object."""
    if body is None or isinstance(body, (bytes, bytearray, str, memoryview)):
        return True
    seekable = getattr(body, "seekable", None)
    if seekable is not None:
        try:
            return bool(seekable())
        except Exception:  # noqa: BLE001 - a closed or odd object: not replayable
            return False
    return hasattr(body, "seek") and hasattr(body, "tell")


def redact_headers(headers: Any) -> dict[str, str]:
    """A copy of ``headers`` with the values of :data:`SENSITIVE_HEADERS` masked."""
    if not headers:
        return {}
    return {
        str(k): ("***" if str(k).lower() in SENSITIVE_HEADERS else str(v))
        for k, v in headers.items()
    }


def redact_url(url: str) -> str:
    """``url`` with user info and the values of secret-looking query parameters masked."""
    if not url or ("?" not in url and "@" not in url):
        return url
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<unparsable url>"
    netloc = parts.netloc
    if "@" in netloc:
        netloc = "***@" + netloc.rpartition("@")[2]
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        query = urlencode(
            [(k, "***" if _SECRET_QUERY.search(k) else v) for k, v in pairs], safe="*"
        )
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


_TEXT_SECRETS = re.compile(
    r"((?:authorization|cookie|x-csrftoken|password|token|api_key|sessionid|csrftoken)"
    r"['\"]?\s*[:=]\s*['\"]?)([^'\"\s,;&)}]+)",
    re.IGNORECASE,
)


def redact_text(text: str) -> str:
    """Mask ``name=value`` / ``name: value`` pairs of secret names inside free text."""
    return _TEXT_SECRETS.sub(lambda m: m.group(1) + "***", text)
