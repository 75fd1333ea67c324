"""The scopes an app can be granted."""

from typing import Literal

ANALYTICS = "SmartAssist Analytics"
INGEST = "SmartAssist Data Ingestion"
WFM = "WFM Integration"
ALL_SCOPES = (ANALYTICS, INGEST, WFM)

Scope = Literal["SmartAssist Analytics", "SmartAssist Data Ingestion", "WFM Integration"]
