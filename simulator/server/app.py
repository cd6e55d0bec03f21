"""The OpenAI-compatible HTTP surface of the simulator (Starlette), as vLLM serves it.

GET /v1/models, POST /v1/completions, POST /v1/chat/completions (stream true|false), GET /health, /metrics,
/version. Generation requests are validated, given their canned text, and handed to the least-loaded engine
rank; the response then follows the engine: a stream writes each token as its iteration ends, a plain
response is sent when the request finishes. A client that disconnects aborts its request, as in vLLM.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import logging
import time
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from simulator.server import content
from simulator.server.config import EMULATED_VLLM_VERSION, ResolvedSetup
from simulator.server.live_clock import LiveEngine, QueueFullError, SimClock, SimRequest
from simulator.server.metrics import EngineStats, ServerMetrics
from simulator.server.protocol import DONE, ApiError, GenerationParams, Shapes, parse, usage
from simulator.server.tokens import TokenCounter

log = logging.getLogger("compass.simulator")
SSE_HEADERS = [(b"content-type", b"text/event-stream; charset=utf-8"), (b"cache-control", b"no-cache")]
JSON_HEADERS = [(b"content-type", b"application/json")]


class Simulator:
    """One simulated vLLM replica: its engine ranks, metrics and token counter."""

    def __init__(self, setup: ResolvedSetup):
        cfg = setup.config
        self.setup = setup
        self.clock = SimClock(cfg.time_scale)
        self.counter = TokenCounter(cfg.tokenizer, model_ids=[setup.card.id, cfg.model])
        self.engines = [
            LiveEngine(setup.step, setup.limits, setup.coefficients, clock=self.clock,
                       stats=EngineStats(setup.max_model_len), jitter=cfg.jitter, seed=cfg.seed + i,
                       max_waiting=cfg.max_waiting)
            for i in range(setup.serving.data_parallel)]
        cache_info = {"block_size": "16", "gpu_memory_utilization": str(setup.serving.gpu_memory_utilization),
                      "num_gpu_blocks": str(int(setup.limits.kv_capacity_tokens // 16)),
                      "cache_dtype": setup.serving.kv_cache_dtype}
        self.metrics = ServerMetrics(setup.served_names[0], self.engines, cache_info)
        self._tasks: list[asyncio.Task] = []
        self._draws = itertools.count()

    async def start(self) -> None:
        self._tasks = [asyncio.create_task(e.run(), name=f"engine-{i}") for i, e in enumerate(self.engines)]
        for t in self._tasks:
            t.add_done_callback(_log_crash)

    async def stop(self) -> None:
        for t in self._tasks:
            t.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    @property
    def healthy(self) -> bool:
        return bool(self._tasks) and not any(t.done() for t in self._tasks)

    def prepare(self, params: GenerationParams) -> tuple[SimRequest, list[str], str | None]:
        """The request's canned answer (token texts after stop strings) and its engine request."""
        cap = self.setup.max_model_len - params.prompt_tokens
        if params.seed is not None:
            salt = f"seed:{params.seed}"
        elif params.temperature == 0:
            salt = "greedy"
        else:
            salt = f"draw:{next(self._draws)}"  # a new answer per request, reproducible for a server seed
        rng = content.request_rng(self.setup.config.seed, params.prompt, salt)
        want = params.max_tokens if params.max_tokens is not None else (cap if params.ignore_eos else None)
        canned = content.generate(params.prompt, rng, want, cap)
        pieces = canned.pieces
        finish, stop_reason = ("stop" if canned.natural_end else "length"), None
        hit = content.apply_stop(pieces, params.stops)
        if hit:
            n, keep = hit
            pieces, finish = _clip(pieces[:n], keep), "stop"
            stop_reason = next(s for s in params.stops if "".join(canned.pieces)[keep:].startswith(s))
        req = SimRequest(prompt_tokens=params.prompt_tokens, output_tokens=len(pieces), finish_reason=finish,
                         max_tokens_param=params.max_tokens)
        return req, pieces, stop_reason

    def submit(self, req: SimRequest, arrived: float | None = None) -> LiveEngine:
        engine = min(self.engines, key=lambda e: e.load)
        try:
            engine.submit(req, arrived)
        except QueueFullError as exc:
            raise ApiError(503, f"Service overloaded: {exc}; retry later") from None
        return engine


def _clip(pieces: list[str], keep: int) -> list[str]:
    out, pos = [], 0
    for p in pieces:
        out.append(p[:max(0, keep - pos)])
        pos += len(p)
    return out


def _log_crash(task: asyncio.Task) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("simulator engine loop crashed", exc_info=task.exception())


