"""Would a learned reader of the use case beat the offline brain's rules? (prints figures; not a test)

    python benchmarks/use_case_classifier.py [--folds 10] [--alpha 0.5]

The question behind it: the blind rounds' held-out halves stopped moving when rules were added against the dev
halves (docs/evals.md), so would a classifier trained on the dev halves' labelled messages generalise better?
The data: every scenario of a blind dev half whose expected spec names a use case, its first user message and
that label. The classifier: multinomial naive Bayes over lower-case words and word pairs (features seen in at
least two messages), standard Laplace smoothing ``--alpha``. Nothing from it ships.

Figures, all from the dev halves only (k-fold cross-validation, folds by a seeded shuffle):
1. the classifier alone: accuracy by confidence (the winning class's posterior);
2. the rules on the same first messages (``parse_strict``, no conversation context): how often they name a use
   case, and how often correctly;
3. the two combinations a product could ship: the classifier fills in where the rules name nothing, or
   overrides the rules when it is very confident: how many it gets right or breaks.
``--holdout`` adds the same figures for a classifier trained on every dev message and run on the held-out halves:
a measurement to report, never one to choose a threshold by.
"""

from __future__ import annotations

import argparse
import math
import random
import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from agent.offline.parser import parse_strict  # noqa: E402
from evals.scenario import load_suite, packaged_suites  # noqa: E402
from knowledge.catalog import Catalog  # noqa: E402

_WORD = re.compile(r"[a-z][a-z'+#.-]*[a-z+#]|[a-z]")
THRESHOLDS = (0.0, 0.5, 0.8, 0.9, 0.95, 0.99)


@dataclass
class Row:
    text: str
    label: str
    rules: str | None = None


def rows(half: str, catalog: Catalog) -> list[Row]:
    out = []
    for name, path in sorted(packaged_suites().items()):
        if not (name.startswith("blind") and name.endswith(half)):
            continue
        for sc in load_suite(path).scenarios:
            label = (sc.expect.spec or {}).get("use_case")
            first = next((t for t in sc.turns if isinstance(t, str)), None)
            if isinstance(label, str) and first:
                found = parse_strict(first, catalog).updates.get("use_case")
                out.append(Row(first, label, getattr(found, "value", found)))
    return out


def features(text: str) -> set[str]:
    words = _WORD.findall(text.lower())
    return set(words) | {f"{a} {b}" for a, b in zip(words, words[1:])}


class NaiveBayes:
    def __init__(self, texts: list[str], labels: list[str], alpha: float):
        self.alpha, self.prior = alpha, Counter(labels)
        self.counts: dict[str, Counter] = {label: Counter() for label in self.prior}
        seen: Counter = Counter()
        for text, label in zip(texts, labels):
            f = features(text)
            self.counts[label].update(f)
            seen.update(f)
        self.vocab = {f for f, n in seen.items() if n >= 2}
        self.total = {label: sum(n for f, n in c.items() if f in self.vocab) for label, c in self.counts.items()}

    def best(self, text: str) -> tuple[str, float]:
        f = features(text) & self.vocab
        n, v = sum(self.prior.values()), len(self.vocab)
        scores = {label: math.log(self.prior[label] / n)
                  + sum(math.log((self.counts[label][x] + self.alpha) / (self.total[label] + self.alpha * v)) for x in f)
                  for label in self.prior}
        top = max(scores, key=scores.get)
        z = sum(math.exp(s - scores[top]) for s in scores.values())
        return top, 1 / z


def cross_validated(data: list[Row], folds: int, alpha: float) -> list[tuple[str, float]]:
    order = list(range(len(data)))
    random.Random(0).shuffle(order)
    out: list[tuple[str, float]] = [("", 0.0)] * len(data)
    for k in range(folds):
        test = set(order[k::folds])
        model = NaiveBayes([data[i].text for i in order if i not in test],
                           [data[i].label for i in order if i not in test], alpha)
        for i in test:
            out[i] = model.best(data[i].text)
    return out


def report(title: str, data: list[Row], guesses: list[tuple[str, float]]) -> None:
    print(f"\n{title}: {len(data)} messages")
    for t in THRESHOLDS:
        kept = [(g, r.label) for (g, c), r in zip(guesses, data) if c >= t]
        right = sum(g == y for g, y in kept)
        print(f"  classifier alone, confidence >= {t:<4}: {len(kept):4d} answered, {right / max(1, len(kept)):.1%} right")
    named = [r for r in data if r.rules]
    print(f"  rules: name a use case for {len(named)} of {len(data)}, "
          f"{sum(r.rules == r.label for r in named) / max(1, len(named)):.1%} right")
    unnamed = [(g, r) for g, r in zip(guesses, data) if not r.rules]
    for t in (0.8, 0.9, 0.95):
        filled = [(g, r) for (g, c), r in unnamed if c >= t]
        print(f"  fill where the rules name none, confidence >= {t}: {len(filled)} of {len(unnamed)} filled, "
              f"{sum(g == r.label for g, r in filled)} right")
    for t in (0.99, 0.999):
        fixes = sum(1 for (g, c), r in zip(guesses, data) if r.rules and r.rules != r.label and c >= t and g == r.label)
        breaks = sum(1 for (g, c), r in zip(guesses, data) if r.rules and r.rules == r.label and c >= t and g != r.label)
        print(f"  override the rules, confidence >= {t}: fixes {fixes}, breaks {breaks}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--folds", type=int, default=10)
    ap.add_argument("--alpha", type=float, default=0.5)
    ap.add_argument("--holdout", action="store_true", help="also run on the held-out halves (report only)")
    args = ap.parse_args()
    catalog = Catalog.from_files()
    dev = rows("-dev", catalog)
    print("labels (dev):", ", ".join(f"{k} {n}" for k, n in Counter(r.label for r in dev).most_common()))
    report(f"dev halves, {args.folds}-fold cross-validation", dev, cross_validated(dev, args.folds, args.alpha))
    if args.holdout:
        model = NaiveBayes([r.text for r in dev], [r.label for r in dev], args.alpha)
        held = rows("-holdout", catalog)
        report("held-out halves (trained on every dev message)", held, [model.best(r.text) for r in held])


if __name__ == "__main__":
    main()
