"""Partner matchmaking between cluster organisations and other bodies, and the network of
their collaborations.

Profiles say what an organisation offers and needs and with whom it wants to work; matching
ranks every other profile by industry relatedness (from the statistics store), the
complementarity of needs and offers (sentence embeddings with the ``semantic`` extra, else
TF-IDF), strong-weak region pairing, target regions and languages, each part explained.
Match requests carry a short thread; saved searches notify their owners of new profiles;
recorded collaborations form a network measured with networkx.

Nothing here commits; every change writes an audit entry (message texts never: only the
two organisations of a request read them).
"""

from __future__ import annotations

from polisee.services.partners._access import editable_profile, partner_viewer, visible_profile
from polisee.services.partners._demo import (
    DEMO_FILE,
    DEMO_MANAGED,
    PartnerDemoSummary,
    load_demo_partners,
)
from polisee.services.partners._evidence import IndustryEvidence, industry_evidence
from polisee.services.partners._index import (
    LoadedIndex,
    clear_index_cache,
    features_of,
    load_index,
    store_vectors,
)
from polisee.services.partners._matching import Match, MatchResult, match_profile
from polisee.services.partners._model import (
    CLI_PARTNER_VIEWER,
    COLLABORATION_KINDS,
    COOPERATION_TYPES,
    LANGUAGES,
    PARTS,
    SEE_COUNTRIES,
    VALUE_CHAIN_ROLES,
    VISIBILITIES,
    PartnerViewer,
    ProfileInput,
    SearchFilters,
    Weights,
    division_of,
    region_prefixes,
)
from polisee.services.partners._network import (
    CountryLink,
    Measures,
    Network,
    NetworkEdge,
    NetworkNode,
    Place,
    RegionLinks,
    collaboration_network,
    list_collaborations,
    network_measures,
    places,
    record_collaboration,
    region_links,
)
from polisee.services.partners._profiles import (
    create_profile,
    own_profiles,
    profile_for_organisation,
    publishable_organisations,
    search_profiles,
    update_profile,
)
from polisee.services.partners._requests import (
    MAX_MESSAGE,
    REQUEST_TEXTS,
    RequestLists,
    RequestRow,
    RequestStatistics,
    Thread,
    answer_request,
    get_thread,
    list_requests,
    post_message,
    request_statistics,
    send_request,
)
from polisee.services.partners._scoring import (
    PartnerIndex,
    ProfileFeatures,
    Ranking,
    ScoredPartner,
    build_index,
    industry_pairs,
    rank_partners,
    region_percentiles,
)
from polisee.services.partners._searches import (
    SEARCH_MATCH_TEXT,
    delete_search,
    list_searches,
    notify_saved_searches,
    save_search,
)
from polisee.services.partners._text import term_counts, tfidf_matrices, tokenize

__all__ = [
    "CLI_PARTNER_VIEWER",
    "COLLABORATION_KINDS",
    "COOPERATION_TYPES",
    "DEMO_FILE",
    "DEMO_MANAGED",
    "LANGUAGES",
    "MAX_MESSAGE",
    "PARTS",
    "REQUEST_TEXTS",
    "SEARCH_MATCH_TEXT",
    "SEE_COUNTRIES",
    "VALUE_CHAIN_ROLES",
    "VISIBILITIES",
    "CountryLink",
    "IndustryEvidence",
    "LoadedIndex",
    "Match",
    "MatchResult",
    "Measures",
    "Network",
    "NetworkEdge",
    "NetworkNode",
    "PartnerDemoSummary",
    "PartnerIndex",
    "PartnerViewer",
    "Place",
    "ProfileFeatures",
    "ProfileInput",
    "Ranking",
    "RegionLinks",
    "RequestLists",
    "RequestRow",
    "RequestStatistics",
    "ScoredPartner",
    "SearchFilters",
    "Thread",
    "Weights",
    "answer_request",
    "build_index",
    "clear_index_cache",
    "collaboration_network",
    "create_profile",
    "delete_search",
    "division_of",
    "editable_profile",
    "features_of",
    "get_thread",
    "industry_evidence",
    "industry_pairs",
    "list_collaborations",
    "list_requests",
    "list_searches",
    "load_demo_partners",
    "load_index",
    "match_profile",
    "network_measures",
    "notify_saved_searches",
    "own_profiles",
    "partner_viewer",
    "places",
    "post_message",
    "profile_for_organisation",
    "publishable_organisations",
    "rank_partners",
    "record_collaboration",
    "region_links",
    "region_percentiles",
    "region_prefixes",
    "request_statistics",
    "save_search",
    "search_profiles",
    "send_request",
    "store_vectors",
    "term_counts",
    "tfidf_matrices",
    "tokenize",
    "update_profile",
    "visible_profile",
]
