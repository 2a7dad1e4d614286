"""Settings, read from the environment (prefix ``POLISEE_``) by entry points only.

Library code never reads settings itself: the CLI and the web app build one
:class:`Settings` and pass the parts each layer needs.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Settings", "default_data_dir"]

_REPO_ROOT = Path(__file__).resolve().parents[2]


def default_data_dir() -> Path:
    """``../shared/data`` beside the working directory or the checkout, else ``./data``."""
    for base in (Path.cwd(), _REPO_ROOT):
        candidate = (base / ".." / "shared" / "data").resolve()
        if candidate.is_dir():
            return candidate
    return (Path.cwd() / "data").resolve()


class Settings(BaseSettings):
    """Where polisee reads its inputs and keeps its stores."""

    model_config = SettingsConfigDict(env_prefix="POLISEE_", extra="ignore")

    data_dir: Path = Field(default_factory=default_data_dir)
    var_dir: Path = Path("var")
    database_url: str = ""
    max_input_bytes: int = 1 << 30
    max_upload_bytes: int = 5 * 1024 * 1024
    secret_key: str = ""
    # Semantic search with the offline sentence-embedding model when the `semantic` extra is
    # installed; POLISEE_SEMANTIC=0 keeps full-text ranking only (as without the extra).
    semantic: bool = True

    @model_validator(mode="after")
    def _fill_defaults(self) -> Settings:
        self.var_dir = self.var_dir.resolve()
        if not self.database_url:
            self.database_url = f"sqlite:///{self.var_dir / 'records.sqlite3'}"
        return self

    @property
    def uploads_dir(self) -> Path:
        """Where uploaded attachments are kept, under random names."""
        return self.var_dir / "uploads"

    @property
    def stats_path(self) -> Path:
        """The DuckDB statistics store."""
        return self.var_dir / "stats.duckdb"
