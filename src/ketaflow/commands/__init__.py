"""Subcommands of the `ketaflow` CLI; each module exposes register(subparsers)."""
