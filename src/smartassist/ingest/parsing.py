"""Reading and validating ingest batches: JSON arrays or NDJSON, bounded in bytes and records.

A batch is validated whole before anything is written; the first problem is reported as
"record <index>: <field>: <reason>" (index 0-based in the batch; NDJSON adds the line number), and
the submitted value is never echoed back.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Annotated, Any, TypeVar

from fastapi import Request
from pydantic import BaseModel, Field, TypeAdapter, ValidationError
from pydantic_core import ErrorDetails

from smartassist.collector import collector_paused
from smartassist.errors import ApiError, bad_request
from smartassist.ingest import _scan

M = TypeVar("M", bound=BaseModel)

JSON = "application/json"
NDJSON = "application/x-ndjson"
_NOT_AN_OBJECT = {"model_type", "model_attributes_type", "dict_type"}


@dataclass(frozen=True)
class RawBatch:
    body: bytes
    ndjson: bool


def too_large(msg: str) -> ApiError:
    return ApiError(413, msg)


def batch_format(content_type: str | None) -> bool:
    """True for NDJSON, False for a JSON array; anything else is 415."""
    media = (content_type or "").split(";", 1)[0].strip().lower()
    if media == JSON:
        return False
    if media == NDJSON:
        return True
    raise ApiError(415, f"Content-Type must be {JSON} (an array of records) or {NDJSON} (one record per line)")


async def read_batch(request: Request) -> RawBatch:
    """The raw body (its size is bounded for every route by ops.body_limit) and its format. The ingest routes
    check the token first (auth.deps.require_app), so an unauthenticated client never gets its body read."""
    ndjson = batch_format(request.headers.get("content-type"))
    return RawBatch(await request.body(), ndjson)


@lru_cache(maxsize=32)
def _list_adapter(model: type[BaseModel], max_records: int) -> TypeAdapter[list[Any]]:
    batch: Any = Annotated[list[model], Field(max_length=max_records)]  # type: ignore[valid-type]
    return TypeAdapter(batch)


# Counting a JSON array's records without building them: strings are blanked, everything but brackets and
# commas dropped, and the innermost groups (a session's intent list, then each record) removed, twice, C-speed
# passes all. What is left of a batch is "[,,,]": its commas count the records. Building 10 MB of `[{},{},…]`
# first cost +470 MB and ~1 s before the 413 (pydantic parses the whole document before checking its length).
# A string as "unrolled loop": runs of plain bytes matched in one step, the same matches as "(?:[^"\\]|\\.)*"
# at half its time (the count was a quarter of the sessions route's CPU: 5,000 sessions hold 55,000 commas).
JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')
_NOT_STRUCTURE = bytes(b for b in range(256) if b not in b"[]{},")
_INNERMOST_GROUP = re.compile(rb"[\[{][^\[\]{}]*[\]}]")
_RECORD_DEPTH = 2  # groups inside a record: the record itself and one list (SessionIn.intent)
_NDJSON_RECORD = re.compile(rb"[^\n]*[^\s][^\n]*")


def count_array_records(body: bytes) -> int:
    """An upper bound of the records of a JSON array (exact for a well-formed batch of flat records): counted by
    _scan.c in one pass over the bytes (~0.6 ms for 5,000 sessions, against ~20 ms for these regexes, 4.5 % of
    the server's CPU in bench_simulate_http under py-spy), the same count as _count_by_patterns', which counts a
    body whose strings do not all end (or hold a raw newline)."""
    counted = _scan.count_array_records(body)
    return counted if counted is not None else _count_by_patterns(body)


def _count_by_patterns(body: bytes) -> int:
    structure = JSON_STRING.sub(b"", body).translate(None, _NOT_STRUCTURE)
    for _ in range(_RECORD_DEPTH):
        structure = _INNERMOST_GROUP.sub(b"", structure[1:-1])
        structure = b"[" + structure + b"]"
    return structure.count(b",") + 1


def parse_batch(model: type[M], raw: RawBatch, max_records: int) -> list[M]:
    """Every record of the batch validated, or an ApiError (400 naming the first bad record, 413 when too many).
    The record count is checked before any record is built."""
    with collector_paused():  # thousands of records built at once (see smartassist.collector)
        return _parse(model, raw, max_records)


def _parse(model: type[M], raw: RawBatch, max_records: int) -> list[M]:
    if raw.ndjson:
        return _parse_ndjson(model, raw.body, max_records)
    if raw.body.count(b",") >= max_records and count_array_records(raw.body) > max_records:
        raise too_large(f"a batch holds at most {max_records} records")
    try:
        records: list[M] = _list_adapter(model, max_records).validate_json(raw.body)
    except ValidationError as exc:
        first = exc.errors(include_url=False, include_input=False)[0]
        loc = first["loc"]
        if not loc:
            if first["type"] == "too_long":
                raise too_large(f"a batch holds at most {max_records} records") from None
            if first["type"] == "json_invalid":
                raise bad_request(f"body is not valid JSON: {first['msg']}") from None
            raise bad_request("body must be a JSON array of records") from None
        raise bad_request(f"record {loc[0]}: {_describe(first, loc[1:])}") from None
    return records


def _ndjson_lines(body: bytes) -> Iterator[tuple[int, bytes]]:
    """(line number, line) of the non-blank lines, found by a C-speed search (blank lines cost no Python step)."""
    number, counted_to = 1, 0
    for match in _NDJSON_RECORD.finditer(body):
        number += body.count(b"\n", counted_to, match.start())
        counted_to = match.start()
        yield number, match.group()


def _parse_ndjson(model: type[M], body: bytes, max_records: int) -> list[M]:
    for count, _ in enumerate(_ndjson_lines(body), start=1):
        if count > max_records:
            raise too_large(f"a batch holds at most {max_records} records")
    records: list[M] = []
    for index, (number, line) in enumerate(_ndjson_lines(body)):
        try:
            records.append(model.model_validate_json(line))
        except ValidationError as exc:
            first = exc.errors(include_url=False, include_input=False)[0]
            if first["type"] == "json_invalid":
                raise bad_request(f"record {index} (line {number}): not valid JSON: {first['msg']}") from None
            raise bad_request(f"record {index} (line {number}): {_describe(first, first['loc'])}") from None
    return records


def _describe(error: ErrorDetails, field_loc: tuple[int | str, ...]) -> str:
    """`field: reason` for one record's error; a record-level rule already names its field."""
    reason = str(error.get("ctx", {}).get("error", error["msg"])) if error["type"] == "value_error" else error["msg"]
    if not field_loc:
        return "must be a JSON object" if error["type"] in _NOT_AN_OBJECT else reason
    return f"{'.'.join(_echoed(part) for part in field_loc)}: {reason}"


_PLAIN_NAME = re.compile(r"[A-Za-z0-9_.:@+-]{1,64}", re.ASCII)


def _echoed(part: int | str) -> str:
    """A path part as a message may show it: an index, or a key of at most 64 plain characters (an unknown
    key is the caller's text: a longer or stranger one, up to the body's size, is not echoed)."""
    return str(part) if isinstance(part, int) or _PLAIN_NAME.fullmatch(part) else "<a field name>"
