"""Where every item of a stage stands, for the chair's board and the item pages: how many items are in each state,
the items in one state a page at a time, and the next item to agree.

A fixed number of queries, however many applications: each item's counted scores are summarised in the database
(how many, the lowest and the highest, which is all the discrepancy rule needs) rather than read one by one.
"""

from __future__ import annotations

from collections.abc import Collection, Container, Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property
from itertools import chain
from operator import itemgetter
from typing import Final, NamedTuple, cast

import numpy as np
import numpy.typing as npt
from sqlalchemy import Select, and_, bindparam, exists, func, select
from sqlalchemy.orm import aliased

from recruit.models import Application, Campaign, Conflict, Criterion, Score
from recruit.models.scoring import ScoreStatus
from recruit.services.assessment.board import Item, agreed_statement, plain_rows, read_agreed
from recruit.services.assessment.kept import KeptByVersion
from recruit.services.assessment.moderation_rules import ItemState, range_is_discrepant, status_of
from recruit.services.campaigns.stages import assessor_ids, eligible_ids, eligible_parameters, stage_criteria

# The states an item can be in on the board, in the order the board counts them.
DISCREPANT, READY, AWAITING, WITHOUT_ASSESSORS, AGREED = (
    "discrepant",
    "ready",
    "awaiting",
    "without assessors",
    "agreed",
)
STATES: Final = (DISCREPANT, READY, AWAITING, WITHOUT_ASSESSORS, AGREED)
LABELS: Final = {
    DISCREPANT: "Discrepant",
    READY: "Ready to confirm",
    AWAITING: "Awaiting scores",
    WITHOUT_ASSESSORS: "No assessor without a conflict",
    AGREED: "Agreed",
}
TAG_CLASSES: Final = {
    DISCREPANT: "govuk-tag--red",
    READY: "govuk-tag--blue",
    AWAITING: "govuk-tag--grey",
    WITHOUT_ASSESSORS: "govuk-tag--orange",
    AGREED: "govuk-tag--green",
}
# The board's filters: which states each shows.
VIEWS: Final = {
    "all": STATES,
    DISCREPANT: (DISCREPANT,),
    READY: (READY,),
    "awaiting": (AWAITING, WITHOUT_ASSESSORS),
    AGREED: (AGREED,),
}
VIEW_LABELS: Final = {
    "all": "All items",
    DISCREPANT: "Discrepant",
    READY: "Ready to confirm",
    "awaiting": "Awaiting scores",
    AGREED: "Agreed",
}


_BY_STATUS: Final = {"agreed": AGREED, "no assessors": WITHOUT_ASSESSORS, "awaiting scores": AWAITING}


def _key(status: str, discrepant: bool) -> str:
    return _BY_STATUS.get(status) or (DISCREPANT if discrepant else READY)


def state_key(state: ItemState) -> str:
    """Which of the board's states an item is in."""
    return _key(state.status, state.discrepant)


@dataclass(frozen=True)
class Tag:
    text: str
    classes: str


def tag_for(item: Item) -> Tag:
    """The tag an item's row shows: its state, with the agreed score or how many scores are still to come."""
    state = item.state
    key = state_key(state)
    text = LABELS[key]
    if key == AGREED:
        text = f"Agreed {state.agreed}"
    elif key == AWAITING:
        text = f"Awaiting {state.expected - len(state.scores)}"
    return Tag(text, TAG_CLASSES[key])


# Not frozen (nothing changes one) but hashable as if it were: a large sift's board makes one for each of tens of
# thousands of items on every load, and a frozen dataclass is several times slower to make.
@dataclass(slots=True, unsafe_hash=True)
class Standing:
    """Where one item stands."""

    application_id: int
    reference: str
    criterion_id: int
    code: str
    name: str
    state: str

    @property
    def key(self) -> tuple[int, int]:
        return (self.application_id, self.criterion_id)

    @property
    def label(self) -> str:
        return LABELS[self.state]


# Each state's number, for StageProgress.codes.
_CODES: Final = {state: number for number, state in enumerate(STATES)}


def state_codes(standings: Collection[Standing]) -> npt.NDArray[np.int8]:
    """The number of each of these standings' states (_CODES), in their order."""
    return np.fromiter((_CODES[standing.state] for standing in standings), dtype=np.int8, count=len(standings))


