"""Settings are built by callers (CLI, app factory, tests), never at import time."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from pulso.errors import ConfigError

DEFAULT_DATABASE_FILE = "pulso.duckdb"
SUPPORTED_SCHEMES = ("duckdb", "postgresql", "postgresql+psycopg")


@dataclass(frozen=True)
class Settings:
    """Where the workspace lives; everything else is stored in the workspace itself."""

    database_url: str

    @classmethod
    def from_env(cls, database_url: str | None = None) -> "Settings":
        """Settings from an explicit URL, else PULSO_DATABASE_URL, else ./pulso.duckdb."""
        url = database_url or os.environ.get("PULSO_DATABASE_URL") or default_url()
        return cls(database_url=normalise_url(url))


def default_url(directory: Path | None = None) -> str:
    """The default workspace: pulso.duckdb in the current directory."""
    path = (directory or Path.cwd()) / DEFAULT_DATABASE_FILE
    return f"duckdb:///{path}"


def normalise_url(url: str) -> str:
    """Accept a bare file path or a URL; refuse engines Pulso does not support."""
    url = url.strip()
    if not url:
        raise ConfigError("the database URL is empty; give duckdb:///path/to/file.duckdb or postgresql+psycopg://...")
    if "://" not in url:
        if url.endswith(".duckdb") or "/" in url or url.endswith(".db"):
            return f"duckdb:///{Path(url).resolve()}"
        raise ConfigError(f"'{url}' is not a database URL; use duckdb:///path/file.duckdb or postgresql+psycopg://user@host/db")
    scheme = url.split("://", 1)[0]
    if scheme == "postgresql" or scheme == "postgres":
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    if scheme not in SUPPORTED_SCHEMES:
        raise ConfigError(
            f"unsupported database '{scheme}'; Pulso runs on DuckDB (duckdb:///file.duckdb) "
            "or PostgreSQL (postgresql+psycopg://user@host/db)"
        )
    return url
