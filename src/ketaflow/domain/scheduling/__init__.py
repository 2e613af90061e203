"""Chair scheduling: propose a series, check a booking or move, re-check a series, day view.

Opening hours are local wall-clock times in the clinic's zone; everything returned is UTC-aware.
Intervals are measured in elapsed time, so a DST night really is 23 or 25 hours long.
"""
