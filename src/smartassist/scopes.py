"""The scopes an app can be granted."""

from typing import Literal

ANALYTICS = "SmartAssist Analytics"
INGEST = "SmartAssist Data Ingestion"
ALL_SCOPES = (ANALYTICS, INGEST)

Scope = Literal["SmartAssist Analytics", "SmartAssist Data Ingestion"]
