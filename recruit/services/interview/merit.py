"""The merit list (DESIGN §6): appointable candidates in merit order, offers down the list for the
number of posts, and the rest on a reserve list until it expires. Plain functions over plain values.

A candidate is appointable when their interview result passes: every interview criterion reaches its
pass mark, and the total reaches the overall pass mark if there is one. Merit order is by interview
total, or by sift plus interview totals when the campaign says so, ties broken as in ranking (the lead
criterion's interview score, then the other interview criteria in order); candidates still tied share
a place.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Generic

from dateutil.relativedelta import relativedelta

from recruit.models.interview import OfferStatus
from recruit.services.assessment.ranking_rules import CriterionRule, K, Result, tie_break_order

BASES = ("interview", "sift_and_interview")
ENDED = (OfferStatus.DECLINED, OfferStatus.WITHDRAWN)
ACTIVE = (OfferStatus.OFFERED, OfferStatus.ACCEPTED)


@dataclass
class MeritEntry(Generic[K]):
    key: K
    interview: Result[K]
    sift_total: int | None
    total: int
    rank: int = 0
    shared: bool = False

    @property
    def rank_label(self) -> str:
        return f"={self.rank}" if self.shared else str(self.rank)


def merit_order(
    interview_results: list[Result[K]], sift_totals: dict[K, int], rules: list[CriterionRule], basis: str = "interview"
) -> list[MeritEntry[K]]:
    """Appointable candidates in merit order with their places (1, =2, =2, 4)."""
    if basis not in BASES:
        raise ValueError(f"unknown merit basis {basis!r}")
    order = tie_break_order(rules)
    entries: list[MeritEntry[K]] = []
    for result in interview_results:
        if not result.passed:
            continue
        sift_total = sift_totals.get(result.key)
        total = result.total
        if basis == "sift_and_interview":
            total += sift_total or 0
        entries.append(MeritEntry(result.key, result, sift_total, total))

    def key(entry: MeritEntry[K]) -> tuple[int, ...]:
        return (-entry.total, *(-entry.interview.agreed[code] for code in order))

    entries.sort(key=key)
    position = 0
    while position < len(entries):
        end = position
        while end + 1 < len(entries) and key(entries[end + 1]) == key(entries[position]):
            end += 1
        for entry in entries[position : end + 1]:
            entry.rank, entry.shared = position + 1, end > position
        position = end + 1
    return entries


@dataclass
class Allocation(Generic[K]):
    offered: list[K]  # keys holding an offer (offered or accepted), in merit order
    next_offers: list[K]  # keys to offer now, in merit order
    tied_at_cut: list[K]  # keys sharing a place across the cut: the admin chooses among them
    reserve: list[K]  # appointable keys with no offer, after those to offer now
    ended: list[K]  # keys whose offer was declined or withdrawn


def allocate(entries: list[MeritEntry[K]], posts: int, offers: dict[K, str]) -> Allocation[K]:
    """Who should be offered a post now, given the offers already made (key → offer status).

    Offers go down the merit list until there are as many live offers as posts. When the next
    candidates share a place that the remaining posts cannot all cover, the cut falls inside a tie:
    those candidates are reported for the admin to choose between, and no one below them is offered.
    """
    offered = [e.key for e in entries if offers.get(e.key) in ACTIVE]
    ended = [e.key for e in entries if offers.get(e.key) in ENDED]
    waiting = [e for e in entries if e.key not in offers]
    free = max(posts - len(offered), 0)
    next_offers: list[K] = []
    tied: list[K] = []
    index = 0
    while free > 0 and index < len(waiting):
        group = [e for e in waiting[index:] if e.rank == waiting[index].rank]
        if len(group) <= free:
            next_offers += [e.key for e in group]
            free -= len(group)
            index += len(group)
        else:
            tied = [e.key for e in group]
            index += len(group)
            break
    chosen = set(next_offers) | set(tied)
    reserve = [e.key for e in waiting if e.key not in chosen]
    return Allocation(offered, next_offers, tied, reserve, ended)


def reserve_expiry(start: datetime, months: int) -> datetime:
    """When the reserve list lapses: the same day and time `months` later (the month's last day if shorter)."""
    return start + relativedelta(months=months)
