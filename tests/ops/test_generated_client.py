"""A client generated from /openapi.json by a standard generator (openapi-python-client) calls every operation.

The generated package is imported from a temporary directory and driven over the real app: every module under
its `api` package (one per operation) must be called, with the status the contract gives for a good request.
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
import typing
import uuid
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.support.tenants import ADMIN, create_account, create_app
from tests.support.tokens import token

GENERATOR = Path(sys.executable).with_name("openapi-python-client")


@pytest.fixture
def generated(client: TestClient, tmp_path: Path) -> Iterator[ModuleType]:
    (tmp_path / "openapi.json").write_text(json.dumps(client.get("/openapi.json").json()))
    package = f"sa_client_{uuid.uuid4().hex[:8]}"
    result = subprocess.run(
        [str(GENERATOR), "generate", "--path", "openapi.json", "--meta", "none", "--output-path", package],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    # The one warning allowed: NDJSON request bodies are beyond the generator (the JSON form is generated).
    output = result.stdout + result.stderr
    warnings = [line for line in output.splitlines() if line.startswith("WARNING")]
    assert len(warnings) == 7 and all(line.startswith("WARNING parsing ") for line in warnings), output
    assert output.count("Unsupported content type application/x-ndjson") == 7, output
    assert "Path parameters do not match" not in output, output
    sys.path.insert(0, str(tmp_path))
    try:
        yield importlib.import_module(package)
    finally:
        sys.path.remove(str(tmp_path))
        for name in [m for m in sys.modules if m == package or m.startswith(package + ".")]:
            del sys.modules[name]


def _operations(package: ModuleType) -> dict[str, ModuleType]:
    """Every generated operation module, by its name (the operation id in snake case)."""
    api = Path(package.__file__ or "").parent / "api"
    names = {f"{path.parent.name}.{path.stem}" for path in api.glob("*/*.py") if path.stem != "__init__"}
    return {name.split(".")[1]: importlib.import_module(f"{package.__name__}.api.{name}") for name in names}


def _body(operation: ModuleType, data: Any) -> Any:
    """`data` as the generated model the operation's `body` argument is typed with (or a list of them)."""
    hint = typing.get_type_hints(operation.sync_detailed)["body"]
    options = typing.get_args(hint) if typing.get_origin(hint) is not list else ()
    lists = [arg for arg in options or (hint,) if typing.get_origin(arg) is list]
    if isinstance(data, list) and lists:  # a list body, alone or one form of a union (records or {"rows": ...})
        model = typing.get_args(lists[0])[0]
        return [model.from_dict(item) for item in data]
    [model] = [arg for arg in options or (hint,) if hasattr(arg, "from_dict")]
    return model.from_dict(data)


