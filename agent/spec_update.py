"""Apply the spec acts of a turn (agent/acts.py) to the spec: the only place the spec changes.

Stated values win over assumptions; assumed values that depended on a changed field are dropped (so the planner
derives them again); every change is recorded as before -> after for the echo and for undo; restating a value
that did not change is reported as unchanged; a value that fails validation is explained, never applied; a
reading marked unsure is held back as a question.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field, ValidationError

from agent.acts import (
    LIST_FIELDS, SCALAR_FIELDS, Confirm, Correct, DontKnow, Exclude, Include, SetField, UnsetField,
)
from agent.clarify import defaults_for
from knowledge.catalog import Catalog, UnknownNameError
from knowledge.domain import SPEC_FIELDS, DeploymentSpec, derived_from_stated, implausible_rate_per_user


# choices the user may leave to Compass again ("let Compass pick the precision")
_CHOICES = ("precision", "priority", "price_tier", "cost_model")


class Change(BaseModel):
    field: str
    before: Any = None
    after: Any = None
    span: str = ""
    note: str | None = Field(default=None, description="how the value was read, e.g. a currency conversion")


class SpecUpdate(BaseModel):
    spec: DeploymentSpec
    changes: list[Change] = Field(default_factory=list, description="fields whose value changed")
    unchanged: list[Change] = Field(default_factory=list, description="restated values that were already so")
    rejected: list[str] = Field(default_factory=list, description="values that failed validation, in words")
    warnings: list[str] = Field(default_factory=list, description="implausible combinations, in words")
    declined: list[str] = Field(default_factory=list, description="fields withdrawn or not known by the user")
    defaulted: list[str] = Field(default_factory=list, description="fields given their default ('don't know')")
    to_confirm: list[SetField] = Field(default_factory=list, description="unsure readings, asked back")


class _Applier:
    def __init__(self, spec: DeploymentSpec, catalog: Catalog, asked: list[str], pending: list[SetField]):
        self.original, self.spec, self.catalog = spec, spec, catalog
        self.asked, self.pending = asked, pending
        self.out = SpecUpdate(spec=spec)
        self.spans: dict[str, str] = {}
        self.notes: dict[str, str] = {}
        self.restated: dict[str, str] = {}

    def apply(self, act: Any) -> None:
        if isinstance(act, SetField):
            if not act.sure:
                self.out.to_confirm.append(act)
            else:
                self._set(act.field, act.value, act.span, act.note, act.inferred)
        elif isinstance(act, Correct):
            if act.value is None:
                self._unset(act.field, act.span)
            else:
                self._set(act.field, act.value, act.span, None)
        elif isinstance(act, UnsetField):
            self._unset(act.field, act.span)
        elif isinstance(act, Include):
            self._include(act)
        elif isinstance(act, Exclude):
            self._exclude(act)
        elif isinstance(act, DontKnow):
            self._dont_know(act.fields or self.asked, act.span)
        elif isinstance(act, Confirm):
            for pending in self.pending:
                self._set(pending.field, pending.value, pending.span, pending.note, pending.inferred)

    # ------------------------------------------------------------------ scalar fields

    def _set(self, field: str, value: Any, span: str, note: str | None, inferred: bool = False) -> None:
        if value is None:
            self._unset(field, span)
            return
        if field in LIST_FIELDS:
            names = [str(v) for v in (value if isinstance(value, list) else [value]) if isinstance(v, (str, int, float))]
            kind = "gpu" if "gpus" in field else "model"
            if names:
                self.apply(Exclude(kind=kind, names=names, span=span) if field.startswith("exclude")
                           else Include(kind=kind, names=names, only=True, span=span))
            else:
                self._unset(field, span)
            return
        if field not in SCALAR_FIELDS:
            self.out.rejected.append(f"'{field}' is not something I track (use one of {', '.join(SCALAR_FIELDS)})")
            return
        same = self.spec.is_set(field) and _same(getattr(self.spec, field), value)
        if same and (self.spec.stated(field) or inferred):  # a reading never downgrades what was said
            self.restated[field] = span
            return
        if inferred:  # recorded as an assumption, with the words it was read from (and the reader's why, if it said one)
            note = (f'inferred from "{span}"' if span else "inferred from your description") + (f": {note}" if note else "")
        try:
            self.spec = self.spec.with_values("assumed" if inferred else "stated", note, **{field: value})
        except (ValidationError, ValueError) as exc:
            msg = exc.errors()[0]["msg"] if isinstance(exc, ValidationError) else str(exc)
            self.out.rejected.append(f"{field} = {value!r}: {msg}")
            return
        self.spans[field] = span
        if note:
            self.notes[field] = note

    def _unset(self, field: str, span: str) -> None:
        if field not in SCALAR_FIELDS and field not in LIST_FIELDS:
            self.out.rejected.append(f"'{field}' is not something I track")
            return
        if self.spec.is_set(field):
            self.spec = self.spec.cleared(field)
            self.spans[field] = span
        self.out.declined.append(field)

    def _dont_know(self, fields: list[str], span: str) -> None:
        for field in fields:  # "let Compass pick the precision" of one the user set: theirs no longer
            # (only a choice is left to Compass this way; "not sure how many users" keeps the count said)
            if field in _CHOICES and self.spec.stated(field):
                self.spec = self.spec.cleared(field)
                self.spans[field] = span
        values = {k: v for k, v in defaults_for(fields).items() if not self.spec.is_set(k)}
        self.spec = apply_defaults(self.spec, values, "you were not sure, so I took the default")
        self.out.defaulted += [k for k in values if k not in self.out.defaulted]
        self.spans.update({k: span for k in values})
        self.out.declined += [f for f in fields if f not in self.out.declined]

    # ------------------------------------------------------------------ GPUs, vendors, models

    def _names(self, kind: str, names: list[str]) -> list[str]:
        out: list[str] = []
        for name in names:
            try:
                if kind == "gpu":
                    out.append(self.catalog.gpu(str(name)).name)
                elif kind == "model":
                    out.append(self.catalog.model(str(name)).id)
                else:
                    vendor = str(name).strip().lower()
                    found = [g.name for g in self.catalog.gpus if g.vendor == vendor]
                    if not found:
                        raise UnknownNameError("GPU vendor", str(name), sorted({g.vendor for g in self.catalog.gpus}))
                    out += found
            except UnknownNameError as exc:
                self.out.rejected.append(str(exc))
        return list(dict.fromkeys(out))

    def _lists(self, kind: str) -> tuple[str, str]:
        return ("models", "exclude_models") if kind == "model" else ("gpus", "exclude_gpus")

    def _include(self, act: Include) -> None:
        names = self._names(act.kind, act.names)
        if not names:
            return
        allow, deny = self._lists(act.kind)
        allowed, denied = list(getattr(self.spec, allow)), list(getattr(self.spec, deny))
        if act.kind == "vendor" and act.only:  # "NVIDIA only": every other vendor's GPUs are out
            others = [g.name for g in self.catalog.gpus if g.name not in names]
            self._put(deny, [d for d in denied if d not in names] + [o for o in others if o not in denied], act.span)
            return
        if act.only:
            new_allowed = names
        else:
            new_allowed = allowed + [n for n in names if n not in allowed] if allowed else []
        self._put(allow, new_allowed, act.span)
        self._put(deny, [d for d in denied if d not in names], act.span)

    def _exclude(self, act: Exclude) -> None:
        names = self._names(act.kind, act.names)
        if not names:
            return
        allow, deny = self._lists(act.kind)
        allowed, denied = list(getattr(self.spec, allow)), list(getattr(self.spec, deny))
        self._put(deny, names if act.only else denied + [n for n in names if n not in denied], act.span)
        if allowed:
            self._put(allow, [a for a in allowed if a not in names], act.span)

    def _put(self, field: str, value: list[str], span: str) -> None:
        if value == list(getattr(self.spec, field)):
            if value and span:
                self.restated[field] = span
            return
        self.spec = self.spec.with_values("stated", None, **{field: value}) if value else self.spec.cleared(field)
        self.spans[field] = span

    # ------------------------------------------------------------------ result

    def result(self) -> SpecUpdate:
        changed = [f for f in self.spans if not _same(getattr(self.original, f), getattr(self.spec, f))]
        fresh = self.spec.without_stale_assumptions(changed)
        spec = derived_from_stated(fresh)  # what follows from the values alone is derived now, not at planning
        derived = [f for f in SPEC_FIELDS if f not in changed and spec.is_set(f)
                   and not _same(getattr(fresh, f), getattr(spec, f))
                   and not _same(getattr(self.original, f), getattr(spec, f))]
        out = self.out
        out.spec = spec
        out.changes = [Change(field=f, before=getattr(self.original, f), after=getattr(spec, f), span=self.spans[f],
                              note=self.notes.get(f)) for f in changed]
        out.changes += [Change(field=f, before=getattr(self.original, f), after=getattr(spec, f),
                               note=spec.sources[f].note) for f in derived]
        same = {**{f: s for f, s in self.spans.items() if f not in changed}, **self.restated}
        out.unchanged = [Change(field=f, before=getattr(spec, f), after=getattr(spec, f), span=s)
                         for f, s in same.items() if f not in changed and spec.is_set(f)]
        out.warnings = plausibility(spec) if changed else []
        return out


def _same(a: Any, b: Any) -> bool:
    a, b = getattr(a, "value", a), getattr(b, "value", b)
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        return abs(float(a) - float(b)) <= 1e-9 * max(1.0, abs(float(a)))
    return a == b


def apply_acts(spec: DeploymentSpec, acts: list[Any], catalog: Catalog, *, asked: list[str] | None = None,
               pending: list[SetField] | None = None) -> SpecUpdate:
    """The spec after ``acts``, with what changed; ``asked``: the fields of the last question (for "I don't
    know"); ``pending``: readings asked back last turn (for "yes")."""
    applier = _Applier(spec, catalog, list(asked or []), list(pending or []))
    for act in acts:
        applier.apply(act)
    return applier.result()


def plausibility(spec: DeploymentSpec) -> list[str]:
    warnings = []
    if spec.stated("users") and spec.stated("rps") and (why := implausible_rate_per_user(spec.users, spec.rps)):
        warnings.append(why)
    if spec.rps and spec.peak_rps and spec.peak_rps < spec.rps:
        warnings.append(f"the peak ({spec.peak_rps:g} req/s) is below the average ({spec.rps:g} req/s)")
    if spec.ttft_p95_ms and spec.e2e_p95_ms and spec.ttft_p95_ms > spec.e2e_p95_ms:
        warnings.append(f"the TTFT target ({spec.ttft_p95_ms:g} ms) is longer than the end-to-end target "
                        f"({spec.e2e_p95_ms:g} ms)")
    return warnings


def apply_defaults(spec: DeploymentSpec, defaults: dict[str, Any], note: str) -> DeploymentSpec:
    """Fill fields the user did not give when asked, marked as assumed."""
    values = {k: v for k, v in defaults.items() if not spec.is_set(k)}
    return spec.with_values("assumed", note, **values) if values else spec
