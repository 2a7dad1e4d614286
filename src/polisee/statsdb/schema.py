"""DDL of the statistics store: one fact table and its dimensions.

Facts are keyed by ``(dataset, measure, region, industry, year)``; a missing
value is stored as NULL with its flag (``c`` confidential, ...), never as 0. The key
is enforced by :meth:`StatsStore.replace_facts` before it inserts (a primary-key
index would cost more than the whole parse of a large file, and facts are only ever
written a whole dataset at a time), unless the caller passes ``validated=True`` because
its reader already refused duplicate keys (the load service does).
"""

from __future__ import annotations

__all__ = ["SCHEMA_VERSION", "STATEMENTS"]

SCHEMA_VERSION = 1

STATEMENTS: tuple[str, ...] = (
    """
    CREATE TABLE IF NOT EXISTS meta (
        key VARCHAR PRIMARY KEY,
        value VARCHAR NOT NULL
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS datasets (
        dataset VARCHAR PRIMARY KEY,
        title VARCHAR NOT NULL DEFAULT '',
        source VARCHAR NOT NULL DEFAULT '',
        sha256 VARCHAR NOT NULL DEFAULT '',
        nuts_version INTEGER,
        loaded_at TIMESTAMP NOT NULL,
        version INTEGER NOT NULL DEFAULT 1,
        summary JSON
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS facts (
        dataset VARCHAR NOT NULL,
        measure VARCHAR NOT NULL,
        region VARCHAR NOT NULL,
        industry VARCHAR NOT NULL,
        year INTEGER NOT NULL,
        value DOUBLE,
        flag VARCHAR NOT NULL DEFAULT ''
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS facts_unharmonised (
        dataset VARCHAR NOT NULL,
        measure VARCHAR NOT NULL,
        region VARCHAR NOT NULL,
        industry VARCHAR NOT NULL,
        year INTEGER NOT NULL,
        value DOUBLE,
        flag VARCHAR NOT NULL DEFAULT '',
        reason VARCHAR NOT NULL
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS regions (
        code VARCHAR PRIMARY KEY,
        level INTEGER NOT NULL,
        parent VARCHAR NOT NULL DEFAULT '',
        country VARCHAR NOT NULL,
        name VARCHAR NOT NULL DEFAULT '',
        name_latin VARCHAR NOT NULL DEFAULT '',
        nuts_version INTEGER,
        extra_regio BOOLEAN NOT NULL DEFAULT FALSE
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS industries (
        code VARCHAR PRIMARY KEY,
        level INTEGER,
        parent VARCHAR NOT NULL DEFAULT '',
        section VARCHAR NOT NULL DEFAULT '',
        title VARCHAR NOT NULL DEFAULT '',
        classification VARCHAR NOT NULL DEFAULT 'NACE Rev. 2'
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS cluster_industries (
        definition VARCHAR NOT NULL,
        cluster_code VARCHAR NOT NULL,
        cluster VARCHAR NOT NULL,
        traded BOOLEAN NOT NULL,
        industry VARCHAR NOT NULL,
        weight DOUBLE NOT NULL DEFAULT 1.0,
        PRIMARY KEY (definition, cluster_code, industry)
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS loads (
        load_id INTEGER PRIMARY KEY,
        dataset VARCHAR NOT NULL,
        source VARCHAR NOT NULL,
        sha256 VARCHAR NOT NULL,
        loaded_at TIMESTAMP NOT NULL,
        summary JSON
    )
    """,
)
