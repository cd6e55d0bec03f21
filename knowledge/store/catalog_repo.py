"""Catalog tables: load the shipped data files into the database, and read a Catalog snapshot back."""

from __future__ import annotations

import math
import threading
import time

import psycopg
import structlog
from psycopg.types.json import Jsonb

from knowledge.catalog import Catalog
from knowledge.catalog_files import CatalogData
from knowledge.domain import GpuSpec, ModelCard, UseCaseTemplate
from knowledge.store.database import Database

log = structlog.get_logger(__name__)
_SYNC_LOCK_KEY = 0x63617461  # "cata"


def stored_catalog_hash(conn: psycopg.Connection) -> str | None:
    row = conn.execute("SELECT content_hash FROM catalog_state WHERE id = 1").fetchone()
    return row[0] if row else None


def sync_catalog(db: Database, data: CatalogData, *, force: bool = False) -> bool:
    """Make the catalog tables equal to ``data`` (one transaction). Returns False when already current."""
    catalog = Catalog.from_data(data)
    with db.connection() as conn, conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (_SYNC_LOCK_KEY,))
        if not force and stored_catalog_hash(conn) == data.content_hash:
            return False
        conn.execute("DELETE FROM model_names; DELETE FROM gpu_names; DELETE FROM gpu_prices;")
        conn.execute("DELETE FROM models; DELETE FROM gpus; DELETE FROM use_cases;")
        _insert_models(conn, catalog)
        _insert_gpus(conn, catalog)
        with conn.cursor() as cur:
            cur.executemany(
                "INSERT INTO use_cases (name, template) VALUES (%s, %s)",
                [(u.name.value, Jsonb(u.model_dump(mode="json"))) for u in data.use_cases],
            )
        conn.execute(
            "INSERT INTO catalog_state (id, content_hash, loaded_at) VALUES (1, %s, now()) "
            "ON CONFLICT (id) DO UPDATE SET content_hash = EXCLUDED.content_hash, loaded_at = now()",
            (data.content_hash,),
        )
    log.info("catalog_loaded", models=len(data.models), gpus=len(data.gpus), use_cases=len(data.use_cases))
    return True


def _insert_models(conn: psycopg.Connection, catalog: Catalog) -> None:
    with conn.cursor() as cur:
        cur.executemany(
            "INSERT INTO models (id, family, card) VALUES (%s, %s, %s)",
            [(m.id, m.family, Jsonb(m.model_dump(mode="json"))) for m in catalog.models],
        )
        cur.executemany(
            "INSERT INTO model_names (name, model_id, precision) VALUES (%s, %s, %s)",
            [(name, r.card.id, r.precision.value if r.precision else None)
             for name, r in catalog.model_names().items()],
        )


def _insert_gpus(conn: psycopg.Connection, catalog: Catalog) -> None:
    with conn.cursor() as cur:
        cur.executemany(
            "INSERT INTO gpus (name, spec) VALUES (%s, %s)",
            [(g.name, Jsonb(g.model_dump(mode="json"))) for g in catalog.gpus],
        )
        cur.executemany(
            "INSERT INTO gpu_names (name, gpu_name) VALUES (%s, %s)", list(catalog.gpu_names().items()))
        cur.executemany(
            "INSERT INTO gpu_prices (gpu_name, provider, instance, usd_per_gpu_hour, source, as_of) "
            "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",
            [(g.name, p.provider, p.instance or "", p.usd_per_gpu_hour, p.source, p.as_of)
             for g in catalog.gpus for p in g.prices],
        )


def read_catalog(conn: psycopg.Connection) -> Catalog:
    models = [ModelCard.model_validate(r[0]) for r in conn.execute("SELECT card FROM models ORDER BY id")]
    gpus = [GpuSpec.model_validate(r[0]) for r in conn.execute("SELECT spec FROM gpus ORDER BY name")]
    use_cases = [UseCaseTemplate.model_validate(r[0])
                 for r in conn.execute("SELECT template FROM use_cases ORDER BY name")]
    return Catalog(tuple(models), tuple(gpus), tuple(use_cases), stored_catalog_hash(conn) or "empty")


class CatalogCache:
    """Per-process snapshot, re-read only when the stored catalog's hash changes (a one-row query, asked at most
    every RECHECK_S: a turn reads the catalog a dozen times, and the catalog changes only when someone reloads it)."""

    RECHECK_S = 1.0

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._catalog: Catalog | None = None
        self._checked_at = -math.inf

    def get(self, db: Database) -> Catalog:
        with self._lock:
            if self._catalog is not None and time.monotonic() - self._checked_at < self.RECHECK_S:
                return self._catalog
        with db.connection() as conn:
            current = stored_catalog_hash(conn)
            with self._lock:
                if self._catalog is None or self._catalog.version != current:
                    self._catalog = read_catalog(conn)
                self._checked_at = time.monotonic()
                return self._catalog

    def invalidate(self) -> None:
        """This process changed the stored catalog: the next read checks at once."""
        with self._lock:
            self._checked_at = -math.inf
