"""The database for a script run, migrated once per server process, and instance settings."""

from __future__ import annotations

import os

import streamlit as st

from canvas.settings import Settings
from storage.db import Database, connect, database_target, hold_open
from storage.migrations import migrate


@st.cache_resource
def _migrated(target: str):
    # Once per server process and database, not once per rerun; on SQLite the
    # connection held open keeps pages readable when the disk is full.
    migrate(target)
    return hold_open(target)


def database() -> Database:
    """A connection for this script run (never shared across Streamlit's threads)."""
    target = database_target()
    _migrated(target)
    return connect(target)


def settings() -> Settings:
    return Settings.from_env(os.environ)
