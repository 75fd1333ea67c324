"""Each account's data versions (data_versions), and what a worker remembers of what it read at one.

Every ingest transaction bumps its account's `data` version, and a batch of agents its `agents` version too, as
the transaction's last statement before its commit (ingest/service.py `_transaction`; `db prune` bumps `data`
when it deletes conversations). A reader that reads a version in the same statement as its rows (one
snapshot) may keep what it computed from them, and answer a later request from memory when the version it
reads then is the same: no transaction has changed the account's data in between. Reading the one row is a
primary-key probe; the statements it saves are what Queue Size and Agent Activity cost PostgreSQL most (the
queue's union of contacts and agents, ~0.2 ms of executor start-up; the join of every agent of the account;
bench/README.md).

The bump holds the account's row lock from the last statement to the commit: two batches of one account
commit one after the other, each with its own WAL flush, instead of together (a batch is ~1,000 records, so
this is one flush per batch). A write that bypasses the ingest (SQL run by hand, a bench's COPY) does not bump:
what a worker remembers lives at most MAX_AGE_S, so such a write shows within that time.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Hashable
from typing import Generic, TypeVar

from sqlalchemy import BindParameter, ColumnElement, Connection, ScalarSelect, String, bindparam, select
from sqlalchemy.orm import Session

from smartassist.contactcenter.models import DataVersion
from smartassist.db import dialect_insert
from smartassist.read_batches import coalesced

MAX_AGE_S = 10.0
MAX_ENTRIES = 4096

_account: BindParameter[str] = bindparam("account_id")
# The account's versions as a column of a reader's own statement (a scalar subquery: NULL before any ingest).
DATA = select(DataVersion.data).where(DataVersion.account_id == _account).scalar_subquery()


def agents_of(account_id: ColumnElement[str]) -> ScalarSelect[int]:
    """The agents version of the account an expression of the reader's statement names (a coalesced read's
    batch column, read_batches.py), as a column (NULL before any ingest)."""
    # correlate_except: the account expression may belong to a statement further out than the one enclosing this.
    return (
        select(DataVersion.agents)
        .where(DataVersion.account_id == account_id)
        .correlate_except(DataVersion)
        .scalar_subquery()
    )


AGENTS = agents_of(_account)
# The data version alone (no row before any ingest: version 0); coalesced (read_batches.py): Queue Size's
# remembered states read it on every request, the readers that wait together as one statement.
DATA_ONLY = coalesced(
    lambda account_id: select(DataVersion.data).where(DataVersion.account_id == account_id), (), account_id=String()
)


def bump(session: Session | Connection, account_id: str, *, agents: bool = False) -> None:
    """Count one more transaction that changed the account's data (and its agents, with `agents`); in the
    writer's transaction, as its last statement (module docstring)."""
    dialect = session.get_bind().dialect.name if isinstance(session, Session) else session.dialect.name
    table = DataVersion.__table__
    insert = dialect_insert(dialect, table).values(account_id=account_id, data=1, agents=int(agents))
    session.execute(
        insert.on_conflict_do_update(
            index_elements=["account_id"],
            set_={"data": table.c.data + 1, "agents": table.c.agents + insert.excluded.agents},
        )
    )


K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Remembered(Generic[K, V]):
    """Values a worker computed from rows read at a version, by key: at most MAX_ENTRIES (the least recently
    stored go first), each for at most MAX_AGE_S. The event loop and the thread pool (Agent Activity's long windows)
    both use one, hence the lock: an expired entry dropped by two threads at once would otherwise be a KeyError."""

    def __init__(self, max_entries: int = MAX_ENTRIES, max_age_s: float = MAX_AGE_S) -> None:
        self._entries: OrderedDict[K, tuple[int, float, V]] = OrderedDict()
        self._max_entries = max_entries
        self._max_age_s = max_age_s
        self._lock = threading.Lock()

    def recall(self, key: K) -> tuple[int, V] | None:
        """The version and value stored for `key`, unless none or too old."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            version, stored_at, value = entry
            if time.monotonic() - stored_at > self._max_age_s:
                del self._entries[key]
                return None
            return version, value

    def remember(self, key: K, version: int, value: V) -> None:
        with self._lock:
            self._entries.pop(key, None)
            self._entries[key] = (version, time.monotonic(), value)
            while len(self._entries) > self._max_entries:
                self._entries.popitem(last=False)