def test_every_operation_through_the_generated_client(client: TestClient, app: FastAPI, generated: ModuleType) -> None:
    operations = _operations(generated)
    called: set[str] = set()
    account = create_account(client)
    owner = create_app(client, account)
    as_admin = generated.Client(base_url="http://testserver").set_httpx_client(TestClient(app, headers=ADMIN))
    as_app = generated.Client(base_url="http://testserver").set_httpx_client(
        TestClient(app, headers={"auth": token(owner)})
    )

    def call(name: str, expected: int, caller: Any, *args: Any, body: Any = None, **kwargs: Any) -> Any:
        """Call the operation named `name` (or the one whose name starts `name_`); assert its status; return the
        body (JSON parsed)."""
        matches = [n for n in operations if n.startswith(name + "_")]
        [full] = [name] if name in operations else matches
        operation = operations[full]
        if body is not None:
            kwargs["body"] = _body(operation, body)
        response = operation.sync_detailed(*args, client=caller, **kwargs)
        assert response.status_code == expected, (full, response.status_code, response.content)
        called.add(full)
        if response.headers.get("content-type", "").startswith("application/json"):
            return json.loads(response.content)
        return response.content.decode()

    # operations
    call("healthz", 200, as_admin)
    call("readyz", 200, as_admin)
    assert "smartassist_http_requests_total" in call("metrics_endpoint", 200, as_admin)
    # admin
    created = call("create_account", 201, as_admin, body={"name": "Generated"})
    assert call("get_account", 200, as_admin, created["accountId"])["name"] == "Generated"
    assert created["accountId"] in [a["accountId"] for a in call("list_accounts", 200, as_admin)]
    assert "SmartAssist Analytics" in json.dumps(call("list_scopes", 200, as_admin))
    new_app = call("post_app", 201, as_admin, account, body={"name": "gen", "scopes": ["SmartAssist Analytics"]})
    client_id = new_app["clientId"]
    assert client_id in [a["clientId"] for a in call("list_apps", 200, as_admin, account)]
    assert call("get_app", 200, as_admin, account, client_id)["clientId"] == client_id
    assert call("update_app", 200, as_admin, account, client_id, body={"enforceJti": True})["enforceJti"] is True
    assert call("view_credentials", 200, as_admin, account, client_id)["clientSecret"] == new_app["clientSecret"]
    rotated = call("rotate_secret", 200, as_admin, account, client_id, body={"graceSeconds": 0})
    assert rotated["clientSecret"] != new_app["clientSecret"]
    call("delete_app", 204, as_admin, account, client_id, confirm="DELETE")
    assert call("list_audit", 200, as_admin, account)
    # ingest, with the app's token (the admin token works as well; tested elsewhere)
    queue = {"queueId": "qu-gen", "name": "Gen", "skills": [{"skillId": "sk-1", "skillName": "Sales"}]}
    assert call("put_queues", 200, as_app, account, body=[queue]) == {"accepted": 1, "duplicates": 0}
    agent = {"userId": "u-gen", "email": "gen@example.com", "firstName": "G", "lastName": "En", "queues": ["qu-gen"]}
    assert call("put_agents", 200, as_app, account, body=[agent]) == {"accepted": 1, "duplicates": 0}
    login = {"eventId": "l1", "agent": "u-gen", "type": "entry", "at": "2022-08-25T09:59:00Z", "ip": "10.0.0.1"}
    assert call("post_login_events", 200, as_app, account, body=[login]) == {"accepted": 1, "duplicates": 0}
    session = {
        "sessionId": "s-gen",
        "userId": "caller",
        "intent": ["Book"],
        "ANI": "1",
        "DNI": "2",
        "channel": "rtm",
        "startTime": "2022-08-25T10:00:00.000Z",
        "endTime": "2022-08-25T10:01:00.000Z",
        "status": "completed",
        "timeHandled": 60,
    }
    assert call("post_sessions", 200, as_app, account, "bot-gen", body=[session]) == {"accepted": 1, "duplicates": 0}
    events = [
        {"eventId": "e1", "agent": "u-gen", "status": "Available", "timestamp": "2022-08-25T10:00:00Z"},
        {"eventId": "e2", "agent": "u-gen", "status": "Offline", "timestamp": "2022-08-25T11:00:00Z"},
    ]
    assert call("post_status_events", 200, as_app, account, body=events) == {"accepted": 2, "duplicates": 0}
    spans = [{"interactionId": "i1", "agent": "u-gen", "startTime": "2022-08-25T10:00:00Z", "endTime": None}]
    assert call("post_interactions", 200, as_app, account, body=spans) == {"accepted": 1, "duplicates": 0}
    # analytics
    [item] = call("intent_realtime_data", 200, as_app, "bot-gen")
    assert item["sessionId"] == "s-gen" and item["timeHandled"] == "1m:0s"
    assert call("get_intent_realtime_data", 200, as_app, "bot-gen") == [item]
    query = {"filter": {"dateFilter": {"startDate": "2022-08-25", "endDate": "2022-08-25"}}, "granularity": "PT24H"}
    page = call("user_status_v1_1", 200, as_app, account, body=query, limit=10)
    assert [row["email"] for row in page["data"]] == ["gen@example.com"] and page["limit"] == 10
    assert call("user_status", 200, as_app, account, body=query, limit=10) == page
    conversation = {
        "conversationId": "c-gen",
        "sessionId": "s-gen2",
        "channel": "rtm",
        "botId": "bot-gen",
        "sessionStartTime": "2022-08-25T10:00:00",
        "destinations": [{"destinationType": "QueueEntry", "queueId": "qu-gen", "EnterTime": "2022-08-25T10:00:05"}],
    }
    stored = call("post_conversations", 200, as_app, account, body=[conversation], time_zone_offset=0)
    assert stored == {"accepted": 1, "duplicates": 0}
    window = {"startDate": "2022-08-25", "endDate": "2022-08-25"}
    assert call("call_details_v1", 200, as_app, account, body=window)["numResults"] == 1
    assert call("call_details_v2", 200, as_app, account, body=window)["numResults"] == 1
    assert call("interaction_details_v2", 200, as_app, account, body=window)["numResults"] == 1
    [stats] = call("queue_stats_by_id", 200, as_app, "bot-gen", "qu-gen", body={"channels": ["rtm"]})
    # c-gen still waits in qu-gen, where it entered on 2022-08-25
    assert (stats["queueName"], stats["skills"], stats["noOfAgents"]) == ("Gen", queue["skills"], 1)
    assert (stats["waiting"], stats["engaged"], stats["dropOff"]) == (1, 0, 0)
    [again] = call("queue_stats_by_id_slash", 200, as_app, "bot-gen", "qu-gen")
    assert {**again, "queueSummary": None} == {**stats, "queueSummary": None}  # the waits grow with the clock
    day = {"filter": {"dateFilter": {"date": "2022-08-25", "timeZoneOffSet": 0}}}
    for name in ("agent_status_details", "agent_status_details_v2", "agent_status_details_v3"):
        assert [row["email"] for row in call(name, 200, as_app, account, body=day)["data"]] == ["gen@example.com"]
    # WFM Integration
    as_wfm = generated.Client(base_url="http://testserver").set_httpx_client(
        TestClient(app, headers={"auth": token(create_app(client, account, scopes=["WFM Integration"]))})
    )
    [wfm_agent] = call("wfm_agents", 200, as_wfm, account)
    assert [q["collectionPointId"] for q in call("wfm_queues", 200, as_wfm, account)] == ["qu-gen"]
    since = {"from_time_stamp": "2022-08-25T09:00:00Z", "to_time_stamp": "2022-08-25T12:00:00Z"}
    activity = call("wfm_agent_activity", 200, as_wfm, account, **since)["AgentUpdates"]
    assert [e["Activity"] for e in activity] == ["ready", "loggedout"]
    assert {e["AgentId"] for e in activity} == {wfm_agent["agentId"]}
    window = {"fromTimeStamp": "2022-08-25T00:00:00Z", "toTimeStamp": "2022-08-26T00:00:00Z"}
    volume = call("wfm_call_volume", 200, as_wfm, account, body={"orgId": "o-gen", **window})
    [record] = volume["CallVolumeUpdate"]
    assert (record["queueId"], record["source"], record["offeredContacts"], record["iId"]) == (
        "qu-gen",
        "rtm",
        1,
        "bot-gen",
    )
    performance = call("wfm_agent_performance", 200, as_wfm, account, body=window)
    assert performance == {"hasMore": False, "totalCount": 0, "AgentPerformance": []}

    assert called == set(operations), set(operations) - called
    assert len(called) == 39
