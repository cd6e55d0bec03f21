"""ScriptedOpenAIServer: a TEST DOUBLE standing in for an OpenAI-compatible LLM endpoint (vLLM, OpenAI).

A tiny real HTTP server (standard library only) answering ``POST /v1/chat/completions`` well enough for
langchain-openai's ChatOpenAI, non-streaming: structured-output requests (``response_format`` json_schema)
get JSON content, tool-bound requests get the next round of ``tool_calls`` the script gives for the turn (then
the rule's content), plain requests get text.
What it answers comes from rules matched against the request (rules, not a queue: scenarios run in parallel,
so requests arrive in no fixed order). Every request is recorded for assertions.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal

Kind = Literal["structured", "tools", "text"]


@dataclass
class Rule:
    """Answer requests of ``kind`` whose messages contain ``when`` (case-insensitive; "" matches any)."""

    kind: Kind
    when: str = ""
    schema: str | None = None  # structured: the json_schema name asked for (e.g. "SpecExtraction", "score")
    json: dict[str, Any] | None = None  # structured: the object to answer
    tool_calls: list[dict[str, Any]] = field(default_factory=list)  # tools: [{"name": ..., "args": {...}}]
    rounds: list[list[dict[str, Any]]] = field(default_factory=list)  # tools: one list of calls per round
    content: str | None = None  # text, or the tools answer once the tool results are in

    def round(self, n: int) -> list[dict[str, Any]]:
        """The tool calls of round ``n`` of the current turn (0 = first); [] once the script is done."""
        rounds = self.rounds or ([self.tool_calls] if self.tool_calls else [])
        return rounds[n] if n < len(rounds) else []


def request_kind(body: dict[str, Any]) -> Kind:
    fmt = body.get("response_format") or {}
    if fmt.get("type") in ("json_schema", "json_object"):
        return "structured"
    return "tools" if body.get("tools") else "text"


def schema_name(body: dict[str, Any]) -> str | None:
    return ((body.get("response_format") or {}).get("json_schema") or {}).get("name")


def _text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return " ".join(part.get("text", "") for part in content if isinstance(part, dict))
    return ""


def messages_text(body: dict[str, Any]) -> str:
    return "\n".join(_text(m.get("content")) for m in body.get("messages", []))


def rounds_done(body: dict[str, Any]) -> int:
    """Tool rounds already run in the current turn (assistant tool calls after the last user message)."""
    n = 0
    for m in reversed(body.get("messages", [])):
        if m.get("role") == "user":
            break
        n += m.get("role") == "assistant" and bool(m.get("tool_calls"))
    return n


def latest_user_text(body: dict[str, Any]) -> str:
    users = [m for m in body.get("messages", []) if m.get("role") == "user"]
    return _text(users[-1].get("content")) if users else ""


class ScriptedOpenAIServer:
    def __init__(self, rules: list[Rule]):
        self.rules = rules
        self.requests: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------------ lifecycle

    def __enter__(self) -> "ScriptedOpenAIServer":
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                length = int(self.headers.get("Content-Length") or 0)
                try:
                    body = json.loads(self.rfile.read(length) or b"{}")
                except json.JSONDecodeError:
                    return self._send(400, {"error": {"message": "invalid JSON", "type": "invalid_request_error"}})
                if not self.path.rstrip("/").endswith("/chat/completions"):
                    return self._send(404, {"error": {"message": f"no route {self.path}", "type": "not_found"}})
                self._send(200, server.answer(body))

            def _send(self, status: int, payload: dict[str, Any]) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:  # keep test output quiet
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="scripted-openai", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        if self._httpd:
            self._httpd.shutdown()
            self._httpd.server_close()

    @property
    def base_url(self) -> str:
        assert self._httpd is not None, "start the server with `with ScriptedOpenAIServer(...) as server:`"
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/v1"

    def kinds(self) -> list[tuple[Kind, str | None]]:
        """(kind, schema name) of every request received, in arrival order."""
        with self._lock:
            return [(request_kind(b), schema_name(b)) for b in self.requests]

    # ------------------------------------------------------------------ answers

    def answer(self, body: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            self.requests.append(body)
        kind = request_kind(body)
        text = (latest_user_text(body) if kind == "tools" else messages_text(body)).lower()
        rule = next((r for r in self.rules if r.kind == kind and r.when.lower() in text
                     and (r.schema is None or r.schema == schema_name(body))), None)
        if kind == "structured":
            return self._completion(body, content=json.dumps(rule.json if rule and rule.json is not None else {}))
        if kind == "tools":
            calls = rule.round(rounds_done(body)) if rule else []
            if calls:
                return self._completion(body, tool_calls=calls)
            return self._completion(body, content=(rule.content if rule and rule.content else "Done."))
        if rule and rule.content is not None:
            return self._completion(body, content=rule.content)
        # Default text answer: the last user message back (a rewrite that keeps every number of the draft).
        users = [m for m in body.get("messages", []) if m.get("role") == "user"]
        return self._completion(body, content=_text(users[-1].get("content")) if users else "")

    def _completion(self, body: dict[str, Any], *, content: str | None = None,
                    tool_calls: list[dict[str, Any]] | None = None) -> dict[str, Any]:
        n = next(self._ids)
        message: dict[str, Any] = {"role": "assistant", "content": content, "refusal": None}
        if tool_calls:
            message["tool_calls"] = [{"id": f"call_{n}_{i}", "type": "function",
                                      "function": {"name": c["name"], "arguments": json.dumps(c.get("args", {}))}}
                                     for i, c in enumerate(tool_calls)]
        return {"id": f"chatcmpl-scripted-{n}", "object": "chat.completion", "created": int(time.time()),
                "model": body.get("model", "scripted"), "system_fingerprint": "scripted",
                "choices": [{"index": 0, "message": message, "logprobs": None,
                             "finish_reason": "tool_calls" if tool_calls else "stop"}],
                "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}
