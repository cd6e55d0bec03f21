"""Checkpoint storage grows linearly in what was sent, and a session has a size limit (issue 15 item 9).

Each graph step stored the whole message list again, and every older checkpoint was kept: 40 turns of 99 KB
(4 MB sent) grew the database by 179 MB. Only the latest checkpoint of a finished turn is needed (crash
recovery resumes from it; undo lives in the state), so superseded ones are pruned after each turn.
"""

from __future__ import annotations

import random
import string

import httpx
import psycopg
import pytest

from api.app import create_app
from api.settings import ApiSettings
from tests.api.conftest import ServerThread

TURN_CHARS = 19_000  # a long paste, under what the offline reader takes whole
TURNS = 8


def _stored_bytes(url: str, thread_id: str) -> int:
    """What the thread's checkpoints hold: serialized channel values and writes, message texts stored apart,
    and the checkpoints' JSON."""
    queries = {"checkpoint_blobs": "SELECT coalesce(sum(octet_length(blob)), 0) FROM checkpoint_blobs WHERE thread_id = %s",
               "checkpoint_writes": "SELECT coalesce(sum(octet_length(blob)), 0) FROM checkpoint_writes"
                                    " WHERE thread_id = %s",
               "checkpoint_contents": "SELECT coalesce(sum(octet_length(content)), 0) FROM checkpoint_contents"
                                      " WHERE thread_id = %s",
               "checkpoints": "SELECT coalesce(sum(octet_length(checkpoint::text) + octet_length(metadata::text)), 0)"
                              " FROM checkpoints WHERE thread_id = %s"}
    with psycopg.connect(url) as conn:
        return sum(conn.execute(q, (thread_id,)).fetchone()[0] for table, q in queries.items()
                   if conn.execute("SELECT to_regclass(%s)", (table,)).fetchone()[0])


def _paste(rng: random.Random, turn: int) -> str:
    words = (" ".join("".join(rng.choices(string.ascii_lowercase, k=rng.randint(3, 9))) for _ in range(3000)))
    return f"Notes from meeting {turn}: support chatbot for {300 + turn} users. " + words[:TURN_CHARS - 60]


def _disk_bytes(url: str) -> int:
    """What the checkpoint tables take on disk (with TOAST and indexes), dead rows included: every byte
    written since the last vacuum, which is what a quick conversation costs before autovacuum runs."""
    with psycopg.connect(url) as conn:
        return int(conn.execute(
            "SELECT coalesce(sum(pg_total_relation_size(to_regclass(t))), 0) FROM unnest(array['checkpoints',"
            " 'checkpoint_blobs', 'checkpoint_writes', 'checkpoint_contents']) AS t").fetchone()[0])


@pytest.mark.slow
def test_storage_grows_linearly_in_what_was_sent(api_server, kb):
    rng = random.Random(15)
    sent, stored, disk = [], [], []
    with httpx.Client(base_url=api_server.url, timeout=120) as c:
        sid = c.post("/v1/sessions").json()["id"]
        for turn in range(TURNS):
            text = _paste(rng, turn)
            assert c.post(f"/v1/sessions/{sid}/messages", json={"text": text}).status_code == 200
            sent.append(len(text.encode()))
            stored.append(_stored_bytes(kb.db.url, sid))
            disk.append(_disk_bytes(kb.db.url))
    per_turn = [b - a for a, b in zip(stored, stored[1:])]
    # on disk, from the second turn on (the first one allocates every table's first pages)
    disk_per_sent = (disk[-1] - disk[0]) / sum(sent[1:])
    print(f"\nsent {sum(sent) / 1e6:.2f} MB in {TURNS} turns; stored {stored[-1] / 1e6:.2f} MB "
          f"({stored[-1] / sum(sent):.2f} bytes per byte sent); growth per turn {[round(g / 1e3) for g in per_turn]} kB;"
          f" on disk, dead rows included, {disk_per_sent:.1f} bytes per byte sent")
    assert stored[-1] < 3 * sum(sent), "storage is not linear in what was sent"
    assert max(per_turn[-3:]) < 3 * TURN_CHARS, "each turn stores more than its own message (quadratic growth)"
    assert disk_per_sent < 8, "every step writes the whole conversation again"
    early, late = disk[3] - disk[0], disk[-1] - disk[-4]  # three turns each
    assert late < 1.5 * early + 64 * 1024, f"each turn writes more than the one before ({early} -> {late} bytes)"


@pytest.mark.slow
def test_a_full_session_refuses_more_with_a_clear_error_and_keeps_what_it_has(kb):
    kb.settings = kb.settings.model_copy(update={"session_max_bytes": 100_000})  # COMPASS_SESSION_MAX_BYTES
    with ServerThread(create_app(kb=kb, api_settings=ApiSettings(api_rate_per_minute=1000))) as s, \
            httpx.Client(base_url=s.url, timeout=120) as c:
        sid = c.post("/v1/sessions").json()["id"]
        rng = random.Random(16)
        answers = [c.post(f"/v1/sessions/{sid}/messages", json={"text": _paste(rng, t)}) for t in range(8)]
        codes = [r.status_code for r in answers]
        full = codes.index(413) if 413 in codes else len(codes)
        assert full >= 2 and codes == [200] * full + [413] * (len(codes) - full) and codes[-1] == 413, codes
        streamed = c.post(f"/v1/sessions/{sid}/messages?stream=true", json={"text": _paste(rng, 9)})
        assert streamed.status_code == 413  # refused before the event stream starts
        error = answers[-1].json()["error"]
        assert error["type"] == "too_large" and "new session" in error["message"] and "\n" not in error["message"]
        assert len(c.get(f"/v1/sessions/{sid}").json()["messages"]) == 2 * codes.count(200)  # nothing lost
