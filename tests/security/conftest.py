"""Fixtures of the attack tests (defined beside the helpers that use them)."""

from tests.security._user_bench import user_workdir  # noqa: F401
