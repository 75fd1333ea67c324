"""collector_paused: off inside, back to what it was after, whatever the nesting or an exception."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from smartassist.collector import collector_paused


@pytest.fixture(autouse=True)
def _restore_collector() -> Iterator[None]:
    enabled = gc.isenabled()
    yield
    (gc.enable if enabled else gc.disable)()


def test_paused_inside_and_on_again_after() -> None:
    gc.enable()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_collector_turned_off_elsewhere_stays_off() -> None:
    gc.disable()
    with collector_paused():
        assert not gc.isenabled()
    assert not gc.isenabled()


def test_overlapping_pauses_leave_it_on() -> None:
    """Two requests' pauses (threads share the switch): the inner one ends first, then the outer."""
    gc.enable()
    outer, inner = collector_paused(), collector_paused()
    outer.__enter__()
    inner.__enter__()
    inner.__exit__(None, None, None)
    assert not gc.isenabled()  # the outer build is still running
    outer.__exit__(None, None, None)
    assert gc.isenabled()


def test_on_again_after_an_exception() -> None:
    gc.enable()
    with pytest.raises(ZeroDivisionError), collector_paused():
        _ = 1 // 0
    assert gc.isenabled()


def test_overlapping_pauses_ending_in_start_order_leave_it_on() -> None:
    gc.enable()
    first, second = collector_paused(), collector_paused()
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)
    second.__exit__(None, None, None)
    assert gc.isenabled()
