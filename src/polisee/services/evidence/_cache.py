"""The evidence cache and the few things read from files (boundaries)."""

from __future__ import annotations

import json
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path
from typing import Any

from polisee.errors import InputError, NotFound
from polisee.services.evidence._model import T
from polisee.services.i18n import region_name
from polisee.sources.gisco import boundaries_geojson, bounds
from polisee.statsdb import StatsStore

__all__ = [
    "CacheMiss",
    "EvidenceCache",
    "boundaries",
    "cached_only",
    "country_bounds",
    "open_store",
]


_CACHED_ONLY: ContextVar[bool] = ContextVar("polisee_evidence_cached_only", default=False)


class CacheMiss(Exception):
    """Raised inside :func:`cached_only` when a result would have to be computed."""


@contextmanager
def cached_only() -> Iterator[None]:
    """Within the block, :meth:`EvidenceCache.fetch` answers from the cache or raises
    :class:`CacheMiss`, and never waits for the lock: an event loop can try the cheap path
    first and hand the request to a worker thread only when something must be computed."""
    token = _CACHED_ONLY.set(True)
    try:
        yield
    finally:
        _CACHED_ONLY.reset(token)


class EvidenceCache:
    """A small, thread-safe LRU of computed evidence keyed by data version and parameters.

    The app keeps one; every store access goes through :meth:`fetch`, whose lock also
    serialises use of the store's single DuckDB connection.
    """

    def __init__(self, maxsize: int = 256, *, version_ttl: float = 2.0) -> None:
        self.maxsize = maxsize
        self.version_ttl = version_ttl
        self.lock = threading.RLock()
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._version: tuple[int, str, float] | None = None
        self.hits = 0
        self.misses = 0

    def version(self, store: StatsStore) -> str:
        """The store's data version, re-read at most every ``version_ttl`` seconds."""
        with self.lock:
            now = time.monotonic()
            if (
                self._version is None
                or self._version[0] != id(store)
                or now - self._version[2] > self.version_ttl
            ):
                self._version = (id(store), store.data_version(), now)
            return self._version[1]

    def fetch(
        self, store: StatsStore, name: str, params: tuple[Any, ...], compute: Callable[[], T]
    ) -> T:
        """The cached result of ``compute()`` for ``(data version, name, params)``."""
        if _CACHED_ONLY.get():
            if not self.lock.acquire(blocking=False):
                raise CacheMiss(name)
            try:
                hit = (self.version(store), name, params)
                if hit not in self._items:
                    raise CacheMiss(name)
                self._items.move_to_end(hit)
                self.hits += 1
                found: T = self._items[hit]
                return found
            finally:
                self.lock.release()
        with self.lock:
            key = (self.version(store), name, params)
            if key in self._items:
                self._items.move_to_end(key)
                self.hits += 1
                value: T = self._items[key]
                return value
            self.misses += 1
            value = compute()
            self._items[key] = value
            while len(self._items) > self.maxsize:
                self._items.popitem(last=False)
            return value

    def __len__(self) -> int:
        return len(self._items)

    def clear(self) -> None:
        with self.lock:
            self._items.clear()
            self._version = None


def _cache(cache: EvidenceCache | None) -> EvidenceCache:
    return cache if cache is not None else EvidenceCache(64)


def open_store(path: Path) -> StatsStore | None:
    """The statistics store at ``path`` opened read-only, or None when there is none yet."""
    if not path.exists():
        return None
    try:
        return StatsStore(path, read_only=True)
    except NotFound:
        return None


@lru_cache(maxsize=8)
def _boundaries(data_dir: str, level: int) -> bytes:
    raw = boundaries_geojson(data_dir, level=level, tolerance=0.01 if level >= 2 else 0.02)
    collection = json.loads(raw)
    for feature in collection["features"]:
        # The map's tooltips and labels read ``name``: Latin script, national form beside.
        props = feature["properties"]
        props["name"] = region_name(props["name"], props.get("name_national", ""))
    return json.dumps(collection, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def boundaries(data_dir: Path, level: int) -> bytes:
    """GISCO NUTS 2021 boundaries of ``level`` as compact GeoJSON bytes (kept in memory)."""
    if level not in (0, 1, 2):
        raise InputError(f"expected a NUTS level 0, 1 or 2, got {level}", field="level")
    return _boundaries(str(data_dir), level)


@lru_cache(maxsize=64)
def _country_bounds(data_dir: str, country: str) -> tuple[float, float, float, float]:
    collection = json.loads(_boundaries(data_dir, 2))
    mine = [f for f in collection["features"] if f["properties"]["country"] == country]
    if not mine:
        raise NotFound(f"no boundaries for country {country!r}")
    return bounds({"type": "FeatureCollection", "features": mine})


def country_bounds(data_dir: Path, country: str) -> tuple[float, float, float, float]:
    """``(west, south, east, north)`` of a country's NUTS 2 regions (for locator maps)."""
    return _country_bounds(str(data_dir), country)
