"""Chat history in the knowledge base's PostgreSQL: Chainlit's SQLAlchemy data layer over asyncpg.

The tables come from ``knowledge/migrations/0003_chainlit.sql`` (applied when the knowledge base opens).
Element payloads (cards, charts, the manifest bundle) are small, so they are kept inline in the ``elements``
table as ``data:`` URLs instead of in an object store: a reopened conversation shows them again with nothing
else to run.
"""

from __future__ import annotations

import base64
from typing import Any

from sqlalchemy.engine import make_url

# libpq query parameters asyncpg understands directly; sslmode is renamed; the rest are libpq-only.
_KEEP = {"host", "port"}
MAX_INLINE_BYTES = 2_000_000


def asyncpg_url(libpq_url: str) -> str:
    """``postgresql://u:p@h/db?host=/sock&sslmode=require`` -> ``postgresql+asyncpg://u:p@h/db?host=/sock&ssl=require``.

    The embedded server is a unix socket given as ``host=/dir`` in the query, which asyncpg accepts as is.
    """
    url = make_url(libpq_url)
    query: dict[str, Any] = {k: v for k, v in url.query.items() if k in _KEEP}
    if "sslmode" in url.query:
        query["ssl"] = url.query["sslmode"]
    return url.set(drivername="postgresql+asyncpg", query=query).render_as_string(hide_password=False)


def _storage_base():
    from chainlit.data.storage_clients.base import BaseStorageClient

    return BaseStorageClient


class InlineStorage(_storage_base()):  # type: ignore[misc]
    """A Chainlit storage client that keeps each element in its own row, as a ``data:`` URL."""

    async def upload_file(self, object_key: str, data: bytes | str, mime: str = "application/octet-stream",
                          overwrite: bool = True, content_disposition: str | None = None) -> dict[str, Any]:
        raw = data.encode("utf-8") if isinstance(data, str) else bytes(data)
        if len(raw) > MAX_INLINE_BYTES:
            return {"object_key": None, "url": None}  # stored without content; the live chat still showed it
        encoded = base64.b64encode(raw).decode("ascii")
        # No object key: the data layer then reads the stored URL back instead of asking for a signed one.
        return {"object_key": None, "url": f"data:{mime or 'application/octet-stream'};base64,{encoded}"}

    async def delete_file(self, object_key: str) -> bool:
        return True  # the row holds the data; deleting the row deletes it

    async def get_read_url(self, object_key: str) -> str:
        return ""

    async def close(self) -> None:
        return None


def make_data_layer(libpq_url: str):
    from chainlit.data.sql_alchemy import SQLAlchemyDataLayer

    return SQLAlchemyDataLayer(conninfo=asyncpg_url(libpq_url), storage_provider=InlineStorage())
