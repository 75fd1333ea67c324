"""The C page renderer (_call_rows.render, behind call_rows.render_page) against the Python one (render_row then
json.dumps): hand-made rows with the expected text written out, texts it must leave to Python, and hypothesis
rows of every shape the convention knows (time fields in and out of their places, durations, blocks, offsets);
each also rendered from its layout (_call_rows.layout), which must give the same bytes, and layouts that do not
fit their text, which must change nothing."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smartassist.contactcenter import _call_rows, call_rows
from smartassist.contactcenter.call_rows import (
    ROW_BLOCKS_V2,
    SEGMENT_BLOCK,
    V2_ONLY_KEYS,
    View,
    encode_row,
    render_page,
    render_row,
)

# 2025-10-01T02:10:36Z
T = 1_759_284_636_000
EVERYTHING = View(offset_minutes=0, v2=True, selected=None)


def python(text: str, view: View) -> bytes:
    return json.dumps(render_row(text, view), ensure_ascii=False, separators=(",", ":")).encode()


def c_render(text: str | bytes, view: View) -> bytes | None:
    """One row rendered by C alone: a page of that row, with no head or tail."""
    return _call_rows.render([text], view.offset_minutes, view.dropped(), view.drops_snooze(), b"", b"")


def laid_render(text: str | bytes, view: View, layout: bytes | None = None) -> bytes | None:
    """The same row rendered from its layout (or the one given)."""
    pair = (_call_rows.layout(text) if layout is None else layout, text)
    return _call_rows.render([pair], view.offset_minutes, view.dropped(), view.drops_snooze(), b"", b"")


def test_the_c_module_knows_the_same_fields_and_range() -> None:
    assert _call_rows.SEGMENT_NAIVE == call_rows.SEGMENT_NAIVE
    assert _call_rows.CONSULTING_NAIVE == call_rows.CONSULTING_NAIVE
    assert _call_rows.DROPPABLE == call_rows.DROPPABLE
    assert (_call_rows.MIN_MS, _call_rows.MAX_MS) == (call_rows.MIN_MS, call_rows.MAX_MS)


def test_a_row_rendered_by_hand() -> None:
    segment = (
        '{"agentId":"u-1","snoozeinfo":[],"firstResponseTime":1759284650000,"interactionEndTime":1759284733000,'
        '"afterCallWorkEndTime":1759284742000,"acceptedTime":1759284643000,'
        '"ConsultingAgents":[{"consultingEndTime":1759284700000,"EnterTime":1759284700000},7]}'
    )
    text = (
        '{"sessionId":"s","sessionStartTime":1759284636000,"sessionEndTime":null,"Direction":"Inbound",'
        '"skills":[],"campaigninfo":{"x":1.5},"name":"Müller \\"M\\"\\n","destinations":[{"destinationType":'
        '"QueueEntry","EnterTime":1759284636000,"CallbackOptedTime":1759284657780,"assignedAt":1759284636000,'
        f'"respondingAgent":{segment},"nonRespondingAgents":[{{"assignedAt":1759284640000}},"x"]}},'
        '{"destinationType":"AgentSegment","acceptedTime":1759284643000,"interactionEndTime":1759284633000},'
        "[1759284636000]]}"
    )
    # At -330 (UTC+05:30): 02:10:36Z is 07:40:36 local; the Z time stays UTC. Durations: 07:40:43 -> 07:40:50 is
    # 7 s, -> 07:42:13 is 90 s; 07:42:13 -> 07:42:22 is 9 s, placed before afterCallWorkEndTime. The bare segment
    # ends before it was accepted: no interactionDuration. A queue entry's own assignedAt, a consulting agent's
    # EnterTime and a number in an array of destinations are not times.
    expected = (
        '{"sessionId":"s","sessionStartTime":"2025-10-01T07:40:36","sessionEndTime":null,"Direction":"Inbound",'
        '"skills":[],"campaigninfo":{"x":1.5},"name":"Müller \\"M\\"\\n","destinations":[{"destinationType":'
        '"QueueEntry","EnterTime":"2025-10-01T07:40:36","CallbackOptedTime":"2025-10-01T02:10:57.780Z",'
        '"assignedAt":1759284636000,"respondingAgent":{"agentId":"u-1","snoozeinfo":[],'
        '"firstResponseTime":"2025-10-01T07:40:50","firstResponseDuration":7,'
        '"interactionEndTime":"2025-10-01T07:42:13","interactionDuration":90,"afterCallWorkDuration":9,'
        '"afterCallWorkEndTime":"2025-10-01T07:42:22","acceptedTime":"2025-10-01T07:40:43",'
        '"ConsultingAgents":[{"consultingEndTime":"2025-10-01T07:41:40","EnterTime":1759284700000},7]},'
        '"nonRespondingAgents":[{"assignedAt":"2025-10-01T07:40:40"},"x"]},'
        '{"destinationType":"AgentSegment","acceptedTime":"2025-10-01T07:40:43",'
        '"interactionEndTime":"2025-10-01T07:40:33"},[1759284636000]]}'
    )
    view = View(offset_minutes=-330, v2=True, selected=None)
    assert c_render(text, view) == expected.encode()
    assert laid_render(text, view) == expected.encode()
    assert python(text, view) == expected.encode()
    # v1 with selectedFields ["skills"]: the v2 keys, the unnamed blocks and snoozeinfo left out
    v1 = View(offset_minutes=-330, v2=False, selected=frozenset({"skills"}))
    got = json.loads(c_render(text, v1) or b"null")
    assert [key for key in got if key in (*V2_ONLY_KEYS, *ROW_BLOCKS_V2)] == ["skills"]
    assert "snoozeinfo" not in got["destinations"][0]["respondingAgent"]
    assert c_render(text, v1) == python(text, v1) == laid_render(text, v1)


# {"sessionStartTime":1759284636000}: 34 bytes, the instant's 13 digits at byte 20.
SMALL = '{"sessionStartTime":1759284636000}'
SMALL_LAYOUT = bytes([_call_rows.LAYOUT_VERSION, 34, 0, 20, 13])  # version, length; OP_NAIVE at +20, 13 digits


def test_a_layout_written_out_by_hand() -> None:
    assert _call_rows.layout(SMALL) == _call_rows.layout(SMALL.encode()) == SMALL_LAYOUT
    assert laid_render(SMALL, View(-60, True, None)) == b'{"sessionStartTime":"2025-10-01T03:10:36"}'
    # members a view drops, with the comma next to each: the first, a middle one, the last, all of them
    text = '{"skills":1,"a":2,"reason":[3],"b":4,"Direction":5}'
    for dropped, expected in [
        (("skills",), '{"a":2,"reason":[3],"b":4,"Direction":5}'),
        (("reason",), '{"skills":1,"a":2,"b":4,"Direction":5}'),
        (("Direction",), '{"skills":1,"a":2,"reason":[3],"b":4}'),
        (("skills", "reason", "Direction"), '{"a":2,"b":4}'),
    ]:
        page = _call_rows.render([(_call_rows.layout(text), text)], 0, dropped, False, b"", b"")
        assert page == c_render_dropping(text, dropped) == expected.encode(), dropped
    alone = '{"reason":1,"skills":2}'
    assert _call_rows.render([(_call_rows.layout(alone), alone)], 0, ("skills", "reason"), False, b"", b"") == b"{}"
    # a dropped key no layout knows: the rows are walked, which drop it
    assert _call_rows.render([(_call_rows.layout(text), text)], 0, ("a",), False, b"", b"") == (
        b'{"skills":1,"reason":[3],"b":4,"Direction":5}'
    )


def c_render_dropping(text: str, dropped: tuple[str, ...]) -> bytes | None:
    return _call_rows.render([text], 0, dropped, False, b"", b"")


@pytest.mark.parametrize(
    "layout",
    [
        b"",
        bytes([_call_rows.LAYOUT_VERSION + 1, 34, 0, 20, 13]),  # another version
        bytes([_call_rows.LAYOUT_VERSION, 35, 0, 20, 13]),  # another text's length
        bytes([_call_rows.LAYOUT_VERSION, 34, 0, 20]),  # cut short
        bytes([_call_rows.LAYOUT_VERSION, 34, 0, 21, 13]),  # the time's digits one byte off
        bytes([_call_rows.LAYOUT_VERSION, 34, 0, 30, 13]),  # past the text's end
        bytes([_call_rows.LAYOUT_VERSION, 34, 9, 1, 1]),  # an op of no kind
        bytes([_call_rows.LAYOUT_VERSION, 34, 2, 1, 99, 3]),  # a member of no class
        bytes([_call_rows.LAYOUT_VERSION, 34]) + b"\xff" * 11,  # a varint that never ends
    ],
)
def test_a_layout_that_does_not_fit_its_text_leaves_the_row_to_the_walk(layout: bytes) -> None:
    view = View(-60, True, None)
    assert laid_render(SMALL, view, layout) == c_render(SMALL, view) == b'{"sessionStartTime":"2025-10-01T03:10:36"}'


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=40))
def test_any_layout_bytes_are_read_within_the_text(noise: bytes) -> None:
    # a header that fits, then anything: the page is bytes or the walk's, never a read outside the text
    layout = bytes([_call_rows.LAYOUT_VERSION, 34]) + noise
    page = laid_render(SMALL, View(0, False, frozenset()), layout)
    assert isinstance(page, bytes)


def test_texts_the_walk_refuses_have_no_layout() -> None:
    for text in ('{"a":1.50}', '{"sessionStartTime":-1}', '{"a":1,"a":2}', "[1]", '{"a":"\ud800"}'):
        assert _call_rows.layout(text) is None, text
    with pytest.raises(TypeError):
        _call_rows.layout(1)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        _call_rows.render([("x", SMALL)], 0, (), False, b"", b"")  # a layout that is no bytes
    with pytest.raises(TypeError):
        _call_rows.render([(None,)], 0, (), False, b"", b"")
    # a pair may be any sequence (the route passes asyncpg Records); None is no layout
    assert _call_rows.render([[None, SMALL], (SMALL_LAYOUT, SMALL.encode())], 0, (), False, b"", b"") == (
        b'{"sessionStartTime":"2025-10-01T02:10:36"},{"sessionStartTime":"2025-10-01T02:10:36"}'
    )


@pytest.mark.parametrize(
    "text",
    [
        '{"a": 1}',  # whitespace
        ' {"a":1}',
        '{"a":1}\n',
        '{"a":"\\/"}',  # escapes json.dumps does not write
        '{"a":"\\u0041"}',
        '{"a":"\\u000a"}',
        '{"a":"\\u001F"}',
        '{"a":"\\ud83d\\ude00"}',
        '{"a":-0}',  # numbers Python writes otherwise
        '{"a":1E5}',
        '{"a":1.50}',
        '{"a":1e400}',
        '{"a":1,"a":2}',  # a duplicate key: json.loads keeps the last value
        '{"destinations":[{"x":1,"x":2}]}',
        '{"sessionStartTime":-1}',  # a time out of range
        '{"sessionStartTime":253402300799999}',
        '{"a":1}{"b":2}',
        "[1]",
        "{}x",
    ],
)
def test_texts_not_in_the_stored_form_are_left_to_python(text: str) -> None:
    assert c_render(text, EVERYTHING) is None
    try:
        expected = python(text, EVERYTHING)
    except (ValueError, TypeError, AttributeError, OverflowError, OSError):
        return  # Python cannot render it either
    assert render_page([text], EVERYTHING) == expected


@pytest.mark.parametrize(
    "text",
    ['{"a":"\\u001f\\u0000\\"\\\\\\b\\f\\n\\r\\t"}', '{"a":[1.5,-0.0,1e+16,1e-05,0,-3,true,false,null,{}]}', "{}"],
)
def test_texts_in_the_stored_form_are_copied(text: str) -> None:
    assert c_render(text, EVERYTHING) == text.encode()


def test_a_lone_surrogate_is_left_to_python() -> None:
    assert c_render('{"a":"\ud800"}', EVERYTHING) is None


def test_rows_as_utf8_bytes_render_as_their_text_does() -> None:
    # The route fetches each row's UTF-8 (service.Utf8); 1-, 2-, 3- and 4-byte characters, at and past 16 bytes
    texts = ['{"a":"%s","b":"x"}' % (filler * at) for filler in ("a", "é", "€", "😀") for at in (0, 1, 15, 16, 40)]
    for text in texts:
        assert c_render(text.encode(), EVERYTHING) == c_render(text, EVERYTHING) == text.encode()
    assert (
        render_page([text.encode() for text in texts], EVERYTHING, b"[", b"]")
        == b"[" + b",".join(text.encode() for text in texts) + b"]"
    )


@pytest.mark.parametrize(
    "utf8",
    [
        b"\xc3",  # cut short
        b"\xc0\xaf",  # an overlong '/'
        b"\xe0\x80\xaf",  # another
        b"\xed\xa0\x80",  # a surrogate
        b"\xf4\x90\x80\x80",  # beyond U+10FFFF
        b"\xff",
        b"\x80",
    ],
)
def test_bytes_that_are_not_utf8_are_left_to_python(utf8: bytes) -> None:
    text = b'{"a":"' + b"x" * 20 + utf8 + b'"}'
    assert c_render(text, EVERYTHING) is None
    # rendered with the bad bytes replaced, never a 500 for what only the database could hold
    assert render_page([text], EVERYTHING) == python(text.decode(errors="replace"), EVERYTHING)


def test_bad_arguments() -> None:
    with pytest.raises(TypeError):
        _call_rows.render([1], 0, (), False, b"", b"")  # type: ignore[list-item]
    with pytest.raises(TypeError):
        _call_rows.render("{}", 0, (), False, b"", b"")
    with pytest.raises(TypeError):
        _call_rows.render(["{}"], 0, (), False, "", b"")
    with pytest.raises(ValueError, match="offset_minutes"):
        _call_rows.render(["{}"], 841, (), False, b"", b"")


def test_a_page_is_its_rows_between_head_and_tail() -> None:
    rows = ['{"sessionStartTime":1759284636000,"a":"x"}', "{}", '{"b":[1,2],"sessionEndTime":1759284637000}']
    # At -60 (UTC+01:00) 02:10:36Z is 03:10:36 local.
    expected = (
        b'HEAD{"sessionStartTime":"2025-10-01T03:10:36","a":"x"},{},{"b":[1,2],"sessionEndTime":"2025-10-01T03:10:37"}]'
    )
    view = View(offset_minutes=-60, v2=True, selected=None)
    assert render_page(rows, view, b"HEAD", b"]") == expected
    assert _call_rows.render(rows, -60, view.dropped(), view.drops_snooze(), b"HEAD", b"]") == expected
    assert render_page([], view, b"[", b"]") == b"[]"


def test_a_page_with_a_row_c_does_not_take_renders_the_others_in_c() -> None:
    # '{"a":1.50}' is not in the stored form (Python writes 1.5): the page is None in C, so rendered row by row.
    rows = ['{"a":"été"}', '{"a":1.50}', '{"b":"é"}']
    assert _call_rows.render(rows, 0, (), False, b"", b"") is None
    assert render_page(rows, EVERYTHING, b"[", b"]") == '[{"a":"été"},{"a":1.5},{"b":"é"}]'.encode()


@pytest.mark.parametrize("special", [r"\"", r"\\", r"\n", r"\u001f", '"'])
def test_a_string_scanned_many_bytes_at_a_time_stops_at_its_first_special_byte(special: str) -> None:
    # The scan reads 16 bytes at a time (SSE2), then 8, and goes straight to the first special one: put one at
    # every place of three 16-byte blocks (and a non-ASCII character before it, whose bytes are never special).
    for at in range(50):
        for filler in ("a", "é"):
            if special == '"':  # the string's closing quote at this place
                text = '{"k":"' + filler * at + '","c":"' + "b" * 20 + '"}'
            else:
                text = '{"k":"' + filler * at + special + "b" * 20 + '"}'
            assert c_render(text, EVERYTHING) == python(text, EVERYTHING), (special, at, filler)


def test_a_raw_control_character_anywhere_in_a_string_is_not_the_stored_form() -> None:
    for at in range(50):
        for control in ("\x00", "\x1f", "\n"):
            assert c_render('{"k":"' + "a" * at + control + "b" * 20 + '"}', EVERYTHING) is None, (at, control)


# --- hypothesis: rows of every shape ----------------------------------------------------------------------------

times = st.one_of(
    st.integers(call_rows.MIN_MS, call_rows.MAX_MS),
    st.integers(1_700_000_000_000, 1_800_000_000_000),
    st.sampled_from([None, "", "2025-10-01T07:40:36", 0, call_rows.MAX_MS]),
    st.floats(allow_nan=False, allow_infinity=False),
)
floats = st.floats(allow_nan=False, allow_infinity=False)
scalars = st.one_of(st.none(), st.booleans(), st.integers(-(10**20), 10**20), floats, st.text())
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=6,
)


def objects(
    fields: dict[str, st.SearchStrategy[Any]], required: dict[str, st.SearchStrategy[Any]] | None = None
) -> st.SearchStrategy[dict[str, Any]]:
    """Objects with the required fields, some of the others (each from its strategy) and a few other keys, in
    any order."""
    required = required or {}
    strategies = {**fields, **required}
    names = st.lists(st.sampled_from(sorted(fields)), unique=True).map(lambda chosen: [*required, *chosen])
    others = st.dictionaries(st.text(max_size=6), values, max_size=2)

    def build(chosen: list[str]) -> st.SearchStrategy[dict[str, Any]]:
        return st.tuples(st.tuples(*(strategies[name] for name in chosen)), others, st.randoms()).map(
            lambda parts: _shuffled({**parts[1], **dict(zip(chosen, parts[0], strict=True))}, parts[2])
        )

    return names.flatmap(build)


def _shuffled(obj: dict[str, Any], rng: Any) -> dict[str, Any]:
    items = list(obj.items())
    rng.shuffle(items)
    return dict(items)


durations = st.one_of(st.integers(0, 10**9), st.none())
consulting = objects({key: times for key in (*call_rows.CONSULTING_NAIVE, "EnterTime")})
segment = objects(
    {
        **{key: times for key in call_rows.SEGMENT_NAIVE},
        "firstResponseDuration": durations,
        "interactionDuration": durations,
        "afterCallWorkDuration": durations,
        SEGMENT_BLOCK: values,
        "ConsultingAgents": st.lists(consulting | values, max_size=3) | values,
        "destinationType": st.sampled_from(["AgentSegment", "QueueEntry", "queueentry"]) | values,
        "EnterTime": times,
    }
)
queue_entry = objects(
    {
        "EnterTime": times,
        "CallbackOptedTime": times,
        "userCallbackAcceptTime": times,
        "respondingAgent": segment | values,
        "nonRespondingAgents": st.lists(segment | values, max_size=3) | values,
        "assignedAt": times,
    },
    required={"destinationType": st.just("QueueEntry")},
)
rows = objects(
    {
        "sessionStartTime": times,
        "sessionEndTime": times,
        "destinations": st.lists(queue_entry | segment | values, max_size=4) | values,
        **{key: values for key in (*V2_ONLY_KEYS, *ROW_BLOCKS_V2, "sessionId", "metaInfo")},
    }
)
views = st.builds(
    View,
    offset_minutes=st.integers(-840, 840),
    v2=st.booleans(),
    selected=st.none() | st.frozensets(st.sampled_from([*ROW_BLOCKS_V2, SEGMENT_BLOCK])),
)


def _times_in_range(row: dict[str, Any]) -> bool:
    """Whether every stored instant of the row (by the Python reference's time_slots) is one the C renderer
    renders itself."""
    return all(
        call_rows.MIN_MS <= value <= call_rows.MAX_MS
        for slot in call_rows.time_slots(row)
        if (value := call_rows.stored_ms(slot.container, slot.key)) is not None
    )


@settings(max_examples=600, deadline=None)
@given(rows, views)
def test_c_renders_stored_rows_as_python_does(row: dict[str, Any], view: View) -> None:
    text = encode_row(row)
    try:
        expected = python(text, view)
    except (OverflowError, OSError, ValueError):  # an int in a time field beyond what time.gmtime takes
        assert c_render(text, view) is None
        return
    got = c_render(text, view)
    if _times_in_range(row):
        assert got == expected
    else:
        assert got in (None, expected)
    assert render_page([text], view) == expected
    # a row the walk takes has a layout, which renders it to the same bytes; one it does not take has none
    layout = _call_rows.layout(text)
    assert (layout is None) == (got is None)
    if layout is not None:
        assert laid_render(text, view, layout) == expected
        assert render_page([(layout, text.encode())], view) == expected


@settings(max_examples=300, deadline=None)
@given(rows, views, st.sampled_from([{"indent": 1}, {"ensure_ascii": True}, {"separators": (", ", ": ")}]))
def test_other_encodings_render_as_python_does(row: dict[str, Any], view: View, options: dict[str, Any]) -> None:
    text = json.dumps(row, **options)
    try:
        expected = python(text, view)
    except (OverflowError, OSError, ValueError):
        return
    assert c_render(text, view) in (None, expected)
    assert render_page([text], view) == expected


def test_objects_of_many_keys() -> None:
    # more keys than the member stack holds before it grows (256), nested, and one repeated last
    many = {f"k{i}": {f"n{j}": j for j in range(300)} for i in range(3)}
    text = encode_row({"sessionStartTime": T, **many})
    assert c_render(text, EVERYTHING) == python(text, EVERYTHING)
    assert c_render(text[:-2] + ',"n0":1}}', EVERYTHING) is None  # a second "n0" in the last object
    assert c_render(text[:-1] + ',"k0":1}', EVERYTHING) is None  # a second "k0" at the top level


@settings(max_examples=200, deadline=None)
@given(st.lists(rows, max_size=5), views)
def test_c_renders_pages_as_python_does(page: list[dict[str, Any]], view: View) -> None:
    texts = [encode_row(row) for row in page]
    try:
        expected = b"{" + b",".join(python(text, view) for text in texts) + b"}"
    except (OverflowError, OSError, ValueError):
        return
    assert render_page(texts, view, b"{", b"}") == expected
    assert render_page([text.encode() for text in texts], view, b"{", b"}") == expected
    laid = [(_call_rows.layout(text), text.encode()) for text in texts]
    assert render_page(laid, view, b"{", b"}") == expected
