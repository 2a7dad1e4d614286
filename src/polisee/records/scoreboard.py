"""The scoreboard aggregate: named weight scenarios saved by analysts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, CheckConstraint, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from polisee.records.base import Base, UTCDateTime, utcnow

__all__ = ["AGGREGATIONS", "ScoreboardScenario"]

AGGREGATIONS = ("arithmetic", "geometric")


class ScoreboardScenario(Base):
    """Indicator weights and an aggregation under a name; anyone may read, the owner edits.

    ``weights`` maps indicator keys to weights from 0 to 100 (indicators left out weigh 1,
    as in the default scenario); ``demo`` marks scenarios loaded with the demo.
    """

    __tablename__ = "scoreboard_scenarios"
    __table_args__ = (
        CheckConstraint("aggregation IN ('arithmetic', 'geometric')", name="aggregation"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    weights: Mapped[dict[str, float]] = mapped_column(JSON)
    aggregation: Mapped[str] = mapped_column(String(16), default="arithmetic")
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None, index=True
    )
    demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
