"""The headline: the vendor's own Call Details rows, ingested at offset -330, come back from calldetails as the same
JSON (key order included) at -330, and shifted by exactly 5 h 30 min at offset 0. Each row renders from the layout
the ingest wrote with it; without one (a row stored before revision 0014 had none) it renders the same."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from tests.analytics.conversations.support import (
    V1,
    V2,
    V2_INTERACTIONS,
    new_caller,
    prepare_samples,
    sample,
    shift_naive,
)
from tests.support.ingest import ok

V1_SAMPLE = "get-all-conversations-data-call-details-v1.json"
V2_SAMPLE = "get-all-conversations-data-call-details-v2.json"
V2_ONLY = ("Direction", "smartStatus", "reason", "errorDetails", "isVoicemail")
SELECTED = ["skills", "customerinfo", "userleveltags", "sessionleveltags"]


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


def test_v1_sample_round_trip_as_the_vendor_response(client: TestClient, db_engine: Engine) -> None:
    caller = new_caller(client)
    prepare_samples(client, db_engine, caller)
    rows = sample(V1_SAMPLE)
    # The vendor's response body as is.
    ok(caller.ingest(client, {"numResults": 14, "data": rows}), 1, 0)
    # The vendor's curl body (V2 get-all-conversations-data-call-details-v1.mdx), dates around the sample's day.
    body = {
        "startDate": "2025-10-01",
        "endDate": "2025-10-01",
        "selectedFields": SELECTED,
        "queues": [],
        "channels": [],
        "timeZoneOffset": -330,
    }
    response = caller.details(client, body, offset=0, limit=100)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    got = response.json()
    assert list(got) == ["numResults", "data"]
    assert got["numResults"] == 1
    assert _dumps(got["data"]) == _dumps(rows)

    # At offset 0 every naive time is 5 h 30 min earlier; the Z callback times are the same strings.
    response = caller.details(client, {**body, "timeZoneOffset": 0})
    shifted = response.json()["data"]
    assert _dumps(shifted) == _dumps(shift_naive(rows, timedelta(hours=-5, minutes=-30)))
    assert shifted[0]["sessionStartTime"] == "2025-10-01T02:10:36"
    entry = shifted[0]["destinations"][0]
    assert (entry["EnterTime"], entry["CallbackOptedTime"], entry["userCallbackAcceptTime"]) == (
        "2025-10-01T02:10:36",
        "2025-10-01T02:10:57.780Z",
        "2025-10-01T02:11:24.591Z",
    )
    assert entry["respondingAgent"]["acceptedTime"] == "2025-10-01T02:11:23"


@pytest.mark.parametrize("path", [V2, V2_INTERACTIONS, "/agentassist/api/public/analytics/account/{}/v2/callDetails"])
def test_v2_sample_round_trip(client: TestClient, db_engine: Engine, path: str) -> None:
    caller = new_caller(client)
    prepare_samples(client, db_engine, caller)
    rows = sample(V2_SAMPLE)
    ok(caller.ingest(client, rows, ndjson=True), 3, 0)
    body = {"startDate": "2025-09-30", "endDate": "2025-10-01", "timeZoneOffset": -330}
    response = caller.details(client, body, path=path)
    assert response.status_code == 200, response.text
    assert response.json()["numResults"] == 3
    assert _dumps(response.json()["data"]) == _dumps(rows)

    at_utc = caller.details(client, {**body, "timeZoneOffSet": 0, "timeZoneOffset": 0}, path=path).json()
    # 2025-10-01T15:30:04 at +05:30 is 10:00:04Z; the window (two UTC days) still holds all three rows.
    assert _dumps(at_utc["data"]) == _dumps(shift_naive(rows, -timedelta(hours=5, minutes=30)))
    assert at_utc["data"][2]["destinations"][1]["acceptedTime"] == "2025-10-01T10:00:45"


def test_v1_leaves_out_the_v2_keys(client: TestClient, db_engine: Engine) -> None:
    caller = new_caller(client)
    prepare_samples(client, db_engine, caller)
    rows = sample(V2_SAMPLE)
    ok(caller.ingest(client, rows), 3, 0)
    body = {"startDate": "2025-09-30", "endDate": "2025-10-01", "timeZoneOffset": -330}
    got = caller.details(client, body, path=V1).json()["data"]
    expected = [{key: value for key, value in row.items() if key not in V2_ONLY} for row in rows]
    assert _dumps(got) == _dumps(expected)
    # the bot-only row keeps its v1 keys in order
    assert list(got[0]) == [
        "sessionId",
        "channel",
        "sessionStartTime",
        "sessionEndTime",
        "botId",
        "userId",
        "channelSpecificUserId",
        "orgId",
        "disconnectingEvent",
        "finalStatus",
        "automationBotIDs",
    ]


def test_reingesting_the_samples_is_all_duplicates(client: TestClient, db_engine: Engine) -> None:
    caller = new_caller(client)
    prepare_samples(client, db_engine, caller)
    rows = sample(V2_SAMPLE) + sample(V1_SAMPLE)
    ok(caller.ingest(client, rows), 4, 0)
    ok(caller.ingest(client, rows), 0, 4)
    # the same instants written at another offset are the same rows
    ok(caller.ingest(client, shift_naive(rows, -timedelta(hours=5, minutes=30)), offset=0), 0, 4)
    # the same local times at another offset are other instants
    ok(caller.ingest(client, rows, offset=0), 4, 0)


@pytest.mark.parametrize(
    "body",
    [
        {"timeZoneOffset": -330},
        {"timeZoneOffset": 0, "selectedFields": ["skills", "customerinfo"]},
        {"timeZoneOffset": 840, "selectedFields": []},
    ],
)
def test_rows_render_the_same_from_their_layout_and_without(
    client: TestClient, db_engine: Engine, body: dict[str, object]
) -> None:
    caller = new_caller(client)
    prepare_samples(client, db_engine, caller)
    ok(caller.ingest(client, sample(V2_SAMPLE) + sample(V1_SAMPLE)), 4, 0)
    window = {"startDate": "2025-09-29", "endDate": "2025-10-03", **body}
    laid = {path: caller.details(client, window, path=path) for path in (V1, V2)}
    with db_engine.begin() as conn:
        layouts = conn.execute(
            text("SELECT row_layout FROM conversations WHERE account_id = :a"), {"a": caller.account_id}
        ).scalars()
        assert [bytes(layout)[:1] for layout in layouts] == [b"\x01"] * 4  # each written with its row (version 1)
        conn.execute(text("UPDATE conversations SET row_layout = NULL WHERE account_id = :a"), {"a": caller.account_id})
    for path, response in laid.items():
        assert response.status_code == 200 and response.json()["numResults"] == 4
        assert caller.details(client, window, path=path).content == response.content
