"""Bounds of a conversation row's free-form values (ingest/row_bounds.py): keys per object and their length,
string and array lengths, depth, and the tag lists; each beyond its bound is a 400 naming the record and field
(nothing of the batch stored), each at its bound is accepted."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import example, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine

from smartassist.ingest import row_bounds as bounds
from tests.analytics.conversations.support import Caller, new_caller, prepare_samples, row
from tests.support.errors import error


@pytest.fixture
def caller(client: TestClient, db_engine: Engine) -> Caller:
    caller = new_caller(client)
    prepare_samples(client, db_engine, caller)
    return caller


def tags(count: int, name: int = 8, value: int = 8) -> list[dict[str, str]]:
    return [{"name": "n" * name, "value": "v" * value} for _ in range(count)]


def nested(levels: int) -> Any:
    """A value that, as a field of the row (level 1), reaches `levels` levels in all."""
    return json.loads("[" * (levels - 1) + "]" * (levels - 1))


OVER = [
    (row(1, metaInfo={f"k{n}": n for n in range(bounds.MAX_OBJECT_KEYS + 1)}), "record 1: metaInfo: at most 256 keys"),
    (row(1, metaInfo={"k" * (bounds.MAX_KEY_CHARS + 1): 1}), "record 1: metaInfo: a key is longer than 128 characters"),
    (row(1, customerinfo={"note": "x" * (bounds.MAX_STRING_CHARS + 1)}), "record 1: customerinfo.note: at most 32768"),
    (row(1, dispositions=list(range(bounds.MAX_ARRAY_ITEMS + 1))), "record 1: dispositions: at most 1000 items"),
    (row(1, deep=nested(bounds.MAX_DEPTH + 1)), "record 1: deep"),
    (row(1, sessionleveltags=tags(bounds.MAX_TAGS + 1)), "record 1: sessionleveltags: must be an array of at most 100"),
    (row(1, userleveltags=tags(2, name=bounds.MAX_TAG_NAME_CHARS + 1)), "record 1: userleveltags[0].name: at most 128"),
    (
        row(1, sessionleveltags=tags(1, value=bounds.MAX_TAG_VALUE_CHARS + 1)),
        "record 1: sessionleveltags[0].value: at most 1024 characters",
    ),
    (row(1, sessionleveltags=["callerNumber"]), "record 1: sessionleveltags[0]: must be an object"),
    (row(1, userleveltags={"name": "x"}), "record 1: userleveltags: must be an array"),
]


@pytest.mark.parametrize(("bad", "msg_start"), OVER, ids=[msg.split(":")[1].strip() for _, msg in OVER])
def test_beyond_a_bound_is_400_naming_record_and_field(
    caller: Caller, client: TestClient, bad: Any, msg_start: str
) -> None:
    error(caller.ingest(client, [row(0), bad], offset=None), 400, msg_start)
    assert caller.ingest(client, [row(0)], offset=None).json() == {"accepted": 1, "duplicates": 0}  # nothing stored


def test_every_bound_reached_is_accepted(caller: Caller, client: TestClient) -> None:
    at_limit = [
        row(1, metaInfo={f"k{n}": n for n in range(bounds.MAX_OBJECT_KEYS)}),
        row(2, metaInfo={"k" * bounds.MAX_KEY_CHARS: 1}),
        row(3, customerinfo={"note": "x" * bounds.MAX_STRING_CHARS}),
        row(4, dispositions=list(range(bounds.MAX_ARRAY_ITEMS))),
        row(5, deep=nested(bounds.MAX_DEPTH)),
        row(6, sessionleveltags=tags(bounds.MAX_TAGS, bounds.MAX_TAG_NAME_CHARS, bounds.MAX_TAG_VALUE_CHARS)),
        row(7, userleveltags=[], sessionleveltags=None),
    ]
    response = caller.ingest(client, at_limit, offset=None)
    assert response.status_code == 200, response.text[:500]
    assert response.json() == {"accepted": len(at_limit), "duplicates": 0}


# The fast walk (row_bounds._within) against the walk that names the field (row_bounds._check): for any value,
# the fast walk passes exactly what _check passes. Values near every bound: deep nesting, long strings and keys,
# wide objects and arrays, NUL characters and lone surrogates.
_TEXTS = st.one_of(
    st.text(max_size=4),
    st.sampled_from(["\x00", "a\ud800", "x" * bounds.MAX_KEY_CHARS, "x" * (bounds.MAX_KEY_CHARS + 1)]),
    st.sampled_from(["y" * bounds.MAX_STRING_CHARS, "y" * (bounds.MAX_STRING_CHARS + 1)]),
)
_LEAVES = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), _TEXTS)
# Wide arrays and objects at the bounds, of leaves only (wide containers of wide containers would be millions of
# values).
_WIDE = st.one_of(
    st.builds(
        lambda item, n: [item] * n, _LEAVES, st.sampled_from([bounds.MAX_ARRAY_ITEMS, bounds.MAX_ARRAY_ITEMS + 1])
    ),
    st.builds(
        lambda item, n: {f"k{i}": item for i in range(n)},
        _LEAVES,
        st.sampled_from([bounds.MAX_OBJECT_KEYS, bounds.MAX_OBJECT_KEYS + 1]),
    ),
)
_VALUES = st.recursive(
    st.one_of(_LEAVES, _WIDE),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(_TEXTS, inner, max_size=3)),
    max_leaves=8,
)


def _nested(value: object, levels: int) -> object:
    for _ in range(levels):
        value = {"n": value}
    return value


@settings(max_examples=150, deadline=None)
@example(5, bounds.MAX_DEPTH - 1, True)  # a scalar at the deepest level allowed
@example(5, bounds.MAX_DEPTH, True)  # one level deeper
@example([], bounds.MAX_DEPTH, True)
@example("a\x00", 0, False)
@example("a\x00", 0, True)  # plain: NUL not looked for
@given(_VALUES, st.integers(min_value=0, max_value=bounds.MAX_DEPTH + 1), st.booleans())
def test_the_fast_walk_passes_exactly_what_the_named_walk_passes(value: object, levels: int, plain: bool) -> None:
    row = _nested(value, levels)
    try:
        bounds._check(row, "", 1, plain)
        named_ok = True
    except bounds.RowError:
        named_ok = False
    assert bounds._within(row, 1, plain) == named_ok
