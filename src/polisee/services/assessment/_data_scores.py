"""Self-scores beside data scores: each theme's self-assessed median next to the region's
score and rank on the six-theme scoreboard, with a plain reading of the difference."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from polisee.services.scoreboard import ThemeScore

__all__ = ["AGREEMENT_MARGIN", "ThemeComparison", "compare_with_data"]

AGREEMENT_MARGIN = 0.25
"""Self-score and data agree when their positions on a 0-1 scale differ by at most this."""

Verdict = Literal["higher", "lower", "in_line", "no_data"]


@dataclass(frozen=True)
class ThemeComparison:
    """One theme: the self-assessed median and what the data say.

    ``self_position`` is the median over the scale's top (4 of 5 -> 0.8); ``data_position``
    is the region's place among the ranked regions (rank 1 of 101 -> 1.0, rank 101 -> 0.0).
    """

    theme_key: str
    self_median: float | None
    max_score: float
    data_score: float | None
    rank: int | None
    of: int
    self_position: float | None
    data_position: float | None
    verdict: Verdict


def compare_with_data(
    medians: Mapping[str, float | None], max_score: float, scores: Sequence[ThemeScore]
) -> list[ThemeComparison]:
    """Compare each theme's self-assessed median with its scoreboard rank.

    The self-score is ``"higher"`` than the data when its position exceeds the data's by
    more than :data:`AGREEMENT_MARGIN`, ``"lower"`` when it falls short by more, else
    ``"in_line"``; ``"no_data"`` when either side is missing.

    >>> from polisee.services.evidence import Reading
    >>> s = ThemeScore("innovation", "Innovation", 40.0, 76, 101, 1.0, (), 75.0, 60.0, 90.0,
    ...                True, Reading("x"))
    >>> [c.verdict for c in compare_with_data({"innovation": 4.5}, 5, [s])]
    ['higher']
    >>> round(compare_with_data({"innovation": 2}, 5, [s])[0].data_position, 2)
    0.25
    """
    out = []
    by_key = {s.theme: s for s in scores}
    for key, median in medians.items():
        score = by_key.get(key)
        self_position = None if median is None else median / max_score
        data_position = None
        if score is not None and score.rank is not None and score.of > 1:
            data_position = 1.0 - (score.rank - 1) / (score.of - 1)
        verdict: Verdict
        if self_position is None or data_position is None:
            verdict = "no_data"
        elif self_position - data_position > AGREEMENT_MARGIN:
            verdict = "higher"
        elif data_position - self_position > AGREEMENT_MARGIN:
            verdict = "lower"
        else:
            verdict = "in_line"
        out.append(
            ThemeComparison(
                theme_key=key,
                self_median=median,
                max_score=max_score,
                data_score=None if score is None else score.score,
                rank=None if score is None else score.rank,
                of=0 if score is None else score.of,
                self_position=self_position,
                data_position=data_position,
                verdict=verdict,
            )
        )
    return out
