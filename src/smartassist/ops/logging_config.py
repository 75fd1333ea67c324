"""Logging for `smartassist serve`: uvicorn's own config plus our loggers, applied in every worker.

The access lines come from our request observer (JSON, route template, request id), so uvicorn's access
log — which prints the raw path and query string — is switched off by the caller.
"""

from __future__ import annotations

import copy
from typing import Any

from uvicorn.config import LOGGING_CONFIG


def server_log_config(level: str) -> dict[str, Any]:
    config: dict[str, Any] = copy.deepcopy(LOGGING_CONFIG)
    config["formatters"]["json_line"] = {"format": "%(message)s"}
    config["handlers"]["json_access"] = {
        "formatter": "json_line",
        "class": "logging.StreamHandler",
        "stream": "ext://sys.stdout",
    }
    config["loggers"]["smartassist"] = {"handlers": ["default"], "level": level.upper(), "propagate": False}
    config["loggers"]["smartassist.access"] = {"handlers": ["json_access"], "level": level.upper(), "propagate": False}
    return config
