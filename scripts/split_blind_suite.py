"""Split blind paraphrase scenarios into a dev half and a held-out half by a hash of each scenario id.

The blind scenarios are written by people who never saw agent/ (only the spec fields, the use cases and the
classes of messages to cover). The split is by id, not by choice, so nobody picks which half a scenario lands in:

    python scripts/split_blind_suite.py WRITER_A.yaml WRITER_B.yaml --out evals/suites

writes ``blind-dev.yaml`` (developed against, gated in CI) and ``blind-holdout.yaml`` (run and reported, never
edited to make it pass); ``--name blind2`` writes a later round of writers into ``blind2-*.yaml`` so the first
round's halves stay as they were. Re-running it on the same inputs writes the same files.
"""

from __future__ import annotations

import argparse
import hashlib
from pathlib import Path

import yaml

from evals.scenario import load_suite

HEADER = """\
# {title}
# Written blind: the authors saw only the DeploymentSpec fields, the use cases, the catalog and the classes of
# messages to cover, never agent/ nor the other suites. Split from the writers' files by
# scripts/split_blind_suite.py (sha256 of the scenario id: even first byte -> dev, odd -> holdout).
# {rule}
"""
RULES = {
    "dev": "The dev half: developed against and gated in CI (tests/evals).",
    "holdout": ("The held-out half: run and reported, NEVER read or edited to make it pass. A scenario found wrong "
                "is dropped (and the drop said in the closing note), not rewritten."),
}


def half_of(scenario_id: str) -> str:
    return "dev" if hashlib.sha256(scenario_id.encode()).digest()[0] % 2 == 0 else "holdout"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("inputs", nargs="+", type=Path)
    ap.add_argument("--out", type=Path, default=Path("evals/suites"))
    ap.add_argument("--name", default="blind", help="suite name prefix: writes NAME-dev.yaml and NAME-holdout.yaml")
    args = ap.parse_args()
    halves: dict[str, list[dict]] = {"dev": [], "holdout": []}
    args.out.mkdir(parents=True, exist_ok=True)
    for path in args.inputs:
        load_suite(path)  # validates the format and ids before anything is written
        for scenario in yaml.safe_load(path.read_text(encoding="utf-8"))["scenarios"]:
            halves[half_of(scenario["id"])].append(scenario)
    for half, scenarios in halves.items():
        title = f"Blind paraphrase suite, {half} half ({len(scenarios)} scenarios)."
        body = yaml.safe_dump({"name": f"{args.name}-{half}", "description": title, "scenarios": scenarios},
                              sort_keys=False, allow_unicode=True, width=120)
        out = args.out / f"{args.name}-{half}.yaml"
        out.write_text(HEADER.format(title=title, rule=RULES[half]) + body, encoding="utf-8")
        load_suite(out)
        print(f"{out}: {len(scenarios)} scenarios")


if __name__ == "__main__":
    main()
