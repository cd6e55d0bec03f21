"""UI logins, the per-installation secret, and chat history in the knowledge base's PostgreSQL."""

from __future__ import annotations

import asyncio
import base64
import stat
import uuid

import pytest

from ui.auth import UserTable, hash_for_config
from ui.datalayer import InlineStorage, asyncpg_url, make_data_layer
from ui.runtime import auth_secret


def test_users_from_configuration_are_checked_as_hashes():
    users = UserTable.parse(f"alice:secret, bob:{hash_for_config('pw')},broken,:x,carol:sha256=nothex")
    assert set(users.digests) == {"alice", "bob"}
    assert users.verify("alice", "secret") and users.verify("bob", "pw")
    assert not users.verify("alice", "Secret") and not users.verify("mallory", "secret")
    assert not users.verify("alice", "") and "secret" not in repr(users)
    assert not UserTable.parse("") and not UserTable.parse(None)


def test_auth_secret_is_generated_once_per_installation(tmp_path):
    first = auth_secret(tmp_path)
    path = tmp_path / "ui" / "chainlit_auth_secret"
    assert len(first) >= 48 and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert auth_secret(tmp_path) == first


@pytest.mark.parametrize("libpq,expected", [
    ("postgresql://postgres:@/compass?host=/tmp/pg", "postgresql+asyncpg://postgres:@/compass?host=%2Ftmp%2Fpg"),
    ("postgres://u:p%40ss@db.example:5433/kb?sslmode=require&application_name=x",
     "postgresql+asyncpg://u:p%40ss@db.example:5433/kb?ssl=require"),
])
def test_asyncpg_url_from_the_knowledge_base_url(libpq, expected):
    assert asyncpg_url(libpq) == expected


def test_inline_storage_keeps_elements_as_data_urls():
    stored = asyncio.run(InlineStorage().upload_file("k", b'{"a": 1}', mime="application/json"))
    assert stored["object_key"] is None
    assert stored["url"] == "data:application/json;base64," + base64.b64encode(b'{"a": 1}').decode()


def test_chainlit_history_round_trips_through_the_migrated_tables(kb):
    """Users, threads, steps (tool steps included) and elements as Chainlit 2.12 writes and reads them."""
    from chainlit.context import init_http_context
    from chainlit.element import CustomElement
    from chainlit.types import Pagination, ThreadFilter
    from chainlit.user import User

    async def scenario():
        init_http_context()
        layer = make_data_layer(kb.db.url)
        try:
            user = await layer.create_user(User(identifier="alice", metadata={"provider": "password"}))
            thread_id, step_id = str(uuid.uuid4()), str(uuid.uuid4())
            await layer.update_thread(thread_id, name="support bot", user_id=user.id)
            await layer.create_step({"id": str(uuid.uuid4()), "threadId": thread_id, "name": "alice",
                                     "type": "user_message", "output": "support chatbot for 5000 users",
                                     "streaming": False, "createdAt": "2026-01-01T00:00:00Z", "modes": None,
                                     "command": None, "metadata": {}})
            await layer.create_step({"id": step_id, "threadId": thread_id, "name": "plan_capacity", "type": "tool",
                                     "input": "{}", "output": "5 option(s)", "streaming": False, "isError": False,
                                     "createdAt": "2026-01-01T00:00:01Z", "start": "2026-01-01T00:00:01Z",
                                     "end": "2026-01-01T00:00:02Z", "showInput": "json", "defaultOpen": False,
                                     "autoCollapse": False, "metadata": {}})
            element = CustomElement(name="SpecCard", props={"fields": [{"name": "users"}]}, for_id=step_id,
                                    thread_id=thread_id)
            await layer.create_element(element)
            thread = await layer.get_thread(thread_id)
            listed = await layer.list_threads(Pagination(first=10), ThreadFilter(userId=user.id))
            return user, thread, listed
        finally:
            await layer.engine.dispose()

    user, thread, listed = asyncio.run(scenario())
    assert user.identifier == "alice" and thread["userIdentifier"] == "alice"
    assert [s["name"] for s in thread["steps"]] == ["alice", "plan_capacity"]
    assert thread["steps"][1]["output"] == "5 option(s)"
    (element,) = thread["elements"]
    assert element["name"] == "SpecCard" and element["props"] == {"fields": [{"name": "users"}]}
    assert element["url"].startswith("data:application/json;base64,")
    assert [t["id"] for t in listed.data] == [thread["id"]]
