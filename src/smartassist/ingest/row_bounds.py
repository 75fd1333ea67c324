"""Bounds of the free-form values of a vendor row (the conversations ingest keeps them as given): depth, keys
per object and their length, string lengths, array lengths, the tag lists, and text every database can store.
No I/O; each bound is a constant here, listed in docs/API.md §10 Limits.

Why these and not only the stored row's size (256 KiB): a row under that size could still hold 20 000 keys in
one object or one 200 000-character string that every Call Details page then carries and every reader parses;
the bounds name the field at fault instead.
"""

from __future__ import annotations

from typing import Any

from smartassist.ingest import _values

MAX_DEPTH = 16  # levels of objects and arrays, the row itself being the first
MAX_OBJECT_KEYS = 256  # keys of any one object
MAX_KEY_CHARS = 128  # characters of a key
MAX_STRING_CHARS = 32_768  # characters of any string value
MAX_ARRAY_ITEMS = 1000  # items of any array (destinations, skills and agent lists have their own, smaller, bound)
# The vendor's tag lists, `[{"name": …, "value": …}, …]`: at most MAX_TAGS tags, name and value bounded.
TAG_FIELDS = ("userleveltags", "sessionleveltags")
MAX_TAGS = 100
MAX_TAG_NAME_CHARS = 128
MAX_TAG_VALUE_CHARS = 1024


class RowError(ValueError):
    """`field: reason` of a bad row (the caller adds the record number)."""


def check_values(row: dict[str, Any], plain: bool = False) -> None:
    """Every bound of this module, everywhere in the row; RowError naming the first field at fault. `plain`: the
    body's strings are known to hold no NUL or lone surrogate (ingest.conversations.Rows.plain), so only their
    lengths are checked."""
    within = _values.within(row, 1, plain, MAX_DEPTH, MAX_OBJECT_KEYS, MAX_KEY_CHARS, MAX_STRING_CHARS, MAX_ARRAY_ITEMS)
    if within is None:  # something JSON does not parse to: the Python walk decides
        within = _within(row, 1, plain)
    if not within:
        _check(row, "", 1, plain)  # finds the first field at fault, in the same order, and names it
    for field in TAG_FIELDS:
        _check_tags(row.get(field), field)


def _within(value: Any, depth: int, plain: bool) -> bool:
    """Whether _check would pass the value, without the field paths it builds for its messages (building a path
    for every value was most of the walk: 24 % of the conversations route's CPU under py-spy). The same bounds,
    so a False sends the row to _check for the message; values parsed from JSON are exactly str, dict, list or a
    scalar. The reference of _values.c, which walks a row in C (this walk was still 7 % of the server's CPU in
    bench_simulate_http)."""
    if depth > MAX_DEPTH:
        return False
    kind = type(value)
    if kind is str:
        return len(value) <= MAX_STRING_CHARS and (plain or _valid_text(value))
    if kind is dict:
        if len(value) > MAX_OBJECT_KEYS or (value and depth == MAX_DEPTH):
            return False
        for key, item in value.items():
            if len(key) > MAX_KEY_CHARS or not (plain or _valid_text(key)):
                return False
            item_kind = type(item)
            if item_kind is str:
                if len(item) > MAX_STRING_CHARS or not (plain or _valid_text(item)):
                    return False
            elif (item_kind is dict or item_kind is list) and not _within(item, depth + 1, plain):
                return False
        return True
    if kind is list:
        if len(value) > MAX_ARRAY_ITEMS or (value and depth == MAX_DEPTH):
            return False
        return all(_within(item, depth + 1, plain) for item in value)
    return True


def _valid_text(value: str) -> bool:
    if "\x00" in value:
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _check(value: Any, path: str, depth: int, plain: bool) -> None:
    if depth > MAX_DEPTH:
        raise RowError(f"{path or 'row'}: nested deeper than {MAX_DEPTH} levels")
    if isinstance(value, str):
        _check_text(value, path, MAX_STRING_CHARS, plain)
    elif isinstance(value, dict):
        if len(value) > MAX_OBJECT_KEYS:
            raise RowError(f"{path or 'row'}: at most {MAX_OBJECT_KEYS} keys in an object")
        for key, item in value.items():
            if len(key) > MAX_KEY_CHARS:
                raise RowError(f"{path or 'row'}: a key is longer than {MAX_KEY_CHARS} characters")
            _check_text(key, path, MAX_KEY_CHARS, plain)
            _check(item, f"{path}.{key}" if path else key, depth + 1, plain)
    elif isinstance(value, list):
        if len(value) > MAX_ARRAY_ITEMS:
            raise RowError(f"{path}: at most {MAX_ARRAY_ITEMS} items in an array")
        for number, item in enumerate(value):
            _check(item, f"{path}[{number}]", depth + 1, plain)


def _check_text(value: str, path: str, max_chars: int, plain: bool) -> None:
    if len(value) > max_chars:
        raise RowError(f"{path}: at most {max_chars} characters")
    if plain:
        return
    if "\x00" in value:
        raise RowError(f"{path}: must not contain NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise RowError(f"{path}: must be valid Unicode (no lone surrogates)") from None


def _check_tags(tags: Any, field: str) -> None:
    """null or absent, else an array of at most MAX_TAGS objects whose `name` and `value` strings are bounded."""
    if tags is None:
        return
    if not isinstance(tags, list) or len(tags) > MAX_TAGS:
        raise RowError(f"{field}: must be an array of at most {MAX_TAGS} tags")
    for number, tag in enumerate(tags):
        here = f"{field}[{number}]"
        if not isinstance(tag, dict):
            raise RowError(f'{here}: must be an object {{"name": …, "value": …}}')
        for key, max_chars in (("name", MAX_TAG_NAME_CHARS), ("value", MAX_TAG_VALUE_CHARS)):
            text = tag.get(key)
            if isinstance(text, str) and len(text) > max_chars:
                raise RowError(f"{here}.{key}: at most {max_chars} characters")