class Generation:
    """The ASGI response of one generation request: streamed tokens or one JSON body."""

    def __init__(self, engine: LiveEngine, req: SimRequest, params: GenerationParams, texts: list[str],
                 stop_reason: str | None):
        self.engine, self.req, self.params, self.texts = engine, req, params, texts
        self.stop_reason = stop_reason
        self.shapes = Shapes(params)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        watcher = asyncio.create_task(self._watch(receive))
        try:
            await (self._stream(send) if self.params.stream else self._whole(send))
        except OSError:  # the client went away mid-write
            self.engine.abort(self.req)
        finally:
            watcher.cancel()

    async def _watch(self, receive: Any) -> None:
        while (await receive())["type"] != "http.disconnect":
            pass
        self.engine.abort(self.req)

    async def _whole(self, send: Any) -> None:
        req = self.req
        while not req.done:
            await req.wait()
        if req.aborted:
            return
        if req.error:
            err = ApiError(400, req.error)
            await _send_json(send, err.status, err.body())
            return
        body = self.shapes.full("".join(self.texts), req.finish_reason,
                                usage(req.prompt_tokens, req.generated), self.stop_reason)
        await _send_json(send, 200, body)

    async def _stream(self, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": SSE_HEADERS})
        req, sent = self.req, 0
        while True:
            if req.aborted:
                return
            n = min(req.generated, req.output_tokens)
            if n > sent or req.done:
                parts = [self._chunk(i) for i in range(sent, n)]
                sent = n
                if req.done:
                    parts.extend(self._tail())
                await send({"type": "http.response.body", "body": b"".join(parts), "more_body": not req.done})
                if req.done:
                    return
            await req.wait()

    def _chunk(self, i: int) -> bytes:
        p, req, text = self.params, self.req, self.texts[i]
        last = i == req.output_tokens - 1
        running_usage = usage(req.prompt_tokens, i + 1) if p.continuous_usage else None
        if last or running_usage or (i == 0 and p.chat):
            return self.shapes.chunk(text, req.finish_reason if last else None, running_usage,
                                     role=i == 0 and p.chat, stop_reason=self.stop_reason if last else None)
        return self.shapes.token_chunk(text)

    def _tail(self) -> list[bytes]:
        req = self.req
        if req.error:
            return [b"data: " + json.dumps(ApiError(400, req.error).body()).encode() + b"\n\n", DONE]
        tail = [self.shapes.usage_chunk(usage(req.prompt_tokens, req.generated))] if self.params.include_usage else []
        return [*tail, DONE]


async def _send_json(send: Any, status: int, body: dict) -> None:
    data = json.dumps(body).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [*JSON_HEADERS, (b"content-length", str(len(data)).encode())]})
    await send({"type": "http.response.body", "body": data})


def create_app(setup: ResolvedSetup) -> Starlette:
    sim = Simulator(setup)
    started = int(time.time())

    async def generate(request: Request, chat: bool) -> Any:
        arrived = sim.clock.now()  # before the body is read: reading and parsing it is the API server's share
        try:
            body = await request.json()
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise ApiError(400, "the request body is not valid JSON") from None
        params = parse(body, chat=chat, served=setup.served_names, max_model_len=setup.max_model_len,
                       counter=sim.counter)
        req, texts, stop_reason = sim.prepare(params)
        engine = sim.submit(req, arrived)
        return Generation(engine, req, params, texts, stop_reason)

    async def completions(request: Request) -> Any:
        return await generate(request, chat=False)

    async def chat_completions(request: Request) -> Any:
        return await generate(request, chat=True)

    async def models(_: Request) -> Response:
        data = [{"id": name, "object": "model", "created": started, "owned_by": "vllm", "root": setup.card.id,
                 "parent": None, "max_model_len": setup.max_model_len} for name in setup.served_names]
        return JSONResponse({"object": "list", "data": data})

    async def health(_: Request) -> Response:
        return Response(status_code=200 if sim.healthy else 503)

    async def version(_: Request) -> Response:
        return JSONResponse({"version": EMULATED_VLLM_VERSION})

    async def metrics(_: Request) -> Response:
        return Response(sim.metrics.render(), media_type=CONTENT_TYPE_LATEST)

    async def api_error(_: Request, exc: Exception) -> Response:
        assert isinstance(exc, ApiError)
        return JSONResponse(exc.body(), status_code=exc.status,
                            headers={"retry-after": "1"} if exc.status in (429, 503) else None)

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette):
        await sim.start()
        log.info("simulator ready: %s (token counts: %s)", setup.summary(), sim.counter.source)
        try:
            yield
        finally:
            await sim.stop()

    app = Starlette(routes=[
        Route("/v1/completions", completions, methods=["POST"]),
        Route("/v1/chat/completions", chat_completions, methods=["POST"]),
        Route("/v1/models", models, methods=["GET"]),
        Route("/health", health, methods=["GET"]),
        Route("/version", version, methods=["GET"]),
        Route("/metrics", metrics, methods=["GET"]),
    ], exception_handlers={ApiError: api_error}, lifespan=lifespan)
    app.state.simulator = sim
    return app
