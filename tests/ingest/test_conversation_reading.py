"""Reading a conversations body with orjson where it gives what the standard library gives: the values read, and
the stored text written (call_rows.encode_row) for rows without floats."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from smartassist.contactcenter.call_rows import encode_row
from smartassist.ingest.conversations import _floatless, _loads

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


@given(_values(st.one_of(_SCALARS, _FLOATS)))
def test_floatless_tells_a_body_without_floats(value: Any) -> None:
    def has_float(item: Any) -> bool:
        if isinstance(item, float):
            return True
        if isinstance(item, list):
            return any(has_float(x) for x in item)
        if isinstance(item, dict):
            return any(has_float(x) for x in item.values())
        return False

    body = json.dumps(value).encode()
    assert _floatless(body) == (not has_float(value))
