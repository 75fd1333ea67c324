"""_scan.c's one pass over a raw body against what it stands in for: the record count of parsing's patterns, and
whether a JSON text holds a float or a long integer (read from the parsed values)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from smartassist.ingest import _scan
from smartassist.ingest.conversations import _PLAIN_STRING_MARKERS
from smartassist.ingest.parsing import _count_by_patterns, count_array_records

_LEAVES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**21), max_value=10**21),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(),  # quotes, backslashes, newlines and brackets in strings, escaped by json.dumps
)
_VALUES = st.recursive(
    _LEAVES, lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(), inner, max_size=4))
)
# Bytes that steer the lexing and the count: quotes, escapes, newlines, brackets, commas, digits and the rest.
_TRICKY = st.lists(
    st.sampled_from([b'"', b"\\", b"\n", b"[", b"]", b"{", b"}", b",", b"1", b"-", b".", b"e", b" ", b"a"])
)


def _body(value: Any, indent: int | None, ensure_ascii: bool) -> bytes:
    return json.dumps(value, indent=indent, ensure_ascii=ensure_ascii).encode()


@given(st.lists(_VALUES, max_size=6), st.sampled_from([None, 0, 2]), st.booleans())
def test_the_count_of_a_json_array_is_the_patterns_count(records: list[Any], indent: int | None, ascii_: bool) -> None:
    body = _body(records, indent, ascii_)
    assert _scan.count_array_records(body) == _count_by_patterns(body)


@given(st.lists(st.dictionaries(st.text(), _LEAVES, max_size=4), max_size=8))
def test_the_count_of_flat_records_is_exact(records: list[dict[str, Any]]) -> None:
    assert count_array_records(json.dumps(records).encode()) == max(len(records), 1)  # "[]" counts as one


@given(st.one_of(st.binary(), _TRICKY.map(b"".join)))
def test_any_bytes_count_as_the_patterns_count_them(body: bytes) -> None:
    counted = _scan.count_array_records(body)
    assert counted is None or counted == _count_by_patterns(body)
    assert count_array_records(body) == _count_by_patterns(body)


def test_a_string_that_does_not_end_is_left_to_the_patterns() -> None:
    for body in (b'["a', b'["a\\', b'["a\\\n"]', b'["a\nb"]'):
        assert _scan.count_array_records(body) is None
        assert _scan.plain_numbers(body) is False
    assert _scan.count_array_records(b'["a,b", "c\\"d,e"]') == 2


def _has_float_or_long(value: Any) -> bool:
    if isinstance(value, float):
        return True
    if isinstance(value, int) and not isinstance(value, bool):
        return len(str(abs(value))) >= 19
    if isinstance(value, list):
        return any(_has_float_or_long(item) for item in value)
    if isinstance(value, dict):
        return any(_has_float_or_long(item) for item in value.values())
    return False


@given(_VALUES, st.sampled_from([None, 0, 2]), st.booleans())
def test_plain_numbers_tells_a_text_without_floats_or_long_integers(
    value: Any, indent: int | None, ascii_: bool
) -> None:
    assert _scan.plain_numbers(_body(value, indent, ascii_)) == (not _has_float_or_long(value))


@given(st.one_of(st.binary(), _TRICKY.map(b"".join)))
def test_plain_numbers_is_never_true_of_bytes_that_read_as_a_float_or_a_long_integer(body: bytes) -> None:
    try:
        value = json.loads(body)
    except (ValueError, RecursionError):
        return
    if _scan.plain_numbers(body):
        assert not _has_float_or_long(value)


def test_the_edges_of_a_number() -> None:
    assert _scan.plain_numbers(b"[1, -2, 123456789012345678]") is True  # 18 digits
    assert _scan.plain_numbers(b"[1234567890123456789]") is False  # 19
    assert _scan.plain_numbers(b"[-1234567890123456789]") is False
    assert _scan.plain_numbers(b"1.5") is False and _scan.plain_numbers(b"[2e3]") is False
    assert _scan.plain_numbers(b'["1.5", "2e3", "12345678901234567890", true, false, null]') is True
    assert _scan.plain_numbers("[1]".encode("utf-16")) is False  # NUL bytes: not UTF-8


_MARKER_BYTES = st.lists(st.sampled_from([b"\\", b"u", b"0", b"d", b"D", b"\xed", b"\x00", b"a", b'"']))


@given(st.one_of(st.binary(), _MARKER_BYTES.map(b"".join)))
def test_plain_strings_is_the_marker_search(body: bytes) -> None:
    assert _scan.plain_strings(body) == (not any(marker in body for marker in _PLAIN_STRING_MARKERS))


def test_plain_strings_at_the_end_of_a_body() -> None:
    assert _scan.plain_strings(b'["\\u000"]') is True and _scan.plain_strings(b'["\\u0000"]') is False
    assert _scan.plain_strings(b"\\u") is True and _scan.plain_strings(b"\\ud") is False
    assert _scan.plain_strings(b'["\\\\ud"]') is False  # an escaped backslash, then "ud": as the search finds it


@pytest.mark.parametrize("scan", [_scan.plain_numbers, _scan.plain_strings, _scan.count_array_records])
def test_a_body_that_is_not_bytes_is_a_type_error(scan: Any) -> None:
    with pytest.raises(TypeError, match="body must be bytes, not str"):
        scan("[1]")
