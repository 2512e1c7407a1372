"""Trackers and webhooks are emulated on 127.0.0.1; what a push or a sync
records runs on both databases, as the storage tests do."""

from tests.storage.conftest import database_kind, db_file, pytest_generate_tests  # noqa: F401
