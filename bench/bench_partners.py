"""Partner matching: one profile against 10,000 profiles (goal: under 200 ms).

Synthetic profiles are drawn from the words, industries, regions and languages of the demo
profiles (``services/partners/demo_partners.yaml``) with a fixed seed: each text combines
phrases of two or three demo profiles, so that TF-IDF sees a realistic vocabulary. The
industry proximity and regional location quotients are the real ones from the demo
statistics store (``$POLISEE_VAR_DIR/stats.duckdb``) when it exists, else random (the
timing does not depend on the values). Prints one line per case:

    case  profiles  p50_ms  p95_ms  max_ms

- ``rank tfidf``: :func:`rank_partners` on precomputed TF-IDF rows (sparse), 50 queries;
- ``rank embeddings-384``: the same on 384-dimensional unit rows, the shape of the
  all-MiniLM-L6-v2 embeddings of the ``semantic`` extra (random vectors stand in for
  them: the extra is not needed for a timing);
- ``match service warm``: :func:`match_profile` on a SQLite records file with 10,000
  profiles once the index is built (the profiles' state query, visibility mask,
  ranking, reading the top 20 profiles), 30 queries;
- ``index build``: building that index from the records (term counts already stored),
  once: what the first match after a change of any profile costs;
- ``relatedness evidence``: proximity and location quotients from the statistics store,
  once per data version (kept in the evidence cache).
"""

from __future__ import annotations

import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import yaml

N = 10_000
GOAL_MS = 200.0


def _demo() -> list[dict[str, Any]]:
    from polisee.services.partners import DEMO_FILE

    data: dict[str, Any] = yaml.safe_load(Path(DEMO_FILE).read_text(encoding="utf-8"))
    profiles: list[dict[str, Any]] = data["profiles"]
    return profiles


def _synthetic(n: int, seed: int = 7) -> list[dict[str, Any]]:
    demo = _demo()
    rng = random.Random(seed)
    phrases_offers = [p.strip() for d in demo for p in str(d["offers"]).split(",")]
    phrases_needs = [p.strip() for d in demo for p in str(d["needs"]).split(",")]
    out = []
    for i in range(n):
        base = demo[rng.randrange(len(demo))]
        out.append(
            {
                "region": base["region"],
                "nace": list(base["nace"]),
                "targets": list(base.get("targets", [])),
                "languages": list(base.get("languages", [])),
                "pairing": rng.random() < 0.3,
                "offers": ", ".join(rng.sample(phrases_offers, rng.randint(2, 4))),
                "needs": ", ".join(rng.sample(phrases_needs, rng.randint(2, 4))),
                "public": rng.random() < 0.8,
                "id": i + 1,
            }
        )
    return out


def _evidence() -> Any:
    from polisee.services.partners import industry_evidence

    store, cache = _store()
    if store is None:
        return None
    try:
        return industry_evidence(store, cache)
    finally:
        store.close()


def _times(run: Callable[[int], object], queries: list[int]) -> list[float]:
    run(queries[0])  # warm-up
    out = []
    for q in queries:
        t0 = time.perf_counter()
        run(q)
        out.append((time.perf_counter() - t0) * 1000)
    return out


def _line(case: str, n: int, ms: list[float]) -> None:
    ms = sorted(ms)
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    verdict = "ok" if p95 < GOAL_MS else "SLOW"
    print(
        f"{case:24s} {n:8d} {statistics.median(ms):8.1f} {p95:8.1f} {ms[-1]:8.1f}  {verdict}",
        flush=True,
    )


def _rank_cases(profiles: list[dict[str, Any]], evidence: Any) -> None:
    from polisee.services import partners as pt

    features = [
        pt.ProfileFeatures(
            p["id"],
            p["region"],
            nace_codes=tuple(p["nace"]),
            target_regions=tuple(p["targets"]),
            languages=tuple(p["languages"]),
            region_pairing=p["pairing"],
        )
        for p in profiles
    ]
    kwargs: dict[str, Any] = {}
    if evidence is not None:
        kwargs = {
            "industry_codes": evidence.industries,
            "proximity": evidence.proximity,
            "region_codes": evidence.regions,
            "strength": evidence.lq,
        }
    else:
        codes = sorted({c for p in profiles for c in p["nace"]})
        rng = np.random.default_rng(1)
        phi = rng.random((len(codes), len(codes)))
        kwargs = {"industry_codes": codes, "proximity": (phi + phi.T) / 2}
    (needs, offers), vocabulary = pt.tfidf_matrices(
        [
            [pt.term_counts(p["needs"]) for p in profiles],
            [pt.term_counts(p["offers"]) for p in profiles],
        ]
    )
    index = pt.build_index(features, needs, offers, **kwargs)
    weights = pt.Weights()
    queries = random.Random(3).sample([p["id"] for p in profiles], 50)
    mask = np.asarray([p["public"] for p in profiles])
    _line(
        "rank tfidf",
        len(profiles),
        _times(lambda q: pt.rank_partners(index, q, weights, candidates=mask), queries),
    )
    rng = np.random.default_rng(2)
    dense = rng.standard_normal((2, len(profiles), 384)).astype(np.float32)
    embedded = pt.build_index(features, dense[0], dense[1], **kwargs)
    _line(
        "rank embeddings-384",
        len(profiles),
        _times(lambda q: pt.rank_partners(embedded, q, weights, candidates=mask), queries),
    )
    print(f"   TF-IDF vocabulary: {len(vocabulary)} terms", flush=True)


