"""The good-practice repository: writing and validating practices, attachments, comments,
full-text and semantic search with facets, and recommendations for an assessment's gaps.

Nothing here commits; every change writes an audit entry, and the validation steps and
comments notify the people concerned (:mod:`polisee.services.notifications`).
"""

from __future__ import annotations

from polisee.records.practices import CommentKind, Instrument, PracticeState
from polisee.services.practices._attachments import (
    ALLOWED_TYPES,
    MAX_ATTACHMENTS,
    AttachmentFile,
    add_attachment,
    attachment_file,
    clean_filename,
    detect_type,
)
from polisee.services.practices._demo import DEMO_FILE, load_demo_practices
from polisee.services.practices._model import (
    INSTRUMENTS,
    LANGUAGES,
    THEMES,
    PracticeInput,
    can_edit,
    can_view,
    countries_of,
    fold,
)
from polisee.services.practices._recommend import (
    WEIGHTS,
    Gap,
    GapRecommendations,
    Recommendation,
    ScoreParts,
    combine,
    is_weak,
    recommend_practices,
    region_similarity,
)
from polisee.services.practices._search import (
    FACETS,
    FacetValue,
    PracticeHit,
    SearchResult,
    fulltext_ranks,
    parse_query,
    period_buckets,
    search_practices,
)
from polisee.services.practices._semantic import (
    MODEL_NAME,
    Encoder,
    cosine_similarities,
    default_encoder,
    ensure_embeddings,
    semantic_available,
)
from polisee.services.practices._workflow import (
    NOTIFICATION_TEXTS,
    Decision,
    PracticeDetail,
    add_comment,
    create_practice,
    decide,
    get_practice,
    practice_detail,
    submit_practice,
    update_practice,
)

__all__ = [
    "ALLOWED_TYPES",
    "DEMO_FILE",
    "FACETS",
    "INSTRUMENTS",
    "LANGUAGES",
    "MAX_ATTACHMENTS",
    "MODEL_NAME",
    "NOTIFICATION_TEXTS",
    "THEMES",
    "WEIGHTS",
    "AttachmentFile",
    "CommentKind",
    "Decision",
    "Encoder",
    "FacetValue",
    "Gap",
    "GapRecommendations",
    "Instrument",
    "PracticeDetail",
    "PracticeHit",
    "PracticeInput",
    "PracticeState",
    "Recommendation",
    "ScoreParts",
    "SearchResult",
    "add_attachment",
    "add_comment",
    "attachment_file",
    "can_edit",
    "can_view",
    "clean_filename",
    "combine",
    "cosine_similarities",
    "countries_of",
    "create_practice",
    "decide",
    "default_encoder",
    "detect_type",
    "ensure_embeddings",
    "fold",
    "fulltext_ranks",
    "get_practice",
    "is_weak",
    "load_demo_practices",
    "parse_query",
    "period_buckets",
    "practice_detail",
    "recommend_practices",
    "region_similarity",
    "search_practices",
    "semantic_available",
    "submit_practice",
    "update_practice",
]
