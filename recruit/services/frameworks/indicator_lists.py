"""Each competency's effective and ineffective indicators, level by level, as the scoring and moderation pages show
them: kept in each process under the public content version (kept_wording.py).

The panel page for a whole application shows, for every criterion, the indicators to tick at the required level
and those of each lower level: several hundred indicators. Their wording changes only when a framework is imported
or seeded again, and any such change gives the public content a new version at its commit; so the lists are read
once per version and process, as plain values shared between requests, rather than as several hundred database
objects made on every page. A transaction that has itself changed a framework reads them afresh.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Final

from sqlalchemy import select

from recruit.extensions import db
from recruit.models import FrameworkLevel, Indicator
from recruit.models.framework import INDICATOR_KINDS
from recruit.services import public_content
from recruit.services.change_tokens import KeptByToken


@dataclass(frozen=True, slots=True)
class IndicatorText:
    """One indicator as the pages use it: its id (what a tick records) and its wording."""

    id: int
    text: str


# The effective and ineffective indicators at one level, each in source order.
Lists = Mapping[str, tuple[IndicatorText, ...]]
NONE: Final[Lists] = MappingProxyType(dict.fromkeys(INDICATOR_KINDS, ()))


@dataclass(frozen=True)
class CompetencyIndicators:
    """A competency's indicators, level by level (by the level's number), and the name of each of those levels."""

    levels: Mapping[int, Lists] = field(default_factory=dict)
    names: Mapping[int, str] = field(default_factory=dict)

    def at(self, number: int) -> Lists:
        """The effective and ineffective indicators at this level (empty lists where it gives none)."""
        return self.levels.get(number, NONE)

    @property
    def numbers(self) -> list[int]:
        """The levels that give any indicator, lowest first."""
        return sorted(self.levels)


# Every framework a body uses, many times over.
_kept: KeptByToken[int, CompetencyIndicators] = KeptByToken(2_000, public_content.committed_token)


def of_competencies(competency_ids: Iterable[int]) -> dict[int, CompetencyIndicators]:
    """The indicators of these competencies: those kept at the current public content version, the rest in one
    query (then kept)."""
    return _kept.get_many(competency_ids, _read)


def of_competency(competency_id: int) -> CompetencyIndicators:
    return _kept.get(competency_id, _read)


def _read(wanted: set[int]) -> dict[int, CompetencyIndicators]:
    rows = db.session.execute(
        select(
            Indicator.competency_id,
            FrameworkLevel.number,
            FrameworkLevel.name,
            Indicator.kind,
            Indicator.id,
            Indicator.text,
        )
        .join(FrameworkLevel, FrameworkLevel.id == Indicator.level_id)
        .where(Indicator.competency_id.in_(sorted(wanted)))
        .order_by(Indicator.competency_id, FrameworkLevel.number, Indicator.kind, Indicator.position, Indicator.id)
    ).tuples()
    gathered: dict[int, dict[int, dict[str, list[IndicatorText]]]] = {competency_id: {} for competency_id in wanted}
    names: dict[int, dict[int, str]] = {competency_id: {} for competency_id in wanted}
    for competency_id, number, name, kind, indicator_id, text in rows:
        lists = gathered[competency_id].setdefault(number, {k: [] for k in INDICATOR_KINDS})
        lists.setdefault(kind, []).append(IndicatorText(indicator_id, text))
        names[competency_id][number] = name
    return {
        competency_id: CompetencyIndicators(
            MappingProxyType(
                {
                    number: MappingProxyType({kind: tuple(items) for kind, items in lists.items()})
                    for number, lists in levels.items()
                }
            ),
            MappingProxyType(names[competency_id]),
        )
        for competency_id, levels in gathered.items()
    }
