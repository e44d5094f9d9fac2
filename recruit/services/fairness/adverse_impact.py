"""Adverse impact figures (DESIGN §12): selection rates per group at each stage, the four-fifths rule and
Fisher's exact test, from counts alone. Plain functions, no database: `loader` fetches the counts.

For each stage after "applied", the selection rate of a group is how many of it reached the stage out of how
many reached the stage before, in the campaigns that have reached the stage. A group's ratio is its rate over the
highest rate among the groups shown; "Prefer not to say" and "Not answered" get a ratio but are never the group
compared against, since they are not a group of people with something in common. A ratio under 0.8 is flagged
(the four-fifths rule). Fisher's exact test (two-sided) compares the group with everyone else at the stage: a
small p-value says a difference this large would rarely arise by chance.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from itertools import pairwise

from recruit.monitoring_questions import BY_KEY, NOT_ANSWERED, NOT_ANSWERED_LABEL, PREFER_NOT_TO_SAY, QUESTIONS
from recruit.services.fairness.stages import STAGE_LABELS, STAGES
from recruit.services.fairness.suppression import Sum, suppress

FOUR_FIFTHS = 0.8
NOT_COMPARED = (PREFER_NOT_TO_SAY, NOT_ANSWERED)
# The broad groupings shown as characteristics of their own, after the question they group.
BROAD = {
    "ethnicity": ("ethnic_group", "Broad ethnic group"),
    "parent_occupation": ("background", "Broad socio-economic background"),
}

# Per campaign: (question key, answer code or NOT_ANSWERED) -> furthest stage reached -> how many.
CampaignCounts = dict[tuple[str, str], dict[str, int]]


@dataclass(frozen=True)
class Rate:
    considered: int
    selected: int
    rate: float | None
    ratio: float | None
    flagged: bool
    p_value: float | None


@lru_cache(maxsize=4096)
def fisher_p(selected: int, considered: int, rest_selected: int, rest_considered: int) -> float:
    from scipy.stats import fisher_exact  # type: ignore[import-untyped]

    table = [[selected, considered - selected], [rest_selected, rest_considered - rest_selected]]
    return float(fisher_exact(table, alternative="two-sided").pvalue)


def rates(
    counts: Mapping[str, tuple[int, int]], comparable: set[str] | None = None, tested: set[str] | None = None
) -> dict[str, Rate]:
    """Per group (considered, selected) -> its rate, ratio to the highest comparable group's rate, the
    four-fifths flag and Fisher's p-value against everyone else. `comparable`: the groups whose rate may be the
    highest (default: all but "Prefer not to say" and "Not answered")."""
    comparable = comparable if comparable is not None else {g for g in counts if g not in NOT_COMPARED}
    own = {g: (s / c if c else None) for g, (c, s) in counts.items()}
    highest = max((r for g, r in own.items() if g in comparable and r is not None), default=None)
    total_c = sum(c for c, _ in counts.values())
    total_s = sum(s for _, s in counts.values())
    out: dict[str, Rate] = {}
    for group, (considered, selected) in counts.items():
        rate = own[group]
        ratio = rate / highest if rate is not None and highest else None
        rest_c, rest_s = total_c - considered, total_s - selected
        wanted = tested is None or group in tested
        p_value = fisher_p(selected, considered, rest_s, rest_c) if wanted and considered and rest_c else None
        out[group] = Rate(considered, selected, rate, ratio, ratio is not None and ratio < FOUR_FIFTHS, p_value)
    return out


@dataclass(frozen=True)
class GroupRow:
    group: str
    label: str
    considered: int | None  # None: suppressed
    selected: int | None
    rate: float | None
    ratio: float | None
    flagged: bool
    p_value: float | None

    @property
    def suppressed(self) -> bool:
        return self.considered is None or self.selected is None


@dataclass(frozen=True)
class TransitionTable:
    stage: str
    previous: str
    reached: bool  # False: no campaign in the figures has reached this stage yet
    campaigns: int
    rows: list[GroupRow] = field(default_factory=list)
    total_considered: int | None = None
    total_selected: int | None = None

    @property
    def label(self) -> str:
        return f"{STAGE_LABELS[self.previous]} to {STAGE_LABELS[self.stage].lower()}"

    @property
    def any_flagged(self) -> bool:
        return any(row.flagged for row in self.rows)


@dataclass(frozen=True)
class Characteristic:
    key: str
    name: str
    transitions: list[TransitionTable]


def characteristics() -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for question in QUESTIONS:
        out.append((question.key, question.characteristic))
        if question.key in BROAD:
            out.append(BROAD[question.key])
    return out


def _groups(key: str) -> tuple[str, list[tuple[str, str, tuple[str, ...]]]]:
    """The question behind a characteristic and its groups: (group, label, the answer codes in it)."""
    for question_key, (broad_key, _) in BROAD.items():
        if key == broad_key:
            question = BY_KEY[question_key]
            names = list(dict.fromkeys(question.groups.values()))
            groups = [(n, n, tuple(c for c, g in question.groups.items() if g == n)) for n in names]
            return question_key, [*groups, *_own_groups(question_key, NOT_COMPARED)]
    return key, _own_groups(key, BY_KEY[key].codes)


def _own_groups(question_key: str, codes: tuple[str, ...]) -> list[tuple[str, str, tuple[str, ...]]]:
    question = BY_KEY[question_key]
    groups: list[tuple[str, str, tuple[str, ...]]] = [(code, question.label(code), (code,)) for code in codes]
    if NOT_ANSWERED not in codes:
        groups.append((NOT_ANSWERED, NOT_ANSWERED_LABEL, (NOT_ANSWERED,)))
    return groups


def _reached(counts: CampaignCounts, question: str, code: str, stage: str) -> int:
    at = counts.get((question, code), {})
    return sum(n for s, n in at.items() if s in STAGES and STAGES.index(s) >= STAGES.index(stage))


Key = tuple[object, ...]


def _cell(question: str, key: str, group: str, codes: tuple[str, ...], stage: str, campaigns: frozenset[int]) -> Key:
    # A group of one answer is the same number wherever it is shown (detailed or broad, "Prefer not to say").
    if len(codes) == 1:
        return ("cell", question, codes[0], stage, campaigns)
    return ("cell", key, group, stage, campaigns)


def build(
    counts: Mapping[int, CampaignCounts],
    reached: Mapping[int, frozenset[str]],
    tested: set[str] | None = None,
) -> list[Characteristic]:
    """Every characteristic's tables, suppressed. A number is identified by what it counts (question, answer,
    stage, the campaigns included), so the same number shown twice (a stage's "selected" and the next stage's
    "considered") is hidden or shown alike, and sums across characteristics are protected together. Fisher's
    test is run for the `tested` characteristics only, if given (a page shows one; the CSV has them all)."""
    present = {(q, c) for per in counts.values() for (q, c) in per if _reached(per, q, c, "applied") > 0}
    transitions: list[tuple[str, str, frozenset[int]]] = []
    columns: set[tuple[str, frozenset[int]]] = set()
    for previous, stage in pairwise(STAGES):
        campaigns = frozenset(c for c, r in reached.items() if stage in r and c in counts)
        transitions.append((previous, stage, campaigns))
        if campaigns:
            columns |= {(previous, campaigns), (stage, campaigns)}
    values: dict[Key, int] = {}
    sums: list[Sum[Key]] = []
    layout: list[tuple[str, str, str, list[tuple[str, str, tuple[str, ...]]]]] = []
    for key, name in characteristics():
        question, all_groups = _groups(key)
        groups = []
        for group, label, codes in all_groups:
            codes = tuple(c for c in codes if (question, c) in present)
            if codes:
                groups.append((group, label, codes))
        layout.append((key, name, question, groups))
        for stage, campaigns in sorted(columns, key=str):
            total: Key = ("total", stage, campaigns)
            parts: list[Key] = []
            for group, _, codes in groups:
                detail = [_cell(question, key, code, (code,), stage, campaigns) for code in codes]
                for cell, code in zip(detail, codes):
                    values[cell] = sum(_reached(counts[c], question, code, stage) for c in campaigns)
                whole = _cell(question, key, group, codes, stage, campaigns)
                if len(codes) > 1:
                    values[whole] = sum(values[d] for d in detail)
                    sums.append(Sum(whole, detail))
                parts.append(whole)
            if parts:
                values[total] = sum(values[p] for p in parts)
                sums.append(Sum(total, parts))
    hidden = suppress(values, sums)
    return [
        _tables(question, key, name, groups, transitions, values, hidden, tested is None or key in tested)
        for key, name, question, groups in layout
    ]


def _tables(
    question: str,
    key: str,
    name: str,
    groups: list[tuple[str, str, tuple[str, ...]]],
    transitions: list[tuple[str, str, frozenset[int]]],
    values: Mapping[Key, int],
    hidden: set[Key],
    test: bool,
) -> Characteristic:
    tables: list[TransitionTable] = []
    for previous, stage, campaigns in transitions:
        if not campaigns or not groups:
            tables.append(TransitionTable(stage, previous, bool(campaigns), len(campaigns)))
            continue
        pairs = {
            g: (_cell(question, key, g, codes, previous, campaigns), _cell(question, key, g, codes, stage, campaigns))
            for g, _, codes in groups
        }
        total_c: Key = ("total", previous, campaigns)
        total_s: Key = ("total", stage, campaigns)
        visible = {g for g, (c, s) in pairs.items() if c not in hidden and s not in hidden} if test else set()
        figures = rates({g: (values[c], values[s]) for g, (c, s) in pairs.items()}, tested=visible)
        # With a total hidden, the p-values (worked out from it) would give it away.
        totals_shown = total_c not in hidden and total_s not in hidden
        rows = []
        for group, label, _ in groups:
            c, s = pairs[group]
            shown = c not in hidden and s not in hidden
            rows.append(
                GroupRow(
                    group,
                    label,
                    values[c] if c not in hidden else None,
                    values[s] if s not in hidden else None,
                    figures[group].rate if shown else None,
                    None,
                    False,
                    figures[group].p_value if shown and totals_shown else None,
                )
            )
        tables.append(
            TransitionTable(
                stage,
                previous,
                True,
                len(campaigns),
                _with_ratios(rows),
                values[total_c] if total_c not in hidden else None,
                values[total_s] if total_s not in hidden else None,
            )
        )
    return Characteristic(key, name, tables)


def _with_ratios(rows: list[GroupRow]) -> list[GroupRow]:
    """Ratios against the highest rate among the rows shown: a suppressed group's rate is not given away by
    being the one the others are divided by."""
    highest = max((r.rate for r in rows if r.rate is not None and r.group not in NOT_COMPARED), default=None)
    out = []
    for row in rows:
        ratio = row.rate / highest if row.rate is not None and highest else None
        out.append(replace(row, ratio=ratio, flagged=ratio is not None and ratio < FOUR_FIFTHS))
    return out
