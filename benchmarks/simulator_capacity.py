"""How many concurrent streaming requests one simulator process serves while keeping its own timing accurate.

For each concurrency N (doubling-ish steps) a fresh simulator child process starts (``SimulatorProcess``,
max_num_seqs >= N so all N streams decode together), and this process opens N streams at once with a small
asyncio HTTP/1.1 client (raw sockets: an httpx client would spend more CPU than the server it measures on a
2-core machine). For every stream the client times each SSE token line.

Timing error = measured mean inter-token gap / intended gap - 1, where the intended gap is what the engine
model scheduled: ``compass_simulator_intended_gap_seconds_total / compass_simulator_decode_tokens_total`` over
the run (the modelled iteration durations, without any time the loop lost; simulated seconds = wall seconds at
time scale 1). The server also reports its own view: how late its iterations ended
(``compass_simulator_iteration_lateness_seconds``) and any simulated time it had to give up
(``compass_simulator_skipped_seconds_total``). Both processes' CPU use is printed (fraction of one core).

Usage: python benchmarks/simulator_capacity.py [--levels 100,250,500,750,1000] [--seconds 15]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from prometheus_client.parser import text_string_to_metric_families  # noqa: E402

from simulator.server import SimulatorConfig, SimulatorProcess, resolve  # noqa: E402

MODEL, GPU = "meta-llama/Llama-3.1-8B-Instruct", "H100"
PROMPT = "Tell me about continuous batching in inference servers and how it shares a GPU among many users."
TARGET_ERROR = 0.05


@dataclass
class StreamResult:
    times: list[float]
    ok: bool


async def one_stream(host: str, port: int, body: bytes, start: asyncio.Event) -> StreamResult:
    await start.wait()
    times: list[float] = []
    try:
        reader, writer = await asyncio.open_connection(host, port, limit=1 << 20)
        writer.write(b"POST /v1/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
        await writer.drain()
        status = await reader.readline()
        if b" 200 " not in status:
            writer.close()
            return StreamResult(times, False)
        while True:
            line = await reader.readline()
            if not line:
                break
            if line.startswith(b"data: "):
                if line.startswith(b"data: [DONE]"):
                    break
                if b'"text"' in line:
                    times.append(time.perf_counter())
        writer.close()
        return StreamResult(times, True)
    except OSError:
        return StreamResult(times, False)


async def drive(host: str, port: int, n: int, max_tokens: int) -> list[StreamResult]:
    body = json.dumps({"model": MODEL, "prompt": PROMPT, "max_tokens": max_tokens, "stream": True,
                       "ignore_eos": True}).encode()
    start = asyncio.Event()
    tasks = [asyncio.create_task(one_stream(host, port, body, start)) for _ in range(n)]
    await asyncio.sleep(0.2)
    start.set()
    return await asyncio.gather(*tasks)


def scrape(url: str) -> dict[str, float]:
    text = urllib.request.urlopen(f"{url}/metrics", timeout=10).read().decode()
    out: dict[str, float] = {}
    for fam in text_string_to_metric_families(text):
        for s in fam.samples:
            if s.name in ("compass_simulator_intended_gap_seconds_total", "compass_simulator_decode_tokens_total",
                          "compass_simulator_skipped_seconds_total", "compass_simulator_iteration_lateness_seconds_sum",
                          "compass_simulator_iteration_lateness_seconds_count", "compass_simulator_iterations_total"):
                out[s.name] = out.get(s.name, 0.0) + s.value
            if s.name == "compass_simulator_iteration_lateness_seconds_bucket" and s.labels["le"] == "0.005":
                out["late_le_5ms"] = out.get("late_le_5ms", 0.0) + s.value
    return out


def proc_cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def level(n: int, seconds: float) -> dict[str, float]:
    config = SimulatorConfig(model=MODEL, gpu=GPU, max_num_seqs=max(256, n), max_model_len=4096, seed=1)
    setup = resolve(config)
    itl_s = setup.step.iteration_ms([], [120] * n) / 1e3
    max_tokens = max(50, int(seconds / itl_s))
    with SimulatorProcess(config) as sim:
        before = scrape(sim.url)
        cpu0, client0, wall0 = proc_cpu_s(sim.proc.pid), time.process_time(), time.perf_counter()
        results = asyncio.run(drive(sim.host, sim.port, n, max_tokens))
        wall = time.perf_counter() - wall0
        server_cpu, client_cpu = proc_cpu_s(sim.proc.pid) - cpu0, time.process_time() - client0
        after = scrape(sim.url)
    d = {k: after.get(k, 0.0) - before.get(k, 0.0) for k in after}
    intended = d["compass_simulator_intended_gap_seconds_total"] / max(d["compass_simulator_decode_tokens_total"], 1)
    gaps = [(r.times[-1] - r.times[0]) / (len(r.times) - 1) for r in results if r.ok and len(r.times) > 2]
    errors = sorted(abs(g / intended - 1) for g in gaps)
    measured = statistics.fmean(gaps) if gaps else float("nan")
    return {"n": n, "ok": len(gaps), "max_tokens": max_tokens, "intended_ms": intended * 1e3,
            "measured_ms": measured * 1e3, "error": measured / intended - 1,
            "p95_stream_error": errors[int(0.95 * (len(errors) - 1))] if errors else float("nan"),
            "skipped_s": d.get("compass_simulator_skipped_seconds_total", 0.0),
            "late_mean_ms": 1e3 * d.get("compass_simulator_iteration_lateness_seconds_sum", 0.0)
            / max(d.get("compass_simulator_iteration_lateness_seconds_count", 1), 1),
            "late_over_5ms": 1 - d.get("late_le_5ms", 0.0) / max(d.get("compass_simulator_iterations_total", 1), 1),
            "server_cpu": server_cpu / wall, "client_cpu": client_cpu / wall, "wall_s": wall}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--levels", default="100,250,500,750,1000,1250")
    parser.add_argument("--seconds", type=float, default=15.0, help="length of each stream")
    args = parser.parse_args()
    print(f"{MODEL} on {GPU}; one server process, one client process, {os.cpu_count()} cores")
    print(f"{'streams':>7} {'ok':>5} {'intended':>9} {'measured':>9} {'error':>7} {'p95 stream':>10} "
          f"{'late>5ms':>8} {'skipped':>8} {'srv cpu':>7} {'cli cpu':>7}")
    best = 0
    for n in (int(x) for x in args.levels.split(",")):
        r = level(n, args.seconds)
        passed = r["ok"] == n and abs(r["error"]) < TARGET_ERROR
        print(f"{n:>7} {r['ok']:>5} {r['intended_ms']:>7.1f}ms {r['measured_ms']:>7.1f}ms {r['error']:>+7.1%} "
              f"{r['p95_stream_error']:>10.1%} {r['late_over_5ms']:>8.1%} {r['skipped_s']:>7.2f}s "
              f"{r['server_cpu']:>7.0%} {r['client_cpu']:>7.0%}  {'ok' if passed else 'FAIL'}", flush=True)
        if not passed:
            break
        best = n
    print(f"largest concurrency within {TARGET_ERROR:.0%} timing error: {best} streams")


if __name__ == "__main__":
    main()
