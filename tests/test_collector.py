"""collector_paused: off inside, back to what it was after, whatever the nesting or an exception."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

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


_PROBE = """
import gc, sys
from fastapi.testclient import TestClient
from smartassist import app as app_module
from smartassist.migrate import upgrade
from smartassist.config import Settings
upgrade(Settings().resolved_database_url())
made = getattr(app_module, sys.argv[1])()
before = gc.get_freeze_count()
with TestClient(made):
    print(before, gc.get_freeze_count())
"""


@pytest.mark.parametrize(("factory", "frozen"), [("serve_app", True), ("create_app", False)])
def test_only_a_served_app_freezes_its_startup_heap(tmp_path: Path, factory: str, frozen: bool) -> None:
    env = {
        **{key: value for key, value in os.environ.items() if not key.startswith("SMARTASSIST_")},
        "SMARTASSIST_DATABASE_URL": f"sqlite:///{tmp_path / 'probe.db'}",
        "SMARTASSIST_ADMIN_TOKEN": "a" * 32,
        "SMARTASSIST_SECRET_KEY": "k" * 43,
        "SMARTASSIST_DATA_DIR": str(tmp_path),
    }
    run = subprocess.run([sys.executable, "-c", _PROBE, factory], env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]
    before, during = map(int, run.stdout.split())
    assert before == 0
    assert (during > 10_000) is frozen, during  # the whole startup heap, tens of thousands of objects, or nothing