def _service_cases(profiles: list[dict[str, Any]]) -> None:
    from sqlalchemy import insert

    from polisee.records.accounts import Organisation
    from polisee.records.db import make_engine, make_session_factory
    from polisee.records.migrate import upgrade
    from polisee.records.partners import PartnerProfile, PartnerVector
    from polisee.records.permissions import Permission
    from polisee.services import partners as pt

    url = f"sqlite:///{Path(tempfile.mkdtemp()) / 'records.sqlite3'}"
    upgrade(url)
    engine = make_engine(url)
    t0 = time.perf_counter()
    with engine.begin() as connection:
        connection.execute(
            insert(Organisation),
            [{"id": p["id"], "name": f"Bench org {p['id']}", "kind": "company"} for p in profiles],
        )
        connection.execute(
            insert(PartnerProfile),
            [
                {
                    "id": p["id"],
                    "organisation_id": p["id"],
                    "name": f"Bench profile {p['id']}",
                    "country": p["region"][:2],
                    "region_code": p["region"],
                    "offers": p["offers"],
                    "needs": p["needs"],
                    "target_regions": p["targets"],
                    "nace_codes": p["nace"],
                    "languages": p["languages"],
                    "region_pairing": p["pairing"],
                    "visibility": "public" if p["public"] else "members",
                    "version": 1,
                }
                for p in profiles
            ],
        )
        connection.execute(
            insert(PartnerVector),
            [
                {
                    "profile_id": p["id"],
                    "field": field,
                    "model": "tfidf-terms/1",
                    "profile_version": 1,
                    "terms": pt.term_counts(p[field]),
                }
                for p in profiles
                for field in ("needs", "offers")
            ],
        )
    print(f"   {len(profiles)} profiles written to SQLite in {time.perf_counter() - t0:.1f} s")
    sessions = make_session_factory(engine)
    store, cache = _store()
    try:
        t0 = time.perf_counter()
        pt.industry_evidence(store, cache)
        evidence_ms = (time.perf_counter() - t0) * 1000
        with sessions() as db:
            pt.clear_index_cache()
            t0 = time.perf_counter()
            pt.match_profile(db, pt.CLI_PARTNER_VIEWER, profiles[0]["id"], store=store, cache=cache)
            build_ms = (time.perf_counter() - t0) * 1000
            # An anonymous visitor: public profiles only, among the candidates too.
            queries = random.Random(5).sample([p["id"] for p in profiles if p["public"]], 30)
            anonymous = pt.PartnerViewer(None, "bench", frozenset({Permission.PARTNER_READ}))
            _line(
                "match service warm",
                len(profiles),
                _times(
                    lambda q: pt.match_profile(db, anonymous, q, store=store, cache=cache), queries
                ),
            )
        print(f"{'index build':24s} {len(profiles):8d} {build_ms:8.1f}  (once per change)")
        if store is not None:
            print(
                f"{'relatedness evidence':24s} {'':8s} {evidence_ms:8.1f}  (once per data version)"
            )
    finally:
        if store is not None:
            store.close()
        engine.dispose()


def _store() -> tuple[Any, Any]:
    from polisee.services import evidence as ev
    from polisee.statsdb import StatsStore

    path = Path(os.environ.get("POLISEE_VAR_DIR", "var")) / "stats.duckdb"
    if not path.exists():
        return None, None
    return StatsStore(path, read_only=True), ev.EvidenceCache(8)


def run() -> None:
    print(f"{'case':24s} {'profiles':>8s} {'p50_ms':>8s} {'p95_ms':>8s} {'max_ms':>8s}")
    profiles = _synthetic(N)
    evidence = _evidence()
    print(
        "   relatedness: "
        + (evidence.source if evidence is not None else "random (no statistics store found)"),
        flush=True,
    )
    _rank_cases(profiles, evidence)
    _service_cases(profiles)


if __name__ == "__main__":
    run()
