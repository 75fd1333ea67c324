"""Odd input that used to pass validation and reach the database (or a 500): whole-string identifier matching,
email keys by NFKC + casefold, lengths checked after normalisation, bounded lists, the record cap."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from smartassist.ids import is_account_id, is_caller_id, normalize_email
from smartassist.ingest.parsing import count_array_records
from tests.support.errors import error
from tests.support.ingest import agent, counts, event, ok, post, session
from tests.support.tenants import ADMIN, create_account

KELVIN = "\u212a"  # KELVIN SIGN: NFKC makes it a plain K


def _agents(engine: Engine) -> list[tuple[str, str, str]]:
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT email, email_norm, user_id FROM agents ORDER BY id")).all()
    return [(str(r[0]), str(r[1]), str(r[2])) for r in rows]


def test_ids_are_matched_whole() -> None:
    assert is_caller_id("a" * 128) and not is_caller_id("a" * 128 + "\n") and not is_caller_id("a\n")
    assert is_account_id("0" * 24) and not is_account_id("0" * 24 + "\n")


def test_email_key() -> None:
    assert normalize_email(f"{KELVIN}ate@x.io") == normalize_email("kate@x.io") == "kate@x.io"
    assert normalize_email("STRASSE@x.io") == normalize_email("straße@x.io") == "strasse@x.io"
    assert len(normalize_email("İ" * 161 + "@x.io")) > 320


@pytest.mark.parametrize("field", ["sessionId", "userId"])
def test_a_final_newline_in_a_body_id_is_400(client: TestClient, db_engine: Engine, field: str) -> None:
    account = create_account(client)
    error(post(client, account, "bots/st-1/sessions", [session(1, **{field: "a" * 127 + "\n"})]), 400, "record 0")
    assert counts(db_engine)["bot_sessions"] == 0


def test_kelvin_sign_names_the_same_agent_and_the_update_is_reported(client: TestClient, db_engine: Engine) -> None:
    account = create_account(client)
    ok(post(client, account, "agents", [agent(1, email="kate@x.io")]), 1, 0)
    user_id = _agents(db_engine)[0][2]
    ok(post(client, account, "agents", [agent(1, email=f"{KELVIN}ate@x.io")]), 1, 0)  # accepted: an update
    assert _agents(db_engine) == [(f"{KELVIN}ate@x.io", "kate@x.io", user_id)]
    ok(post(client, account, "agents", [agent(1, email=f"{KELVIN}ate@x.io")]), 0, 1)
    ok(post(client, account, "agent-status-events", [event(1, agent_ref="KATE@X.IO")]), 1, 0)


def test_sharp_s_folds_to_ss(client: TestClient, db_engine: Engine) -> None:
    account = create_account(client)
    ok(post(client, account, "agents", [agent(1, email="straße@x.io"), agent(1, email="STRASSE@x.io")]), 2, 0)
    assert [row[:2] for row in _agents(db_engine)] == [("STRASSE@x.io", "strasse@x.io")]
    ok(post(client, account, "agent-status-events", [event(1, agent_ref="Straße@X.io")]), 1, 0)


def test_an_email_longer_than_its_column_once_folded_is_400(client: TestClient, db_engine: Engine) -> None:
    account = create_account(client)
    email = "İ" * 161 + "@x.io"  # 166 characters; lower-cased or folded, over 320
    msg = error(post(client, account, "agents", [agent(1, email=email)]), 400, "record 0: email: ")
    assert "case-folded" in msg
    assert counts(db_engine)["agents"] == 0


def test_intent_lists_are_bounded(client: TestClient, db_engine: Engine) -> None:
    account = create_account(client)
    error(post(client, account, "bots/st-1/sessions", [session(1, intent=["x"] * 101)]), 400, "record 0: intent")
    error(post(client, account, "bots/st-1/sessions", [session(1, intent=["x" * 501])]), 400, "record 0: intent")
    ok(post(client, account, "bots/st-1/sessions", [session(1, intent=["x" * 500] * 100)]), 1, 0)


def test_record_count_is_exact_for_batches_and_an_upper_bound_otherwise() -> None:
    records = [session(n, intent=["a,b", "c]"], ANI='{"x":[1,2]}') for n in range(7)]
    assert count_array_records(json.dumps(records).encode()) == 7
    assert count_array_records(b"[1,2,3]") == 3
    assert count_array_records(b'[[[[1,2]]],"a,b"]') >= 2


def test_the_record_cap_comes_before_records_are_built(client: TestClient) -> None:
    account = create_account(client)
    body = b"[" + b"{}," * 10_000 + b"{}]"
    response = client.put(
        f"/ingest/accounts/{account}/agents", content=body, headers={"Content-Type": "application/json", **ADMIN}
    )
    error(response, 413, "a batch holds at most 10000 records")
