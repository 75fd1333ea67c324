"""Reading a conversations body with orjson where it gives what the standard library gives: the values read, and
the stored text written (call_rows.encode_row) for rows without floats."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from smartassist.contactcenter.call_rows import encode_row
from smartassist.ingest.conversations import _floatless, _loads, _plain_numbers

_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),  # beyond 64 bits too
    st.text(),  # any code point, lone surrogates and NUL included
)
_FLOATS = st.floats(allow_nan=False, allow_infinity=False)


def _values(leaves: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.recursive(
        leaves, lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(), inner, max_size=4))
    )


def _standard(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


@given(st.dictionaries(st.text(), _values(_SCALARS), max_size=5))
def test_a_row_without_floats_is_written_as_the_standard_library_writes_it(row: dict[str, Any]) -> None:
    assert encode_row(row, floatless=True) == _standard(row)


@given(_values(st.one_of(_SCALARS, _FLOATS)))
def test_a_body_reads_as_the_standard_library_reads_it(value: Any) -> None:
    body = json.dumps(value).encode()
    expected = json.loads(body)
    got = _loads(body)
    assert got == expected and _standard(got) == _standard(expected)  # same types too: 1 is not 1.0


def _has(item: Any, wanted: Any) -> bool:
    if wanted(item):
        return True
    if isinstance(item, list):
        return any(_has(x, wanted) for x in item)
    if isinstance(item, dict):
        return any(_has(x, wanted) for x in item.values())
    return False


def _is_float(item: Any) -> bool:
    return isinstance(item, float)


@given(_values(st.one_of(_SCALARS, _FLOATS)))
def test_floatless_tells_a_body_without_floats(value: Any) -> None:
    body = json.dumps(value).encode()
    assert _floatless(body) == (not _has(value, _is_float))


def _is_long(item: Any) -> bool:
    return isinstance(item, int) and not isinstance(item, bool) and len(str(abs(item))) >= 19


_SPACES = st.sampled_from([None, 0, 2])


@given(_values(st.one_of(_SCALARS, _FLOATS, st.integers(min_value=10**17, max_value=10**21))), _SPACES, st.booleans())
def test_plain_numbers_tells_a_body_without_a_float_or_a_long_integer(
    value: Any, indent: int | None, lines: bool
) -> None:
    text = json.dumps(value, indent=indent).encode()
    body = b'{"a": 1}\n' + text if lines else text  # NDJSON: the value on a line after another one
    assert _plain_numbers(body) == (not _has(value, _is_float) and not _has(value, _is_long))
    if _plain_numbers(body):
        assert _floatless(body)
        assert _loads(text, plain_numbers=True) == json.loads(text)
