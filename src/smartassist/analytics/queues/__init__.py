"""Queue Size: live statistics of one queue (waiting, engaged, drop-offs, agents by status, waits)."""
