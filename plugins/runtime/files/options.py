"""The call options every operation method takes besides its parameters, as a TypedDict.

Operation methods are typed ``**kwargs: Unpack[CallOptions]`` so that a type checker
rejects a misspelt option (``_request_timout=5``) or a wrong value type, where
``**kwargs: Any`` accepted anything. At run time the endpoint still checks the names.
"""

from __future__ import annotations

from typing import Any, TypedDict

__all__ = ["CallOptions"]


class CallOptions(TypedDict, total=False):
    """Options of one call; all optional (see the user guide for each one's effect)."""

    _parse_response: bool
    _check_status: bool
    _validate_inputs: bool
    _validate_outputs: bool
    _request_timeout: float | tuple[float, float] | Any | None
    _content_type: str | None
    _request_auths: list[dict[str, Any]] | None
    _retries: int | Any | None
    _async_call: bool
    _host_index: int | None
    _spec_property_naming: bool
