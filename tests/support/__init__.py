"""Builders shared by every test: accounts and apps (tenants), tokens, ingest posts, error checks, rows.

One way to do each thing; tests/factories.py re-exports the common names for older imports.
"""