@dataclass(frozen=True)
class StageProgress:
    """Where every item of a stage stands. Kept and shared between requests (load): nothing changes one."""

    standings: tuple[Standing, ...]  # the board's order: by reference, then in the criteria's order
    conflicts: dict[int, frozenset[int]]  # every application's id, with who declared a conflict with its candidate
    agreed: dict[tuple[int, int], tuple[int, int | None]]  # each agreed score's id, and its value while agreed
    # The number of each standing's state (state_codes), in the same order: a board changes with every score or
    # agreement, and the new one's counts, views and items in a state come from these (numpy, at C speed) rather
    # than from going through tens of thousands of standings in Python on the next load of the board.
    codes: npt.NDArray[np.int8] = field(compare=False, repr=False)
    # Worked out once for all the requests that share this (a dict item set twice by two threads is set the same).
    _views: dict[str, tuple[Standing, ...]] = field(default_factory=dict, compare=False, repr=False)
    _states: dict[str, tuple[tuple[int, Standing], ...]] = field(default_factory=dict, compare=False, repr=False)

    @cached_property
    def counts(self) -> dict[str, int]:
        tally = np.bincount(self.codes, minlength=len(STATES))
        return {state: int(tally[number]) for state, number in _CODES.items()}

    def view_counts(self) -> dict[str, int]:
        counts = self.counts
        return {view: sum(counts[state] for state in states) for view, states in VIEWS.items()}

    def in_view(self, view: str) -> tuple[Standing, ...]:
        found = self._views.get(view)
        if found is None:
            states = VIEWS[view]
            if len(states) == len(STATES):
                found = self.standings
            else:
                found = self._pick(np.flatnonzero(np.isin(self.codes, [_CODES[state] for state in states])))
            self._views[view] = found
        return found

    def _pick(self, places: npt.NDArray[np.intp]) -> tuple[Standing, ...]:
        """The standings at these places, in their order."""
        if len(places) == 0:
            return ()
        if len(places) == 1:
            return (self.standings[int(places[0])],)
        return cast("tuple[Standing, ...]", itemgetter(*places.tolist())(self.standings))

    def next_to_agree(
        self,
        moderated: Container[int],
        states: Sequence[str] = (DISCREPANT, READY),
        after: tuple[int, int] | None = None,
    ) -> Standing | None:
        """The first item in the first of these states that has one, of an application this person moderates; with
        `after`, the first following that item (coming round from the top), never that item itself."""
        position = -1  # from the top
        if after is not None:
            position = self._position(after)
        for state in states:
            wrapped = None  # the first before `after`, for coming round from the top
            for index, standing in self._of_state(state):
                if standing.application_id not in moderated:
                    continue
                if index > position:
                    return standing
                if index < position and wrapped is None:
                    wrapped = standing
            if wrapped is not None:
                return wrapped
        return None

    @cached_property
    def places(self) -> dict[int, int]:
        """Each application's place among the stage's applications, in the board's order."""
        width = len(self.standings) // len(self.conflicts) if self.conflicts else 0
        return {standing.application_id: index for index, standing in enumerate(self.standings[:: width or 1])}

    def _position(self, key: tuple[int, int]) -> int:
        """The item's place in the board's order (the last place for an item not on the board). Found through its
        application's place rather than a dict of every item's: a board changes on every score, and each new one
        would build that dict again for tens of thousands of items."""
        place = self.places.get(key[0])
        if place is not None:
            width = len(self.standings) // len(self.conflicts)
            for index in range(place * width, (place + 1) * width):
                if self.standings[index].criterion_id == key[1]:
                    return index
        return len(self.standings) - 1

    def _of_state(self, state: str) -> tuple[tuple[int, Standing], ...]:
        """The items in this state, in the board's order, each with its place in it."""
        found = self._states.get(state)
        if found is None:
            places = np.flatnonzero(self.codes == _CODES[state])
            found = self._states[state] = tuple(zip(places.tolist(), self._pick(places), strict=True))
        return found


