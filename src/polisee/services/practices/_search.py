"""Finding practices: ranked full-text search on either database, semantic search when the
``semantic`` extra is installed, and facet counts.

The query language is the web-search one: words (each matches as a prefix, so "cluster"
finds "clusters"), ``"quoted phrases"``, ``-excluded`` words and ``OR`` between two terms;
all other terms must all match. One parsed query is rendered for SQLite FTS5 (ranked by
``bm25`` with the title weighted 2.5 to the body's 1) or for PostgreSQL ``to_tsquery``
(ranked by ``ts_rank`` with title weight A = 1.0 and body weight B = 0.4), so both
databases find the same practices in the same order on clear-cut cases.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from sqlalchemy import select, text
from sqlalchemy.orm import Session, selectinload

from polisee.errors import InputError
from polisee.records.base import utcnow
from polisee.records.practices import (
    PG_SEARCH_VECTOR,
    SQLITE_SEARCH_TABLE,
    Practice,
    PracticeState,
)
from polisee.services.permissions import Permission
from polisee.services.practices._model import countries_of, words
from polisee.services.practices._semantic import Encoder, semantic_scores
from polisee.services.sessions import Principal

__all__ = [
    "FACETS",
    "FacetValue",
    "ParsedQuery",
    "PracticeHit",
    "SearchResult",
    "Term",
    "fts5_expression",
    "fulltext_ranks",
    "parse_query",
    "period_buckets",
    "search_practices",
    "tsquery_expression",
]

FACETS = ("theme", "instrument", "country", "period")
Scope = Literal["published", "mine", "review"]
Mode = Literal["fulltext", "semantic"]
PER_PAGE = 20
SEMANTIC_FLOOR = 0.2
_MAX_TERMS = 24


@dataclass(frozen=True)
class Term:
    """One query term: a word (matched as a prefix) or a phrase of consecutive words."""

    words: tuple[str, ...]
    prefix: bool = False


@dataclass(frozen=True)
class ParsedQuery:
    """Groups that must all match (each group: any of its terms) and excluded terms."""

    groups: tuple[tuple[Term, ...], ...] = ()
    excluded: tuple[Term, ...] = ()

    @property
    def empty(self) -> bool:
        """True when nothing positive is asked for (then every practice matches)."""
        return not self.groups


def _tokens(query: str) -> list[tuple[str, bool]]:
    """(raw token, quoted) pairs; an unbalanced quote runs to the end."""
    out: list[tuple[str, bool]] = []
    parts = query.split('"')
    for index, part in enumerate(parts):
        if index % 2:
            if part.strip():
                out.append((part, True))
        else:
            out.extend((raw, False) for raw in part.split())
    return out


def parse_query(query: str, *, any_term: bool = False) -> ParsedQuery:
    """Parse the web-search syntax; ``any_term`` ORs every term (used for keyword matching).

    >>> parse_query('cluster -wine "smart specialisation" OR s3').groups[1]
    (Term(words=('smart', 'specialisation'), prefix=False), Term(words=('s3',), prefix=True))
    >>> parse_query('cluster -wine').excluded
    (Term(words=('wine',), prefix=False),)
    """
    groups: list[list[Term]] = []
    excluded: list[Term] = []
    join_next = False
    for raw, quoted in _tokens(query):
        if not quoted and raw == "OR":
            join_next = bool(groups)
            continue
        negated = not quoted and raw.startswith("-") and len(raw) > 1
        found = words(raw[1:] if negated else raw)
        if not found:
            continue
        term = Term(tuple(found), prefix=len(found) == 1 and not quoted and not negated)
        if negated:
            excluded.append(term)
        elif any_term and groups:
            groups[0].append(term)
        elif join_next:
            groups[-1].append(term)
        else:
            groups.append([term])
        join_next = False
    if sum(len(g) for g in groups) + len(excluded) > _MAX_TERMS:
        raise InputError(f"expected at most {_MAX_TERMS} search terms", field="q")
    return ParsedQuery(tuple(tuple(g) for g in groups), tuple(excluded))


def _fts5_term(term: Term) -> str:
    # Words hold letters and digits only, so quoting cannot be broken out of.
    quoted = '"' + " ".join(term.words) + '"'
    return quoted + "*" if term.prefix else quoted


def fts5_expression(parsed: ParsedQuery) -> str:
    """The FTS5 MATCH expression.

    >>> fts5_expression(parse_query('cluster OR pole "green tech" -wine'))
    '("cluster"* OR "pole"*) AND ("green tech") NOT ("wine")'
    """
    positive = " AND ".join(
        "(" + " OR ".join(_fts5_term(t) for t in group) + ")" for group in parsed.groups
    )
    if parsed.excluded:
        positive += " NOT (" + " OR ".join(_fts5_term(t) for t in parsed.excluded) + ")"
    return positive


def _ts_term(term: Term) -> str:
    parts = [f"'{w}'" for w in term.words]
    if term.prefix:
        return parts[0] + ":*"
    return "(" + " <-> ".join(parts) + ")" if len(parts) > 1 else parts[0]


def tsquery_expression(parsed: ParsedQuery) -> str:
    """The PostgreSQL ``to_tsquery`` text.

    >>> tsquery_expression(parse_query('cluster OR pole "green tech" -wine'))
    "('cluster':* | 'pole':*) & (('green' <-> 'tech')) & !('wine')"
    """
    parts = ["(" + " | ".join(_ts_term(t) for t in group) + ")" for group in parsed.groups]
    if parsed.excluded:
        parts.append("!(" + " | ".join(_ts_term(t) for t in parsed.excluded) + ")")
    return " & ".join(parts)


def fulltext_ranks(session: Session, parsed: ParsedQuery) -> dict[int, float]:
    """Practice id -> relevance (higher is better) of every practice the query matches."""
    if parsed.empty:
        return {}
    if session.get_bind().dialect.name == "sqlite":
        rows = session.execute(
            text(
                f"SELECT rowid, -bm25({SQLITE_SEARCH_TABLE}, 2.5, 1.0) FROM {SQLITE_SEARCH_TABLE} "
                f"WHERE {SQLITE_SEARCH_TABLE} MATCH :q"
            ),
            {"q": fts5_expression(parsed)},
        )
    else:
        rows = session.execute(
            text(
                f"SELECT id, ts_rank({PG_SEARCH_VECTOR}, to_tsquery('simple', :q)) "
                f"FROM practices WHERE {PG_SEARCH_VECTOR} @@ to_tsquery('simple', :q)"
            ),
            {"q": tsquery_expression(parsed)},
        )
    return {int(row[0]): float(row[1]) for row in rows}


def period_buckets(start: int | None, end: int | None, *, now: int | None = None) -> list[str]:
    """The decades (``"2010"`` for 2010-2019) a period overlaps; an open end runs to ``now``.

    >>> period_buckets(2008, 2021)
    ['2000', '2010', '2020']
    >>> period_buckets(None, 2020)
    []
    """
    if start is None:
        return []
    last = end if end is not None else (now or utcnow().year)
    return [str(decade) for decade in range(start // 10 * 10, max(last, start) + 1, 10)]


@dataclass(frozen=True)
class FacetValue:
    """One value of a facet, how many hits have it (given the other facets), and if chosen."""

    value: str
    count: int
    selected: bool


@dataclass(frozen=True)
class PracticeHit:
    """A practice in a result list; ``relevance`` is None when no query ranked it."""

    id: int
    title: str
    summary: str
    instrument: str
    state: str
    demo: bool
    themes: tuple[str, ...]
    regions: tuple[str, ...]
    countries: tuple[str, ...]
    period_start: int | None
    period_end: int | None
    relevance: float | None
    relevance_share: float | None


@dataclass(frozen=True)
class SearchResult:
    """One page of hits, the facet counts, and which search ran (``mode``)."""

    query: str
    mode: str
    semantic_available: bool
    hits: list[PracticeHit]
    total: int
    page: int
    per_page: int
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)

    @property
    def pages(self) -> int:
        """How many pages there are (at least one)."""
        return max(1, math.ceil(self.total / self.per_page))


def _visible(principal: Principal, scope: Scope) -> list[object]:
    if scope == "mine":
        if principal.user_id is None:
            return [Practice.id.is_(None)]
        return [Practice.author_id == principal.user_id]
    if scope == "review":
        if Permission.PRACTICE_VALIDATE not in principal.permissions:
            return [Practice.id.is_(None)]
        return [Practice.state.in_([PracticeState.SUBMITTED, PracticeState.REVIEWED])]
    if Permission.PRACTICE_READ not in principal.permissions:
        return [Practice.id.is_(None)]
    return [Practice.state == PracticeState.PUBLISHED]


def _facet_values(practice: Practice) -> dict[str, set[str]]:
    regions = [r.region_code for r in practice.regions]
    return {
        "theme": {t.theme for t in practice.themes},
        "instrument": {practice.instrument.value},
        "country": set(countries_of(regions)),
        "period": set(period_buckets(practice.period_start, practice.period_end)),
    }


def _matches(values: dict[str, set[str]], chosen: Mapping[str, set[str]], skip: str = "") -> bool:
    return all(not want or values[name] & want for name, want in chosen.items() if name != skip)


def search_practices(
    session: Session,
    query: str,
    facets: Mapping[str, Iterable[str]] | None = None,
    page: int = 1,
    *,
    principal: Principal,
    scope: Scope = "published",
    mode: Mode = "fulltext",
    encoder: Encoder | None = None,
    per_page: int = PER_PAGE,
) -> SearchResult:
    """Practices the principal may see that match ``query`` and the chosen facet values.

    ``scope`` is ``"published"`` (everyone), ``"mine"`` (the principal's own, any state) or
    ``"review"`` (submitted and reviewed ones, for validators). With a query, hits are
    ranked by relevance; ``relevance_share`` is each relevance over the best one. ``mode``
    ``"semantic"`` ranks by cosine similarity of sentence embeddings when an ``encoder`` is
    given and falls back to full text otherwise; ``SearchResult.mode`` says which ran.
    Facets combine with AND across facets and OR within one; each facet's counts apply
    every other facet's choice, so choosing a value never hides the alternatives.
    """
    chosen = {name: set((facets or {}).get(name, ())) - {""} for name in FACETS}
    if page < 1:
        raise InputError(f"expected a page number from 1, got {page}", field="page")
    candidates = list(
        session.scalars(
            select(Practice)
            .where(*_visible(principal, scope))  # type: ignore[arg-type]
            .options(selectinload(Practice.themes), selectinload(Practice.regions))
            .order_by(Practice.published_at.desc(), Practice.id.desc())
        )
    )
    ran: str = "all"
    ranks: dict[int, float] | None = None
    if query.strip():
        if mode == "semantic" and encoder is not None:
            scores = semantic_scores(session, encoder, query, [p.id for p in candidates])
            ranks = {pid: s for pid, s in scores.items() if s >= SEMANTIC_FLOOR}
            ran = "semantic"
        else:
            ranks = fulltext_ranks(session, parse_query(query))
            ran = "fulltext"
        candidates = [p for p in candidates if p.id in ranks]
        candidates.sort(key=lambda p: (-ranks[p.id], p.id) if ranks else p.id)
    values = {p.id: _facet_values(p) for p in candidates}
    facet_counts: dict[str, list[FacetValue]] = {}
    for name in FACETS:
        counts: dict[str, int] = {}
        for practice in candidates:
            if _matches(values[practice.id], chosen, skip=name):
                for value in values[practice.id][name]:
                    counts[value] = counts.get(value, 0) + 1
        for value in chosen[name]:
            counts.setdefault(value, 0)
        facet_counts[name] = [
            FacetValue(value, count, value in chosen[name])
            for value, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        ]
    hits = [p for p in candidates if _matches(values[p.id], chosen)]
    best = max((ranks[p.id] for p in hits), default=0.0) if ranks else 0.0
    per_page = min(max(per_page, 1), 100)
    shown = hits[(page - 1) * per_page : page * per_page]
    return SearchResult(
        query=query,
        mode=ran,
        semantic_available=encoder is not None,
        hits=[_hit(p, ranks, best) for p in shown],
        total=len(hits),
        page=page,
        per_page=per_page,
        facets=facet_counts,
    )


def _hit(practice: Practice, ranks: dict[int, float] | None, best: float) -> PracticeHit:
    regions = tuple(r.region_code for r in practice.regions)
    relevance = ranks.get(practice.id) if ranks is not None else None
    return PracticeHit(
        id=practice.id,
        title=practice.title,
        summary=practice.summary,
        instrument=practice.instrument.value,
        state=practice.state.value,
        demo=practice.demo,
        themes=tuple(t.theme for t in practice.themes),
        regions=regions,
        countries=tuple(countries_of(regions)),
        period_start=practice.period_start,
        period_end=practice.period_end,
        relevance=relevance,
        relevance_share=(relevance / best if relevance is not None and best > 0 else None),
    )
