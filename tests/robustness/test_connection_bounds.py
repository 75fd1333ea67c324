"""Per-connection bounds of the real server (ops/http_server.py), over raw sockets to a `smartassist serve`
process: head size (414/431), head and body read time (408), open connections (503), ingest bodies not read
before the token, the record cap before records are built. Memory is the server process's RSS (/proc)."""

from __future__ import annotations

import contextlib
import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import ADMIN_TOKEN, SERVER_KEY
from tests.server_process import ServerProcess

LIMITS = {
    "SMARTASSIST_MAX_REQUEST_LINE_BYTES": "1024",
    "SMARTASSIST_MAX_REQUEST_HEAD_BYTES": "4096",
    "SMARTASSIST_HEADER_TIMEOUT_SECONDS": "1",
    "SMARTASSIST_BODY_TIMEOUT_SECONDS": "1",
    "SMARTASSIST_MAX_CONNECTIONS": "16",
}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    data = tmp_path_factory.mktemp("bounds")
    url = f"sqlite:///{data / 'bounds.db'}"
    with ServerProcess(url, data / "data", ADMIN_TOKEN, SERVER_KEY, extra_env=LIMITS) as process:
        yield process


def _connect(server: ServerProcess) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    return sock


def _response(sock: socket.socket) -> tuple[int, dict[str, object]]:
    """Status and JSON body of the response, read until the server closes the connection."""
    data = b""
    while chunk := sock.recv(65536):
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), json.loads(body)


def _rss_kb(server: ServerProcess) -> int:
    assert server._process is not None
    for line in Path(f"/proc/{server._process.pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


def _ingest_url(server: ServerProcess) -> str:
    response = httpx.post(
        f"{server.base_url}/admin/accounts",
        json={"name": "A"},
        headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
    )
    return f"/ingest/accounts/{response.json()['accountId']}/agents"


def test_a_long_request_line_is_414_without_reading_it_whole(server: ServerProcess) -> None:
    with _connect(server) as sock:
        sock.sendall(b"GET /" + b"a" * 2000)
        with contextlib.suppress(OSError):  # the server stops reading: the rest may not be accepted
            sock.sendall(b"a" * 4_000_000)
        status, body = _response(sock)
    assert status == 414 and body == {"errors": [{"msg": "the request line is longer than 1024 bytes", "code": 414}]}
    assert httpx.get(f"{server.base_url}/healthz").status_code == 200


def test_large_headers_are_431(server: ServerProcess) -> None:
    with _connect(server) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + b"X-Pad: " + b"p" * 5000 + b"\r\n\r\n")
        status, body = _response(sock)
    assert status == 431 and body["errors"] == [{"msg": "the request head is larger than 4096 bytes", "code": 431}]
    headers = {"X-Pad": "p" * 3000}  # under the limit: served
    assert httpx.get(f"{server.base_url}/healthz", headers=headers).status_code == 200
    # A body arriving in the same read as the head is not part of the head.
    body = json.dumps({"name": "n" * 50}) + " " * 40_000
    response = httpx.post(
        f"{server.base_url}/admin/accounts",
        content=body,
        headers={"Authorization": f"Bearer {ADMIN_TOKEN}", "Content-Type": "application/json"},
    )
    assert response.status_code == 201, response.text


@pytest.mark.parametrize("sent", [b"", b"GET /healthz HTTP/1.1\r\nHost: x\r\n"])
def test_a_head_not_sent_in_time_is_408_and_closed(server: ServerProcess, sent: bytes) -> None:
    started = time.monotonic()
    with _connect(server) as sock:
        sock.sendall(sent)
        status, body = _response(sock)
    assert status == 408 and body["errors"][0]["code"] == 408
    assert 0.9 < time.monotonic() - started < 5


def test_a_body_not_sent_in_time_is_408_and_closed(server: ServerProcess) -> None:
    started = time.monotonic()
    with _connect(server) as sock:
        sock.sendall(
            b"POST /admin/accounts HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n"
            b"Authorization: Bearer " + ADMIN_TOKEN.encode() + b'\r\n\r\n{"name":'
        )
        status, body = _response(sock)
    assert status == 408 and body["errors"][0]["code"] == 408
    assert time.monotonic() - started < 5


def test_connections_beyond_the_limit_are_503(server: ServerProcess) -> None:
    held = [_connect(server) for _ in range(16)]
    try:
        time.sleep(0.2)
        with _connect(server) as extra:
            status, body = _response(extra)
        assert status == 503 and body["errors"][0]["code"] == 503
    finally:
        for sock in held:
            sock.close()
    time.sleep(0.3)
    assert httpx.get(f"{server.base_url}/healthz").status_code == 200


def test_chunked_ingest_bodies_are_not_read_before_the_token(server: ServerProcess) -> None:
    path = _ingest_url(server)
    before = _rss_kb(server)
    socks = []
    try:
        for _ in range(12):
            sock = _connect(server)
            sock.sendall(
                f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                "Transfer-Encoding: chunked\r\n\r\n".encode()
            )
            sock.settimeout(2)
            chunk = b"%x\r\n%s\r\n" % (65536, b" " * 65536)
            with contextlib.suppress(OSError):  # 10 MB each; 401 at once, then discarded or not read
                for _ in range(160):
                    sock.sendall(chunk)
            socks.append(sock)
        grown_mb = (_rss_kb(server) - before) / 1024
    finally:
        for sock in socks:
            sock.close()
    assert grown_mb < 40, f"RSS grew {grown_mb:.0f} MB"  # buffering them made +10 MB per connection


def test_the_record_cap_costs_no_memory_of_the_records(server: ServerProcess) -> None:
    path = _ingest_url(server)
    before = _rss_kb(server)
    body = b"[" + b"{}," * 3_300_000 + b"{}]"  # 10 MB
    response = httpx.put(
        f"{server.base_url}{path}",
        content=body,
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {ADMIN_TOKEN}"},
        timeout=30,
    )
    grown_mb = (_rss_kb(server) - before) / 1024
    assert response.status_code == 413, response.text
    assert grown_mb < 120, f"RSS grew {grown_mb:.0f} MB"  # it was +470 MB
