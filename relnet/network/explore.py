"""A mined store, opened read-only, as a service for interactive exploration (the web app's Explore tab).

`Explorer` builds the network of a `RelationStore` once per set of `Filters` (and again when the
file changes), and answers entity prefix searches, neighbourhoods and exports from it.
"""

from __future__ import annotations

import logging
import sqlite3
import tempfile
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import networkx as nx

from relnet.errors import NotFound, RelnetError
from relnet.network.export import EXPORT_FORMATS, export_graph
from relnet.network.graph import build_graph, neighbourhood
from relnet.store.sqlite import RelationStore

log = logging.getLogger("relnet")

MEDIA_TYPES = {"graphml": "application/graphml+xml", "cyjs": "application/json", "csv": "text/csv"}


@dataclass(frozen=True)
class Filters:
    """`build_graph`'s filters: relation labels or CPR groups to keep (``None``: all), minimum
    sentences per edge, minimum relation score."""

    types: tuple[str, ...] | None = None
    min_evidence: int = 1
    min_confidence: float = 0.0


@dataclass(frozen=True)
class EntityHit:
    key: str
    name: str
    kind: str
    relations: int  # edges in the unfiltered network
    mentions: int


class StoreUnavailable(RelnetError):
    """The store went away or was damaged while the server ran (the web app answers 503, naming no path)."""


class Explorer:
    """Read-only queries on one store.

    Parameters: ``store_path`` a store written by `relnet mine` (checked now: a missing or foreign
    file raises `RelnetError`); ``cache_size`` networks kept, one per set of filters.
    """

    def __init__(self, store_path: str | Path, cache_size: int = 8) -> None:
        self.store_path = Path(store_path)
        with RelationStore(self.store_path, read_only=True):
            pass
        self.cache_size = cache_size
        self._cache: OrderedDict[tuple[Filters, float], nx.MultiDiGraph] = OrderedDict()
        self._lock = threading.Lock()

    def graph(self, filters: Filters = Filters()) -> nx.MultiDiGraph:
        """The (filtered) network of the store; shared between callers, so never modify it."""
        try:
            key = (filters, self.store_path.stat().st_mtime)
        except OSError as err:
            raise self._unavailable(err) from None
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
            try:  # moved, deleted or overwritten since the server started
                store = RelationStore(self.store_path, read_only=True)
            except (OSError, sqlite3.Error, RelnetError) as err:
                raise self._unavailable(err) from None
            with store:
                try:  # an unknown type in ``filters`` stays the asker's error (422)
                    graph = build_graph(store, filters.types, filters.min_evidence, filters.min_confidence)
                except (OSError, sqlite3.Error) as err:
                    raise self._unavailable(err) from None
            self._cache[key] = graph
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)
            return graph

    def _unavailable(self, err: Exception) -> StoreUnavailable:
        log.error("the store %s cannot be read: %s", self.store_path, err)  # the path in the log, not the answer
        return StoreUnavailable("the store cannot be read now (moved, deleted or damaged); see the server log")

    def entities(self, prefix: str, limit: int = 20) -> list[EntityHit]:
        """Entities on a relation whose name starts with ``prefix`` (case-insensitive), most related first."""
        graph = self.graph()
        wanted = prefix.strip().casefold()
        hits = [
            EntityHit(n, d["name"], d["kind"], graph.degree(n), d.get("mentions", 0))
            for n, d in graph.nodes(data=True)
            if d["name"].casefold().startswith(wanted)
        ]
        return sorted(hits, key=lambda h: (-h.relations, h.name.casefold()))[:limit]

    def neighbourhood(self, name: str, hops: int = 1, filters: Filters = Filters()) -> nx.MultiDiGraph:
        """The subgraph within ``hops`` of the entity ``name``; `NotFound` if no entity has that name, or none
        left by ``filters``."""
        try:
            return neighbourhood(self.graph(filters), name, hops)
        except NotFound:
            if filters == Filters():
                raise
            neighbourhood(self.graph(), name, 0)  # not in the store at all: that error, with its suggestions
            raise NotFound(f"{name!r} has no relations in the network with these filters") from None

    def export(self, fmt: str, filters: Filters = Filters(), name: str | None = None, hops: int = 1) -> bytes:
        """The network (or ``name``'s neighbourhood) as a ``graphml``, ``cyjs`` or ``csv`` file's bytes."""
        if fmt not in EXPORT_FORMATS:
            raise RelnetError(f"unknown export format {fmt!r}; choose one of {', '.join(EXPORT_FORMATS)}")
        graph = self.neighbourhood(name, hops, filters) if name else self.graph(filters)
        with tempfile.TemporaryDirectory(prefix="relnet-") as folder:
            return export_graph(graph, Path(folder) / f"network.{fmt}", fmt).read_bytes()

    def labels(self) -> list[str]:
        """The relation labels and CPR groups in the store's network (the choices of ``Filters.types``)."""
        return sorted({x for *_, d in self.graph().edges(data=True) for x in (d["label"], d.get("group")) if x})
