"""A round-robin HTTP front for the local target's replicas (``python -m k8s.local.front``).

Proxies the OpenAI API (streaming passes through chunk by chunk), answers /health when any replica is healthy,
and serves /metrics of every replica with a ``replica`` label so a Prometheus scrape sees the whole deployment.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import re

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route

_HOP_HEADERS = {"connection", "keep-alive", "transfer-encoding", "content-length", "host", "upgrade"}
_SAMPLE = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?(\s.*)$")


def create_front(backends: list[str]) -> Starlette:
    turn = itertools.cycle(range(len(backends)))
    client = httpx.AsyncClient(timeout=httpx.Timeout(None, connect=10.0), limits=httpx.Limits(max_connections=2000))

    async def proxy(request: Request) -> Response:
        backend = backends[next(turn)]
        headers = {k: v for k, v in request.headers.items() if k.lower() not in _HOP_HEADERS}
        upstream = client.build_request(request.method, backend + request.url.path, params=request.query_params,
                                        headers=headers, content=await request.body())
        try:
            resp = await client.send(upstream, stream=True)
        except httpx.HTTPError as exc:
            return JSONResponse({"error": {"message": f"replica {backend} unreachable: {exc}", "type": "unavailable"}},
                                status_code=503)
        out_headers = {k: v for k, v in resp.headers.items() if k.lower() not in _HOP_HEADERS}
        return StreamingResponse(resp.aiter_raw(), status_code=resp.status_code, headers=out_headers,
                                 background=_close(resp))

    async def health(_request: Request) -> Response:
        for backend in backends:
            try:
                if (await client.get(backend + "/health", timeout=2.0)).status_code == 200:
                    return PlainTextResponse("ok")
            except httpx.HTTPError:
                continue
        return PlainTextResponse("no healthy replica", status_code=503)

    async def metrics(_request: Request) -> Response:
        texts = []
        for backend in backends:
            try:
                texts.append((await client.get(backend + "/metrics", timeout=5.0)).text)
            except httpx.HTTPError:
                texts.append("")
        return PlainTextResponse(merge_metrics(texts), media_type="text/plain; version=0.0.4")

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette):
        yield
        await client.aclose()

    return Starlette(routes=[Route("/health", health), Route("/metrics", metrics),
                             Route("/{path:path}", proxy, methods=["GET", "POST"])], lifespan=lifespan)


def merge_metrics(texts: list[str]) -> str:
    """One exposition of every replica: each family's HELP/TYPE once, then its samples labelled by replica."""
    headers: dict[str, list[str]] = {}
    samples: dict[str, list[str]] = {}
    for replica, text in enumerate(texts):
        family, seen_here = "", set()
        for line in text.splitlines():
            if line.startswith("# HELP ") or line.startswith("# TYPE "):
                family = line.split()[2]
                if family not in headers or family in seen_here:  # the first replica's headers stand
                    headers.setdefault(family, []).append(line)
                    seen_here.add(family)
                samples.setdefault(family, [])
            elif line and not line.startswith("#"):
                samples.setdefault(family, []).append(_label(line, replica))
    out = []
    for family, lines in samples.items():
        out += headers.get(family, []) + lines
    return "\n".join(out) + "\n"


def _label(line: str, replica: int) -> str:
    m = _SAMPLE.match(line)
    if not m or line.startswith("#"):
        return line
    name, labels, rest = m.group(1), m.group(2), m.group(3)
    inner = f'replica="{replica}"' + (("," + labels[1:-1]) if labels and labels != "{}" else "")
    return f"{name}{{{inner}}}{rest}"


def _close(resp: httpx.Response):
    from starlette.background import BackgroundTask

    return BackgroundTask(resp.aclose)


def main() -> None:
    parser = argparse.ArgumentParser(description="Round-robin front for local Compass simulator replicas")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--backend", action="append", required=True, help="replica base URL (repeatable)")
    args = parser.parse_args()
    uvicorn.run(create_front(args.backend), host=args.host, port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
