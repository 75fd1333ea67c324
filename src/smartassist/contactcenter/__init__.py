"""Contact-center data that ingest writes and the analytics read: tables and typed row access."""
