"""Reliability: idempotent writes (Idempotency-Key), backups with verified restore."""