# Where the items of the stages looked at lately in this process stand (kept.py): a chair's board and item pages
# read it on every load, and it changes only when a score, conflict, agreed score or setting does. Bounded by the
# items held, at about 150 bytes an item (bench/load.py's 10,000-application sifts of 6 criteria: 60,000 items,
# 9 MB): a million items is some sixteen such boards moderated at once, 150 MB at most. Fewer, and the chairs of
# more large boards than fit would each have their board read whole (60,000 items: a few hundred milliseconds)
# on nearly every load, as each process drops the least lately used.
_kept: KeptByVersion[StageProgress] = KeptByVersion(1_000_000, lambda progress: len(progress.standings))


def load(campaign: Campaign, stage: str, criteria: list[Criterion] | None = None) -> StageProgress:
    """Every item of the stage (of these criteria, by default the stage's) and where it stands: kept from an earlier
    read while the campaign's report data version is the same (one query), brought up to date by reading again the
    applications changed since when only a few were (update), else read afresh (read)."""
    criteria = criteria if criteria is not None else stage_criteria(campaign, stage)
    return _kept.get(
        campaign.id,
        (stage, tuple(c.id for c in criteria)),
        lambda: read(campaign, stage, criteria),
        lambda kept, changed: update(campaign, stage, criteria, kept, changed),
    )


def read(campaign: Campaign, stage: str, criteria: list[Criterion]) -> StageProgress:
    """Every item of the stage, of these criteria, and where it stands, read from the database (four queries)."""
    applications, conflicts, agreed, standings = _read(campaign, stage, criteria)
    return StageProgress(
        tuple(standings),
        {application_id: frozenset(conflicts.get(application_id, ())) for application_id, _ in applications},
        agreed,
        state_codes(standings),
    )


def update(
    campaign: Campaign, stage: str, criteria: list[Criterion], kept: StageProgress, changed: set[int]
) -> StageProgress | None:
    """Where every item stands, from `kept` with the standings of these applications (whose scores, conflicts,
    agreed scores or status alone changed since) read again: a new StageProgress, `kept` left as it is. None when a
    full read is as good: many applications changed, or one joined the stage or changed its reference (its place
    in the board's order is the database's to say)."""
    width = len(criteria)
    places = kept.places
    if not width or 4 * len(changed & places.keys()) > len(places):
        return None
    applications, conflicts, agreed, standings = _read(campaign, stage, criteria, sorted(changed))
    for application_id, reference in applications:
        place = places.get(application_id)
        if place is None or kept.standings[place * width].reference != reference:
            return None
    fresh: dict[int, list[Standing]] = {}
    for standing in standings:
        fresh.setdefault(standing.application_id, []).append(standing)
    # The kept standings between the changed applications' places, and each one's standings read again (none once
    # it has left the stage).
    pieces: list[Sequence[Standing]] = []
    codes: list[npt.NDArray[np.int8]] = []
    start = 0
    for place, application_id in sorted((places[a], a) for a in changed if a in places):
        read_again = fresh.get(application_id, ())
        pieces += (kept.standings[start * width : place * width], read_again)
        codes += (kept.codes[start * width : place * width], state_codes(read_again))
        start = place + 1
    pieces.append(kept.standings[start * width :])
    codes.append(kept.codes[start * width :])
    # Copied and changed rather than rebuilt: a 10,000-application sift has tens of thousands of agreed scores.
    new_conflicts, new_agreed = dict(kept.conflicts), dict(kept.agreed)
    criterion_ids = [criterion.id for criterion in campaign.criteria]  # every agreed score's is one of them
    for application_id in changed:
        new_conflicts.pop(application_id, None)
        for criterion_id in criterion_ids:
            new_agreed.pop((application_id, criterion_id), None)
    still_here = {application_id for application_id, _ in applications}
    new_conflicts.update((a, frozenset(conflicts.get(a, ()))) for a in still_here)
    new_agreed.update(agreed)
    progress = StageProgress(tuple(chain.from_iterable(pieces)), new_conflicts, new_agreed, np.concatenate(codes))
    if all(application_id in still_here for application_id in changed if application_id in places):
        # No application left the stage, so every one keeps its place: the kept places stand (shared, as `kept` is).
        progress.__dict__["places"] = places
    return progress


