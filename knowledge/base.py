"""``KnowledgeBase``: the one entry point other layers use to reach the catalog, benchmarks and outcomes."""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections import Counter
from pathlib import Path

import structlog
import yaml
from pydantic import BaseModel

from knowledge.catalog import Catalog
from knowledge.catalog_files import CatalogData, catalog_files_hash, load_catalog_files
from knowledge.domain import BenchmarkRow, DeploymentOutcome, DeploymentSpec, ImportReport, SimilarDeployment
from knowledge.health import HealthReport, check_health
from knowledge.importers import ImportOptions, detect_and_parse
from knowledge.importers.native import FORMAT as NATIVE_FORMAT
from knowledge.settings import KnowledgeSettings
from knowledge.store import benchmarks_repo, outcomes_repo
from knowledge.store.catalog_repo import CatalogCache, stored_catalog_hash, sync_catalog
from knowledge.store.database import Database, check_reachable, resolve_url
from knowledge.store.migrations import migrate, schema_version

log = structlog.get_logger(__name__)


class KbStatus(BaseModel):
    database: str
    embedded: bool
    data_dir: str | None
    schema_version: int
    catalog_hash: str | None
    counts: dict[str, int]


class KnowledgeBase:
    def __init__(self, db: Database, settings: KnowledgeSettings):
        self.db = db
        self.settings = settings
        self._catalog_cache = CatalogCache()

    # ------------------------------------------------------------------ catalog

    @property
    def catalog(self) -> Catalog:
        return self._catalog_cache.get(self.db)

    def sync_catalog(self, data: CatalogData | None = None, *, force: bool = False) -> bool:
        """Load the shipped catalog files into the database unless it holds them already (checked on the files'
        hash first: parsing and validating them is most of a start-up's cost, and almost always unneeded)."""
        if data is None and not force:
            with self.db.connection() as conn:
                if stored_catalog_hash(conn) == catalog_files_hash():
                    return False
        changed = sync_catalog(self.db, data or load_catalog_files(), force=force)
        self._catalog_cache.invalidate()
        return changed

    # ------------------------------------------------------------------ benchmarks

    def benchmarks(self, model_id: str, precision: str, gpu: str,
                   tensor_parallel: int | None = None) -> list[BenchmarkRow]:
        with self.db.connection() as conn:
            return benchmarks_repo.find_rows(conn, model_id, precision, gpu, tensor_parallel)

    def benchmarks_version(self) -> str:
        with self.db.connection() as conn:
            return benchmarks_repo.data_version(conn)

    def import_file(self, path: Path, options: ImportOptions | None = None) -> ImportReport:
        """Parse the whole file first, then write every usable row in one transaction."""
        fmt, parsed = detect_and_parse(Path(path), self.catalog, options or ImportOptions())
        report = ImportReport(file=str(path), format=fmt)
        reasons = Counter(p.skip_reason for p in parsed if p.skip_reason)
        report.skipped = sum(reasons.values())
        report.reasons = dict(reasons)
        rows = [p.row for p in parsed if p.row is not None]
        with self.db.connection() as conn, conn.transaction():
            benchmarks_repo.insert_rows(conn, rows, report)
        log.info("benchmarks_imported", file=str(path), format=fmt, added=report.added, skipped=report.skipped)
        return report

    # ------------------------------------------------------------------ outcomes

    def record_outcome(self, outcome: DeploymentOutcome) -> None:
        with self.db.connection() as conn:
            outcomes_repo.insert_outcome(conn, outcome)

    def similar_deployments(self, spec: DeploymentSpec, k: int = 5) -> list[SimilarDeployment]:
        with self.db.connection() as conn:
            return outcomes_repo.similar(conn, spec, k)

    # ------------------------------------------------------------------ health, status, export

    def health(self, *, price_max_age_days: int | None = None) -> HealthReport:
        with self.db.connection() as conn:
            return check_health(conn, price_max_age_days=price_max_age_days or self.settings.price_max_age_days)

    def status(self) -> KbStatus:
        with self.db.connection() as conn:
            counts = {
                table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608 (fixed names)
                for table in ("models", "gpus", "use_cases", "benchmarks", "deployment_outcomes")
            }
            return KbStatus(
                database=self.db.display_url, embedded=not self.settings.database_url,
                data_dir=None if self.settings.database_url else str(self.settings.embedded_data_dir),
                schema_version=schema_version(conn), catalog_hash=stored_catalog_hash(conn), counts=counts,
            )

    def export(self, directory: Path) -> list[Path]:
        """Write what the database holds as files: catalog YAML, benchmark rows and outcomes as JSON."""
        directory.mkdir(parents=True, exist_ok=True)
        cat = self.catalog
        dump = lambda items: [i.model_dump(mode="json", exclude_defaults=True) for i in items]  # noqa: E731
        written = []
        for name, key, items in (("models.yaml", "models", cat.models), ("gpus.yaml", "gpus", cat.gpus),
                                 ("usecases.yaml", "use_cases", cat.use_cases)):
            path = directory / name
            path.write_text(yaml.safe_dump({key: dump(items)}, sort_keys=False, allow_unicode=True))
            written.append(path)
        with self.db.connection() as conn:
            rows = benchmarks_repo.all_rows(conn)
            outcomes = [r[0] for r in conn.execute("SELECT outcome FROM deployment_outcomes ORDER BY created_at")]
        path = directory / "benchmarks.json"
        path.write_text(json.dumps({"format": NATIVE_FORMAT, "exported_at": dt.datetime.now(dt.timezone.utc)
                                    .isoformat(), "rows": [r.model_dump(mode="json") for r in rows]}, indent=1))
        written.append(path)
        path = directory / "deployment_outcomes.json"
        path.write_text(json.dumps(outcomes, indent=1))
        written.append(path)
        return written

    def close(self) -> None:
        self.db.close()


def open_knowledge_base(settings: KnowledgeSettings | None = None, *, sync: bool = True) -> KnowledgeBase:
    """Connect (starting the embedded server if no URL is configured), migrate, and load the catalog."""
    settings = settings or KnowledgeSettings()
    url = resolve_url(settings)
    check_reachable(url, settings.db_connect_timeout_s)
    migrate(url)
    db = Database(url, pool_min=settings.db_pool_min, pool_max=settings.db_pool_max,
                  timeout_s=settings.db_connect_timeout_s).open()
    kb = KnowledgeBase(db, settings)
    if sync:
        kb.sync_catalog()
    return kb


_default_lock = threading.Lock()
_default: KnowledgeBase | None = None


def get_knowledge_base() -> KnowledgeBase:
    """The process-wide knowledge base (opened on first use)."""
    global _default
    with _default_lock:
        if _default is None:
            _default = open_knowledge_base()
        return _default


def reset_knowledge_base() -> None:
    """Close the process-wide knowledge base (tests switching databases, shutdown)."""
    global _default
    with _default_lock:
        if _default is not None:
            _default.close()
        _default = None
