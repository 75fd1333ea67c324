"""analytics.body.parsed_body: a small body's parse remembered, never a refusal, never across content types."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from starlette.requests import ClientDisconnect, Request

from smartassist.analytics.body import MAX_REMEMBERED_BODY, parsed_body, read_body
from smartassist.errors import ApiError

calls: list[Any] = []


def parse(body: Any) -> tuple[str, ...]:
    calls.append(body)
    if not isinstance(body, dict):
        raise ApiError(400, "not an object")
    return tuple(sorted(body))


def request(body: bytes, content_type: str = "application/json") -> Request:
    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    headers = [(b"content-type", content_type.encode())] if content_type else []
    return Request({"type": "http", "method": "POST", "path": "/", "headers": headers}, receive)


def read(body: bytes, content_type: str = "application/json") -> Any:
    return asyncio.run(parsed_body(request(body, content_type), parse))


def test_the_same_small_body_is_parsed_once() -> None:
    calls.clear()
    assert read(b'{"b":1,"a":2}') == ("a", "b")
    assert read(b'{"b":1,"a":2}') == ("a", "b")
    assert calls == [{"b": 1, "a": 2}]
    assert read(b'{"c":1}') == ("c",)
    assert len(calls) == 2


def test_a_refused_body_is_refused_every_time() -> None:
    calls.clear()
    for _ in range(2):
        with pytest.raises(ApiError):
            read(b"[1]")
        with pytest.raises(ApiError, match="not valid JSON"):
            read(b"{")
    assert calls == [[1], [1]]


def test_the_content_type_is_part_of_what_is_remembered() -> None:
    calls.clear()
    assert read(b'{"x":1}') == ("x",)
    for _ in range(2):  # not JSON: refused before parse, each time, though the same bytes parsed as JSON
        with pytest.raises(ApiError, match="sent with Content-Type: application/json"):
            read(b'{"x":1}', "text/plain")
    assert calls == [{"x": 1}]
    assert read(b'{"x":1}') == ("x",)  # still remembered for the JSON media type
    assert calls == [{"x": 1}]


def test_a_large_body_is_parsed_each_time() -> None:
    calls.clear()
    body = b'{"x":"' + b"a" * MAX_REMEMBERED_BODY + b'"}'
    read(body)
    read(body)
    assert len(calls) == 2


def messages_request(messages: list[dict[str, Any]]) -> Request:
    pending = list(messages)

    async def receive() -> dict[str, Any]:
        return pending.pop(0)

    return Request({"type": "http", "method": "POST", "path": "/", "headers": []}, receive)


def test_a_body_in_several_messages_is_read_whole_and_once() -> None:
    req = messages_request(
        [
            {"type": "http.request", "body": b'{"a":', "more_body": True},
            {"type": "http.request", "more_body": True},  # no body key: an empty chunk
            {"type": "http.request", "body": b"1}", "more_body": False},
        ]
    )
    assert asyncio.run(read_body(req)) == b'{"a":1}'
    assert asyncio.run(read_body(req)) == b'{"a":1}'  # kept: receive is not called again (it would fail)


def test_a_client_gone_before_its_body_ends_is_a_disconnect() -> None:
    req = messages_request([{"type": "http.request", "body": b"{", "more_body": True}, {"type": "http.disconnect"}])
    with pytest.raises(ClientDisconnect):
        asyncio.run(read_body(req))


@pytest.mark.parametrize(
    "raw",
    [
        '{"x":1}'.encode("utf-16"),
        '{"x":1}'.encode("utf-16-be"),
        '{"x":1}'.encode("utf-32"),
        b'\xef\xbb\xbf{"x":1}',  # a UTF-8 byte order mark
        b'{"x":"\xff"}',  # no UTF-8
    ],
    ids=["utf-16", "utf-16-be", "utf-32", "utf-8-bom", "latin-1"],
)
def test_a_body_that_is_not_plain_utf8_is_not_json(raw: bytes) -> None:
    # The standard library's json.loads(bytes) reads the first four as {"x": 1}; the contract's JSON is UTF-8.
    calls.clear()
    with pytest.raises(ApiError, match="request body is not valid JSON"):
        read(raw)
    assert calls == []
    assert read('{"x":"\u00e9"}'.encode()) == ("x",)  # UTF-8 beyond ASCII is read
