"""The `caller` fixture of the WFM route tests."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.wfm.support import Caller, make_caller


@pytest.fixture
def caller(client: TestClient, db_engine: Engine) -> Caller:
    return make_caller(client, db_engine)
