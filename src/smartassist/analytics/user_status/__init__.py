"""UserStatus: agents' status time per bucket (request parsing, fetch, C sweep and renderer)."""
