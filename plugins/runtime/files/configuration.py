"""Client configuration: server URL, credentials, TLS and proxy settings.

Authentication settings are computed on every request (:meth:`Configuration.auth_settings`),
because ``cvat_sdk.core`` changes ``api_key`` and ``access_token`` on a live client
(login, logout, organization switches) and expects the next request to use the new values.
"""

from __future__ import annotations

import base64
import copy
import logging
import os
import sys
from typing import Any, Callable, ClassVar


from .exceptions import ApiValueError

__all__ = ["Configuration"]

JSON_SCHEMA_VALIDATION_KEYWORDS = frozenset(
    {
        "multipleOf",
        "maximum",
        "exclusiveMaximum",
        "minimum",
        "exclusiveMinimum",
        "maxLength",
        "minLength",
        "pattern",
        "maxItems",
        "minItems",
    }
)

# Attributes whose values are secrets: never shown by repr().
_SECRET_ATTRS = frozenset({"password", "api_key", "access_token"})


class Configuration:
    """Settings of an :class:`ApiClient`.

    :param host: base URL of the server, e.g. ``"http://localhost:8080"`` (a scheme is added
        when missing, a trailing ``/`` is removed).
    :param api_key: security scheme name -> secret. Known names: ``sessionAuth`` (the
        ``sessionid`` cookie), ``csrfAuth`` (the ``csrftoken`` cookie), ``csrfHeaderAuth``
        (the ``X-CSRFToken`` header), ``tokenAuth`` (``Authorization: Token <key>``).
    :param api_key_prefix: scheme name -> prefix put before the key (default
        ``{"tokenAuth": "Token"}``; a key that already starts with the prefix is sent as is).
    :param username: user name for HTTP basic auth.
    :param password: password for HTTP basic auth.
    :param access_token: a personal access token, sent as ``Authorization: Bearer <token>``.
    :param ssl_ca_cert: path to a PEM file of CA certificates used to verify the server.
    :param verify_ssl: verify the server's TLS certificate (default True).
    :param proxy: proxy URL; ``proxy_headers``: extra headers for the proxy.
    """

    _default: ClassVar["Configuration | None"] = None

    def __init__(
        self,
        host: str | None = None,
        api_key: dict[str, str] | None = None,
        api_key_prefix: dict[str, str] | None = None,
        username: str | None = None,
        password: str | None = None,
        access_token: str | None = None,
        discard_unknown_keys: bool = False,
        disabled_client_side_validations: str = "",
        server_index: int | None = None,
        server_variables: dict[str, str] | None = None,
        server_operation_index: dict[str, int] | None = None,
        server_operation_variables: dict[str, dict[str, str]] | None = None,
        ssl_ca_cert: str | None = None,
        verify_ssl: bool | None = None,
        *,
        proxy: str | None = None,
        proxy_headers: dict[str, str] | None = None,
        no_proxy: str | None = None,
        cert_file: str | None = None,
        key_file: str | None = None,
        retries: Any = None,
        request_timeout: Any = None,
    ) -> None:
        self._base_path = self._fix_host_url("http://localhost" if host is None else host)
        self.server_index = server_index
        self.server_variables = server_variables or {}
        self.server_operation_index = server_operation_index or {}
        self.server_operation_variables = server_operation_variables or {}
        self.temp_folder_path: str | None = None

        self.access_token = access_token
        self.api_key: dict[str, str] = api_key if api_key else {}
        self.api_key_prefix: dict[str, str] = {"tokenAuth": "Token"}
        if api_key_prefix:
            self.api_key_prefix.update(api_key_prefix)
        self.refresh_api_key_hook: Callable[[Configuration], None] | None = None
        self.username = username
        self.password = password

        self.discard_unknown_keys = discard_unknown_keys
        self.disabled_client_side_validations = disabled_client_side_validations
        self.client_side_validation = True

        self.logger = {
            "package_logger": logging.getLogger(__name__.rpartition(".")[0] or __name__),
            "urllib3_logger": logging.getLogger("urllib3"),
        }
        self.logger_format = "%(asctime)s %(levelname)s %(message)s"
        self.logger_stream_handler: logging.Handler | None = None
        self.logger_file_handler: logging.Handler | None = None
        self._logger_file: str | None = None
        self._debug = False

        self.verify_ssl = True if verify_ssl is None else verify_ssl
        self.ssl_ca_cert = ssl_ca_cert
        self.cert_file = cert_file
        self.key_file = key_file
        self.assert_hostname: bool | str | None = None
        self.connection_pool_maxsize = (os.cpu_count() or 2) * 5
        self.proxy = proxy
        self.no_proxy = no_proxy
        self.proxy_headers = proxy_headers
        self.safe_chars_for_path_param = ""
        # A urllib3 Retry; the default is the SDK's method-aware policy (see .retries).
        self.retries = retries if retries is not None else _default_retries()
        # (connect, read) seconds, a number (total) or a urllib3.Timeout; per call,
        # ``_request_timeout`` overrides it. None waits forever (not recommended).
        self.request_timeout: Any = (60.0, 120.0) if request_timeout is None else request_timeout
        self.socket_options: list[Any] | None = None

    # ---- validation keywords: the schema constraints that are not checked before sending ----
    @property
    def disabled_client_side_validations(self) -> str:
        return self._disabled_client_side_validations_text

    @disabled_client_side_validations.setter
    def disabled_client_side_validations(self, value: str) -> None:
        keywords = {v for v in value.split(",") if v}
        for keyword in keywords:
            if keyword not in JSON_SCHEMA_VALIDATION_KEYWORDS:
                raise ApiValueError(f"Invalid keyword: '{keyword}'")
        self._disabled_client_side_validations_text = value
        self._disabled_client_side_validations = frozenset(keywords)

    # ---- defaults ----
    @classmethod
    def set_default(cls, default: "Configuration | None") -> None:
        """Store a copy of ``default``; later ``ApiClient()`` calls without a configuration use it."""
        cls._default = copy.deepcopy(default)

    @classmethod
    def get_default_copy(cls) -> "Configuration":
        """A copy of the default set by :meth:`set_default`, or a new ``Configuration()``."""
        if cls._default is not None:
            return copy.deepcopy(cls._default)
        return Configuration()

    def __deepcopy__(self, memo: dict[int, Any]) -> "Configuration":
        result = self.__class__.__new__(self.__class__)
        memo[id(self)] = result
        for key, value in self.__dict__.items():
            if key in (
                "logger",
                "logger_file_handler",
                "logger_stream_handler",
                "logger_formatter",
            ):
                setattr(result, key, copy.copy(value))
            else:
                setattr(result, key, copy.deepcopy(value, memo))
        return result

    def __repr__(self) -> str:
        shown = {
            "host": self.host,
            "username": self.username,
            "password": "***" if self.password else None,
            "api_key": {name: "***" for name in self.api_key},
            "access_token": "***" if self.access_token else None,
            "verify_ssl": self.verify_ssl,
            "ssl_ca_cert": self.ssl_ca_cert,
            "proxy": self.proxy,
        }
        inner = ", ".join(f"{key}={value!r}" for key, value in shown.items())
        return f"{type(self).__name__}({inner})"

    # ---- logging ----
    @property
    def logger_format(self) -> str:
        return self._logger_format

    @logger_format.setter
    def logger_format(self, value: str) -> None:
        self._logger_format = value
        self.logger_formatter = logging.Formatter(value)

    @property
    def logger_file(self) -> str | None:
        return self._logger_file

    @logger_file.setter
    def logger_file(self, value: str | None) -> None:
        self._logger_file = value
        if value:
            self.logger_file_handler = logging.FileHandler(value)
            self.logger_file_handler.setFormatter(self.logger_formatter)
            for logger in self.logger.values():
                logger.addHandler(self.logger_file_handler)

    @property
    def debug(self) -> bool:
        return self._debug

    @debug.setter
    def debug(self, value: bool) -> None:
        """Request logging: each request and response (method, URL, headers with secrets
        masked) at DEBUG level on the package logger. ``http.client``'s own debug print is
        not turned on, because it writes the raw Authorization and Cookie headers."""
        self._debug = value
        for logger in self.logger.values():
            logger.setLevel(logging.DEBUG if value else logging.WARNING)

    # ---- auth ----
    def get_api_key_with_prefix(self, identifier: str, *, alias: str | None = None) -> str | None:
        """The key of ``identifier`` with its prefix (``"Token <key>"``), or None when unset."""
        if self.refresh_api_key_hook is not None:
            self.refresh_api_key_hook(self)
        key = self.api_key.get(identifier)
        if key is None and alias is not None:
            key = self.api_key.get(alias)
        if not key:
            return None
        prefix = self.api_key_prefix.get(identifier)
        if prefix and not key.startswith(prefix + " "):
            return f"{prefix} {key}"
        return key

    def get_basic_auth_token(self) -> str:
        """The value of the ``Authorization`` header for HTTP basic auth."""
        raw = f"{self.username or ''}:{self.password or ''}".encode("latin-1", errors="replace")
        return "Basic " + base64.b64encode(raw).decode("ascii")

    def auth_settings(self) -> dict[str, dict[str, str]]:
        """Auth settings built from the current attributes (so later changes apply).

        Keys and shapes are those of the openapi-generator client: ``{"in": "header"|"cookie",
        "key": header or cookie name, "type": ..., "value": ...}``. When only ``csrfAuth`` is
        set, its value is also sent as the ``X-CSRFToken`` header (``csrfHeaderAuth``), as
        Django requires both.
        """
        auth: dict[str, dict[str, str]] = {}
        if self.access_token is not None:
            auth["accessTokenAuth"] = {
                "type": "bearer",
                "in": "header",
                "key": "Authorization",
                "value": "Bearer " + self.access_token,
            }
        if self.username is not None and self.password is not None:
            auth["basicAuth"] = {
                "type": "basic",
                "in": "header",
                "key": "Authorization",
                "value": self.get_basic_auth_token(),
            }
        api_key = self.api_key
        if api_key:
            for name, location, key in (
                ("csrfAuth", "cookie", "csrftoken"),
                ("csrfHeaderAuth", "header", "X-CSRFToken"),
                ("sessionAuth", "cookie", "sessionid"),
                ("tokenAuth", "header", "Authorization"),
            ):
                if name in api_key:
                    value = self.get_api_key_with_prefix(name)
                    if value is not None:
                        auth[name] = {"type": "api_key", "in": location, "key": key, "value": value}
            if "csrfAuth" in auth and "csrfHeaderAuth" not in auth:
                auth["csrfHeaderAuth"] = {
                    "type": "api_key",
                    "in": "header",
                    "key": "X-CSRFToken",
                    "value": auth["csrfAuth"]["value"],
                }
        return auth

    # ---- host ----
    def to_debug_report(self) -> str:
        return f"Python SDK Debug Report:\nOS: {sys.platform}\nPython Version: {sys.version}\n"

    def get_host_settings(self) -> list[dict[str, Any]]:
        return [{"url": self._base_path, "description": "The configured host"}]

    def get_host_from_settings(
        self,
        index: int | None,
        variables: dict[str, str] | None = None,
        servers: list[dict[str, Any]] | None = None,
    ) -> str:
        """The host for server ``index`` of ``servers`` (default: the configured host)."""
        if index is None:
            return self._base_path
        servers = self.get_host_settings() if not servers else servers
        try:
            server = servers[index]
        except IndexError:
            raise ValueError(
                f"Invalid index {index} when selecting the host settings. "
                f"Must be less than {len(servers)}"
            ) from None
        url: str = server["url"]
        variables = variables or {}
        for name, variable in server.get("variables", {}).items():
            value = variables.get(name, variable["default_value"])
            if "enum_values" in variable and value not in variable["enum_values"]:
                raise ValueError(
                    f"The variable `{name}` in the host URL has invalid value {value}."
                )
            url = url.replace("{" + name + "}", value)
        return url

    @property
    def host(self) -> str:
        """The base URL every request path is appended to."""
        if self.server_index is None:
            return self._base_path
        return self.get_host_from_settings(self.server_index, variables=self.server_variables)

    @host.setter
    def host(self, value: str) -> None:
        self._base_path = self._fix_host_url(value)
        self.server_index = None

    @staticmethod
    def _fix_host_url(url: str) -> str:
        url = url.rstrip("/")
        if not (url.startswith("http://") or url.startswith("https://")):
            url = "http://" + url
        return url


def _default_retries() -> Any:
    """The default policy (2 retries, method-aware; see :mod:`.retries`). urllib3 is imported
    here, not at module level, so that importing the package stays cheap."""
    from .retries import RetryPolicy

    return RetryPolicy()
