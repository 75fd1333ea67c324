"""The one check of the contract's error body: {"errors": [{"msg": <sentence>, "code": <HTTP status>}]}."""

from __future__ import annotations

from httpx import Response


def error(response: Response, status: int, msg_start: str = "", *, contains: str = "") -> str:
    """Assert the status and the error shape (one error, exactly `msg` and `code`, `code` the status as a
    JSON integer, never a boolean or a string); optionally how the message starts or what it contains.
    Returns the message."""
    assert response.status_code == status, response.text
    body = response.json()
    assert isinstance(body, dict) and set(body) == {"errors"}, body
    assert isinstance(body["errors"], list) and len(body["errors"]) == 1, body
    [item] = body["errors"]
    assert set(item) == {"msg", "code"}, body
    code = item["code"]
    assert type(code) is int and code == status, body
    msg = item["msg"]
    assert isinstance(msg, str) and msg, body
    assert msg.startswith(msg_start), msg
    assert contains in msg, msg
    return msg
