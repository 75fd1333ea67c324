"""The simulated contact center behind `smartassist simulate` and `smartassist demo`.

world.py (who and what exists), model.py (the pure discrete-event day), render.py (facts to the ingest
record shapes at a cut-off time), writer.py (batches through the ingest routes), run.py (backfill and live).
"""
