"""How long idempotency keys are kept (clinic policy; no Django import, so the CLI can read it before setup).

A key must outlive every retry of its write: tablets retry for minutes, a re-login takes longer. Keys
younger than MIN_RETENTION_H are never pruned, whatever the caller asks.
"""

MIN_RETENTION_H = 24
DEFAULT_RETENTION_H = 7 * 24
PRUNE_BATCH = 500
