"""Prometheus metrics under vLLM's names, types, buckets and labels (``model_name``, ``engine``), updated live.

Histograms are kept as plain counters per bucket (the engine records a token per running request per step,
so ``observe`` must cost well under a microsecond) and rendered by a custom collector in the server's own
``CollectorRegistry`` at scrape time. Gauges are read from the engines when scraped.

Times are simulated seconds: with ``--time-scale`` > 1 they are what the real engine would show, not the
(shorter) wall-clock durations the clients see.

Besides the ``vllm:*`` series, ``compass_simulator_*`` series report the simulator's own timing accuracy:
how late iterations ended against the intended schedule.
"""

from __future__ import annotations

from bisect import bisect_left
from typing import Iterable, Protocol, Sequence

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily, Metric
from prometheus_client.utils import floatToGoString

TTFT_BUCKETS = (0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0,
                40.0, 80.0, 160.0, 640.0, 2560.0)
TPOT_BUCKETS = (0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0,
                80.0)
REQUEST_LATENCY_BUCKETS = (0.3, 0.5, 0.8, 1.0, 1.5, 2.0, 2.5, 5.0, 10.0, 15.0, 20.0, 30.0, 40.0, 50.0, 60.0, 120.0,
                           240.0, 480.0, 960.0, 1920.0, 7680.0)
ITERATION_TOKEN_BUCKETS = (1, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384)
LATENESS_BUCKETS = (0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 1.0)
FINISH_REASONS = ("stop", "length", "abort")


def buckets_1_2_5(limit: int) -> tuple[int, ...]:
    """vLLM's token-count buckets: 1, 2, 5, 10, 20, 50, ... up to ``limit``."""
    out, scale = [], 1
    while True:
        for m in (1, 2, 5):
            if m * scale > limit:
                return tuple(out)
            out.append(m * scale)
        scale *= 10


class Histogram:
    __slots__ = ("bounds", "counts", "total")

    def __init__(self, bounds: Sequence[float]):
        self.bounds = tuple(float(b) for b in bounds)
        self.counts = [0] * (len(self.bounds) + 1)
        self.total = 0.0

    def observe(self, value: float, n: int = 1) -> None:
        self.counts[bisect_left(self.bounds, value)] += n
        self.total += value * n

    def cumulative(self) -> list[tuple[str, float]]:
        out, acc = [], 0
        for bound, count in zip((*self.bounds, float("inf")), self.counts):
            acc += count
            out.append((floatToGoString(bound), acc))
        return out

    @property
    def count(self) -> int:
        return sum(self.counts)


class EngineStats:
    """Everything one engine rank records; read by the collector."""

    def __init__(self, max_model_len: int):
        self.prompt_tokens = 0
        self.generation_tokens = 0
        self.preemptions = 0
        self.success = dict.fromkeys(FINISH_REASONS, 0)
        token_buckets = buckets_1_2_5(max_model_len)
        self.ttft = Histogram(TTFT_BUCKETS)
        self.itl = Histogram(TPOT_BUCKETS)  # per output token after the first
        self.e2e = Histogram(REQUEST_LATENCY_BUCKETS)
        self.queue = Histogram(REQUEST_LATENCY_BUCKETS)
        self.inference = Histogram(REQUEST_LATENCY_BUCKETS)
        self.prefill = Histogram(REQUEST_LATENCY_BUCKETS)
        self.decode = Histogram(REQUEST_LATENCY_BUCKETS)
        self.request_prompt_tokens = Histogram(token_buckets)
        self.request_generation_tokens = Histogram(token_buckets)
        self.max_tokens_param = Histogram(token_buckets)
        self.n_param = Histogram((1, 2, 5, 10, 20))
        self.iteration_tokens = Histogram(ITERATION_TOKEN_BUCKETS)
        # the simulator's own accuracy
        self.iterations = 0
        self.lateness = Histogram(LATENESS_BUCKETS)  # wall seconds an iteration ended after its intended time
        self.skipped_s = 0.0  # simulated seconds given up when the loop fell too far behind
        self.intended_gap_s = 0.0  # sum over decode tokens of the modelled duration of their iteration
        self.decode_tokens = 0


class EngineView(Protocol):
    stats: EngineStats

    @property
    def num_running(self) -> int: ...

    @property
    def num_waiting(self) -> int: ...

    def kv_usage(self) -> float: ...


