"""Least squares for calibration: bounded parameters and a small Levenberg-Marquardt (numpy only)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from simulator.perf.coefficients import EngineCoefficients

# (lower, upper) for each coefficient the fit may move; the others keep their prior.
BOUNDS: dict[str, tuple[float, float]] = {
    "bw_eff": (0.05, 1.0),
    "flops_eff": (0.05, 1.0),
    "gemm_lat_us": (0.2, 100.0),
    "fp8_flops_eff": (0.05, 1.0),
    "fp8_bw_eff": (0.05, 1.0),
    "quant_lat_us": (0.2, 200.0),
    "quant_act_factor": (0.05, 20.0),
    "attn_lat_us": (0.2, 100.0),
    "attn_seq_us": (0.001, 20.0),
    "attn_min_keys": (1.0, 4096.0),
    "attn_bw_eff": (0.05, 1.0),
    "attn_fp8_bw_eff": (0.05, 1.0),
    "attn_flops_eff": (0.02, 1.0),
    "moe_flops_eff": (0.05, 2.0),
    "moe_bw_eff": (0.05, 2.0),
    "fp4_flops_eff": (0.02, 1.0),
    "fp4_bw_eff": (0.05, 1.0),
    "wonly_flops_eff": (0.02, 1.0),
    "wonly_bw_eff": (0.05, 1.0),
    # A served pass replays CUDA graphs: a kernel's call floor there is at most its isolated one in the kernel
    # tables. Unbounded, the end-to-end fit raised them to absorb other models' misses (Blackwell 1.22; Hopper 1.09,
    # 1.22 with gpt-oss-120b left out, which then decoded 15-20% slow: its small layers are mostly floors).
    "floor_scale": (0.2, 1.0),
    "compute_scale": (0.4, 1.6),
    "step_ms": (0.01, 30.0),
    "layer_us": (0.1, 300.0),
    "moe_layer_us": (0.1, 300.0),
    "moe_ep_lat_us": (0.1, 200.0),
    "ep_imbalance": (1.0, 4.0),
    "seq_us": (0.1, 200.0),
    "comm_latency_us": (0.5, 200.0),
    "comm_eff": (0.05, 1.0),
    "a2a_lat_us": (1.0, 500.0),
    "a2a_eff": (0.02, 1.5),
    "ttft_ms": (0.1, 300.0),
    "ttft_per_seq_ms": (0.001, 20.0),
    "ttft_prompt_us": (0.01, 100.0),
}


@dataclass(frozen=True)
class Parameterization:
    """Maps unconstrained vectors to coefficients: a logistic squash into each coefficient's bounds."""

    names: tuple[str, ...]
    base: EngineCoefficients

    def to_coefficients(self, x: np.ndarray) -> EngineCoefficients:
        values = {}
        for name, xi in zip(self.names, x):
            lo, hi = BOUNDS[name]
            values[name] = float(np.exp(np.log(lo) + (np.log(hi) - np.log(lo)) / (1 + np.exp(-xi))))
        return self.base.with_values(**values)

    def from_coefficients(self, c: EngineCoefficients) -> np.ndarray:
        out = []
        for name in self.names:
            lo, hi = BOUNDS[name]
            v = min(max(getattr(c, name), lo * 1.0001), hi * 0.9999)
            s = (np.log(v) - np.log(lo)) / (np.log(hi) - np.log(lo))
            out.append(np.log(s / (1 - s)))
        return np.array(out)


def levenberg_marquardt(residuals: Callable[[np.ndarray], np.ndarray], x0: np.ndarray, *, max_iter: int = 60,
                        step: float = 1e-3, tol: float = 1e-7) -> tuple[np.ndarray, float]:
    """Minimise 0.5 |r(x)|^2 with forward-difference Jacobians; returns (x, cost)."""
    x = x0.astype(float).copy()
    r = residuals(x)
    cost = 0.5 * float(r @ r)
    mu = 1e-2
    for _ in range(max_iter):
        jac = np.empty((len(r), len(x)))
        for j in range(len(x)):
            xj = x.copy()
            xj[j] += step
            jac[:, j] = (residuals(xj) - r) / step
        jtj, jtr = jac.T @ jac, jac.T @ r
        improved = False
        for _ in range(10):
            a = jtj + mu * np.diag(np.diag(jtj) + 1e-9)
            try:
                dx = -np.linalg.solve(a, jtr)
            except np.linalg.LinAlgError:
                mu *= 10
                continue
            x_new = np.clip(x + dx, -12, 12)
            r_new = residuals(x_new)
            cost_new = 0.5 * float(r_new @ r_new)
            if cost_new < cost:
                gain = cost - cost_new
                x, r, cost = x_new, r_new, cost_new
                mu = max(mu / 3, 1e-9)
                improved = True
                break
            mu *= 4
        if not improved or gain < tol * max(cost, 1e-12):
            break
    return x, cost


def huber_weights(r: np.ndarray, delta: float) -> np.ndarray:
    """IRLS weights turning squared loss into Huber loss (sqrt, to multiply residuals)."""
    a = np.abs(r)
    return np.sqrt(np.where(a <= delta, 1.0, delta / np.maximum(a, 1e-12)))
