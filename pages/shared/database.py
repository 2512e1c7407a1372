"""The database for a script run, migrated once per server process, and instance settings."""

from __future__ import annotations

import os

import streamlit as st

from canvas.settings import Settings
from storage.db import Database, connect, db_path, hold_open
from storage.migrations import migrate


@st.cache_resource
def _migrated(path: str):
    # Once per server process and database file, not once per rerun; the
    # connection held open keeps pages readable when the disk is full.
    migrate(path)
    return hold_open(path)


def database() -> Database:
    """A connection for this script run (never shared across Streamlit's threads)."""
    path = str(db_path())
    _migrated(path)
    return connect(path)


def settings() -> Settings:
    return Settings.from_env(os.environ)