class ServerMetrics:
    """A collector over the engines' state, registered in a registry of its own."""

    def __init__(self, model_name: str, engines: Sequence[EngineView], cache_info: dict[str, str]):
        self.model_name = model_name
        self.engines = engines
        self.cache_info = cache_info
        self.registry = CollectorRegistry(auto_describe=False)
        self.registry.register(self)  # type: ignore[arg-type]

    def render(self) -> bytes:
        return generate_latest(self.registry)

    def _labels(self) -> list[tuple[list[str], EngineView]]:
        return [([self.model_name, str(i)], e) for i, e in enumerate(self.engines)]

    def collect(self) -> Iterable[Metric]:
        labels = ["model_name", "engine"]
        rows = self._labels()
        yield from self._gauges(labels, rows)
        yield from self._counters(labels, rows)
        yield from self._histograms(labels, rows)
        info = GaugeMetricFamily("vllm:cache_config_info", "Information of the LLMEngine CacheConfig",
                                 labels=[*self.cache_info, "engine"])
        for i, _ in enumerate(self.engines):
            info.add_metric([*self.cache_info.values(), str(i)], 1.0)
        yield info

    def _gauges(self, labels, rows) -> Iterable[Metric]:
        specs = [("vllm:num_requests_running", "Number of requests in model execution batches.",
                  lambda e: e.num_running),
                 ("vllm:num_requests_waiting", "Number of requests waiting to be processed.", lambda e: e.num_waiting),
                 ("vllm:kv_cache_usage_perc", "KV-cache usage. 1 means 100 percent usage.", lambda e: e.kv_usage()),
                 ("vllm:gpu_cache_usage_perc", "GPU KV-cache usage. 1 means 100 percent usage. "
                  "DEPRECATED: Use vllm:kv_cache_usage_perc instead.", lambda e: e.kv_usage())]
        for name, doc, read in specs:
            g = GaugeMetricFamily(name, doc, labels=labels)
            for values, engine in rows:
                g.add_metric(values, float(read(engine)))
            yield g

    def _counters(self, labels, rows) -> Iterable[Metric]:
        specs = [("vllm:num_preemptions", "Cumulative number of preemption from the engine.", "preemptions"),
                 ("vllm:prompt_tokens", "Number of prefill tokens processed.", "prompt_tokens"),
                 ("vllm:generation_tokens", "Number of generation tokens processed.", "generation_tokens"),
                 ("compass_simulator_iterations", "Engine iterations simulated.", "iterations"),
                 ("compass_simulator_skipped_seconds", "Simulated seconds given up when the event loop fell behind "
                  "(0 while the simulator keeps up).", "skipped_s"),
                 ("compass_simulator_intended_gap_seconds", "Sum over decode tokens of the modelled duration of the "
                  "iteration that produced them (the intended inter-token gaps).", "intended_gap_s"),
                 ("compass_simulator_decode_tokens", "Decode tokens produced (tokens after each request's first).",
                  "decode_tokens")]
        for name, doc, attr in specs:
            c = CounterMetricFamily(name, doc, labels=labels)
            for values, engine in rows:
                c.add_metric(values, float(getattr(engine.stats, attr)))
            yield c
        c = CounterMetricFamily("vllm:request_success", "Count of successfully processed requests.",
                                labels=[*labels, "finished_reason"])
        for values, engine in rows:
            for reason, n in engine.stats.success.items():
                c.add_metric([*values, reason], float(n))
        yield c

    def _histograms(self, labels, rows) -> Iterable[Metric]:
        specs = [("vllm:time_to_first_token_seconds", "Histogram of time to first token in seconds.", "ttft"),
                 ("vllm:time_per_output_token_seconds", "Histogram of time per output token in seconds.", "itl"),
                 ("vllm:inter_token_latency_seconds", "Histogram of inter-token latency in seconds.", "itl"),
                 ("vllm:e2e_request_latency_seconds", "Histogram of e2e request latency in seconds.", "e2e"),
                 ("vllm:request_queue_time_seconds", "Histogram of time spent in WAITING phase for request.",
                  "queue"),
                 ("vllm:request_inference_time_seconds", "Histogram of time spent in RUNNING phase for request.",
                  "inference"),
                 ("vllm:request_prefill_time_seconds", "Histogram of time spent in PREFILL phase for request.",
                  "prefill"),
                 ("vllm:request_decode_time_seconds", "Histogram of time spent in DECODE phase for request.",
                  "decode"),
                 ("vllm:request_prompt_tokens", "Number of prefill tokens processed.", "request_prompt_tokens"),
                 ("vllm:request_generation_tokens", "Number of generation tokens processed.",
                  "request_generation_tokens"),
                 ("vllm:request_params_max_tokens", "Histogram of the max_tokens request parameter.",
                  "max_tokens_param"),
                 ("vllm:request_params_n", "Histogram of the n request parameter.", "n_param"),
                 ("vllm:iteration_tokens_total", "Histogram of number of tokens per engine_step.", "iteration_tokens"),
                 ("compass_simulator_iteration_lateness_seconds", "Wall-clock seconds an engine iteration ended "
                  "after its intended time (the simulator's own timing error).", "lateness")]
        for name, doc, attr in specs:
            h = HistogramMetricFamily(name, doc, labels=labels)
            for values, engine in rows:
                hist: Histogram = getattr(engine.stats, attr)
                h.add_metric(values, hist.cumulative(), hist.total)
            yield h
