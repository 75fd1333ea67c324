"""smartassist-server: a self-hosted replica of the SmartAssist public analytics API."""

__version__ = "0.1.0"
