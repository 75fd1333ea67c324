"""_values.c's bounds walk against row_bounds._within, the Python walk it stands in for, on values near every
bound (depth, keys, key and string lengths, array lengths, NUL and lone surrogates)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smartassist.ingest import _values, row_bounds

# Small bounds, so that values at and just past each of them are cheap to build: the C walk takes them as
# arguments, and the Python walk reads the module's constants, patched to the same here.
SMALL = {"MAX_DEPTH": 4, "MAX_OBJECT_KEYS": 3, "MAX_KEY_CHARS": 3, "MAX_STRING_CHARS": 4, "MAX_ARRAY_ITEMS": 3}

_TEXT = st.text(alphabet=st.sampled_from(["a", "é", "\x00", "\ud800", "\U0001f600", "ı"]), max_size=6)
_LEAVES = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), _TEXT)
_VALUES = st.recursive(
    _LEAVES,
    lambda inner: st.one_of(st.lists(inner, max_size=5), st.dictionaries(_TEXT, inner, max_size=5)),
    max_leaves=30,
)


def _python_within(value: Any, plain: bool) -> bool:
    with pytest.MonkeyPatch.context() as monkeypatch:
        for name, bound in SMALL.items():
            monkeypatch.setattr(row_bounds, name, bound)
        return row_bounds._within(value, 1, plain)


def _c_within(value: Any, plain: bool) -> bool | None:
    return _values.within(
        value,
        1,
        plain,
        SMALL["MAX_DEPTH"],
        SMALL["MAX_OBJECT_KEYS"],
        SMALL["MAX_KEY_CHARS"],
        SMALL["MAX_STRING_CHARS"],
        SMALL["MAX_ARRAY_ITEMS"],
    )


@settings(max_examples=400)
@given(_VALUES, st.booleans())
def test_the_c_walk_answers_as_the_python_walk(value: Any, plain: bool) -> None:
    assert _c_within(value, plain) is _python_within(value, plain)


class _Text(str):
    pass


def test_what_json_does_not_parse_to_is_left_to_python() -> None:
    assert _c_within({"a": _Text("x")}, False) is None
    assert _c_within({1: "x"}, False) is None
    assert _c_within([{"a": [_Text("x")]}], True) is None
    assert _c_within({"a": 1, "b": [1, None, True]}, False) is True


def test_each_bound_at_its_edge() -> None:
    assert _c_within({"abc": "abcd"}, False) is True
    assert _c_within({"abcd": 1}, False) is False  # key of 4 characters
    assert _c_within({"a": "abcde"}, False) is False  # string of 5
    assert _c_within({"a": 1, "b": 2, "c": 3, "d": 4}, False) is False  # 4 keys
    assert _c_within({"a": [1, 2, 3, 4]}, False) is False  # 4 items
    assert _c_within({"a": [[[]]]}, False) is True  # depth 4, the innermost empty
    assert _c_within({"a": [[[1]]]}, False) is False  # a non-empty container at depth 4
    assert _c_within({"a": "a\x00"}, False) is False and _c_within({"a": "a\x00"}, True) is True
    assert _c_within({"\ud800": 1}, False) is False and _c_within({"a": "\U0001f600"}, False) is True
