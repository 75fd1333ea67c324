"""Builders shared by every test: accounts and apps (tenants), tokens, ingest posts, error checks, rows.

One way to do each thing.
"""