def _read(
    campaign: Campaign, stage: str, criteria: list[Criterion], only: list[int] | None = None
) -> tuple[
    Sequence[tuple[int, str]], dict[int, set[int]], dict[tuple[int, int], tuple[int, int | None]], list[Standing]
]:
    """The stage's applications (of these ids only, given `only`) in the board's order, with their references; who
    declared a conflict with each; their agreed score rows; and their items' standings."""
    panel = assessor_ids(campaign, stage)
    statements = _read_statements(stage, only is not None)
    parameters = eligible_parameters(campaign, only) | {"panel": panel, "criteria": [c.id for c in criteria]}
    # Plain rows, without the ORM's processing: a large sift has tens of thousands of items.
    applications = plain_rows(statements.applications, parameters).tuples().all()
    conflicts: dict[int, set[int]] = {}
    for application_id, assessor_id in plain_rows(statements.conflicts, parameters):
        conflicts.setdefault(application_id, set()).add(assessor_id)
    summaries: dict[tuple[int, int], tuple[int, int, int]] = {}
    if panel and criteria:
        summaries = {
            (application_id, criterion_id): (counted, lowest, highest)
            for application_id, criterion_id, counted, lowest, highest in plain_rows(statements.summaries, parameters)
        }
    agreed_rows = read_agreed(statements.agreed, parameters)
    agreed = {key for key, (_, value) in agreed_rows.items() if value is not None}
    members, threshold, nothing = set(panel), campaign.discrepancy_threshold, (0, 0, 0)
    # Each criterion's attributes read once, not once an item.
    columns = [(c.id, c.code, c.name, c.pass_mark) for c in criteria]
    standings: list[Standing] = []
    add, everyone = standings.append, len(members)
    for application_id, reference in applications:
        conflicted = conflicts.get(application_id)
        expected = len(members - conflicted) if conflicted else everyone
        for criterion_id, code, name, pass_mark in columns:
            key = (application_id, criterion_id)
            summary = summaries.get(key)
            if summary is None and expected and key not in agreed:
                state = AWAITING  # most items of a sift under way: no counted score yet, as status_of would say
            else:
                counted, lowest, highest = summary or nothing
                status = status_of(counted, expected, key in agreed)
                state = _key(status, status == "ready" and range_is_discrepant(lowest, highest, threshold, pass_mark))
            add(Standing(application_id, reference, criterion_id, code, name, state))
    return applications, conflicts, agreed_rows, standings


class _ReadStatements(NamedTuple):
    applications: Select[tuple[int, str]]
    conflicts: Select[tuple[int, int]]
    summaries: Select[tuple[int, int, int, int | None, int | None]]
    agreed: Select[tuple[int, int, int, int, str]]


@cache
def _read_statements(stage: str, only: bool) -> _ReadStatements:
    """_read's statements, built once for each stage (of some applications only, or of all): their parameters are
    the campaign's id and those ids (eligible_ids'), the panel's ids (`panel`) and the criteria's (`criteria`). The
    board reads its changed applications again after every score or agreement saved."""
    eligible = eligible_ids(stage, only)
    ids = eligible.scalar_subquery()
    theirs = aliased(Conflict)
    return _ReadStatements(
        applications=eligible.add_columns(Application.reference).order_by(Application.reference),
        conflicts=select(Conflict.application_id, Conflict.assessor_id).where(
            Conflict.stage == stage, Conflict.has_conflict.is_(True), Conflict.application_id.in_(ids)
        ),
        summaries=select(
            Score.application_id,
            Score.criterion_id,
            func.count(Score.id),
            func.min(Score.value),
            func.max(Score.value),
        )
        .where(
            Score.stage == stage,
            Score.status == ScoreStatus.SUBMITTED,
            Score.assessor_id.in_(bindparam("panel", expanding=True)),
            Score.application_id.in_(ids),
            Score.criterion_id.in_(bindparam("criteria", expanding=True)),
            # A conflicted assessor's score does not count.
            ~exists().where(
                and_(
                    theirs.application_id == Score.application_id,
                    theirs.assessor_id == Score.assessor_id,
                    theirs.stage == stage,
                    theirs.has_conflict.is_(True),
                )
            ),
        )
        .group_by(Score.application_id, Score.criterion_id),
        agreed=agreed_statement(stage, ids),
    )
