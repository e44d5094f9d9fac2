"""Spreadsheet downloads for admins: the sift results, the interview results and the merit list as CSV.

Their figures come from the readers the PDF reports use (results.compute, offers.merit_view and the merit list's
rows), so a spreadsheet and its report never disagree. The sift results are name-blind: they never load a
candidate's personal details. Every cell a spreadsheet would run as a formula is escaped, and every download is
audited."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from recruit.clock import format_uk
from recruit.extensions import db
from recruit.models import Application, Campaign, User
from recruit.services.assessment import feedback, results
from recruit.services.campaigns.stages import eligible_query, recorded_status
from recruit.services.errors import Refused
from recruit.services.interview import offers
from recruit.services.records import audit
from recruit.services.reports.content.interview import INTERVIEWED
from recruit.services.reports.content.merit import merit_rows
from recruit.services.reports.content.shared import (
    candidate_name,
    ranked,
    record_of,
    recorded_in,
    with_personal_details,
)
from recruit.services.unit_of_work import unit_of_work

# A spreadsheet runs a cell beginning with one of these as a formula (OWASP, CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NOT_AGREED = "Not agreed"

Cell = str | int | None


@dataclass(frozen=True)
class Sheet:
    slug: str
    name: str  # "Sift results": what the reports page and the audit log call it


@dataclass(frozen=True)
class Spreadsheet:
    filename: str
    body: bytes  # UTF-8 with a byte order mark, so Excel reads it as UTF-8


SHEETS = {
    "sift-results": Sheet("sift-results", "Sift results"),
    "interview-results": Sheet("interview-results", "Interview results"),
    "merit-list": Sheet("merit-list", "Merit list"),
}


def safe_cell(value: Cell) -> str:
    """The cell as text a spreadsheet shows and never runs: a leading apostrophe before a formula's first character."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def to_csv(header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    for row in (header, *rows):
        writer.writerow([safe_cell(cell) for cell in row])
    return out.getvalue().encode("utf-8-sig")


def unavailable(campaign: Campaign, sheet: Sheet) -> str | None:
    """Why the spreadsheet cannot be had yet (the stage's results do not exist), else None."""
    if sheet.slug == "sift-results":
        record = record_of(campaign, "sift")
        if record is None or record.decided_at is None:
            return "The sift results can be downloaded once the sift is decided"
        return None
    record = record_of(campaign, "interview")
    if record is None or record.signed_off_at is None:
        return f"The {sheet.name.lower()} can be downloaded once the interview stage is signed off"
    return None


def offered(user: User, campaign: Campaign) -> list[tuple[Sheet, str | None]]:
    """The spreadsheets the reports page offers this person, each with why it cannot be had yet (None: it can)."""
    if user.role != "admin":
        return []
    return [(sheet, unavailable(campaign, sheet)) for sheet in SHEETS.values()]


def _shared(shared: bool) -> str:
    # A shared rank is shown as "=1" in the reports; in a spreadsheet that would be a formula, so the rank is a
    # number and whether it is shared a column of its own.
    return "Yes" if shared else "No"


def _sift(campaign: Campaign) -> tuple[list[str], list[list[Cell]]]:
    outcome = results.compute(campaign, "sift")
    criteria = outcome.criteria
    record = record_of(campaign, "sift")
    signed_off = record.signed_off_at if record is not None else None
    applications = list(db.session.scalars(eligible_query(campaign, "sift").order_by(Application.reference)))
    by_result = {ranked(r.key).id: r for r in outcome.results}
    ordered = [ranked(r.key) for r in outcome.results] + [a for a in applications if a.id not in by_result]
    header = [
        "Application reference",
        *(c.name for c in criteria),
        "Total",
        "Rank",
        "Shared rank",
        "Result",
        "Decision",
    ]
    rows: list[list[Cell]] = []
    for application in ordered:
        result = by_result.get(application.id)
        rows.append(
            [
                application.reference,
                *(result.agreed.get(c.code) if result else None for c in criteria),
                result.total if result else None,
                result.rank if result else None,
                _shared(result.shared) if result and result.rank is not None else "",
                ("Pass" if result.passed else "Fail") if result else NOT_AGREED,
                feedback.SIFT_OUTCOMES.get(recorded_status(application, signed_off), "Not taken forward"),
            ]
        )
    return header, rows


def _interview(campaign: Campaign) -> tuple[list[str], list[list[Cell]]]:
    outcome = results.compute(campaign, "interview")
    criteria = outcome.criteria
    view = offers.merit_view(campaign)
    record = record_of(campaign, "interview")
    signed_off = record.signed_off_at if record is not None else None
    invited = with_personal_details(
        select(Application)
        .where(Application.campaign_id == campaign.id, recorded_in("interview", INTERVIEWED))
        .order_by(Application.reference)
    )
    by_result = {ranked(r.key).id: r for r in outcome.results}
    place = {ranked(e.key).id: e for e in view.entries}
    order = [ranked(e.key).id for e in view.entries] + [ranked(r.key).id for r in outcome.results if not r.passed]
    position = {application_id: index for index, application_id in enumerate(order)}
    invited.sort(key=lambda a: (a.status in feedback.ABSENT, position.get(a.id, len(order)), a.reference))
    header = [
        "Application reference",
        "Name",
        *(c.name for c in criteria),
        "Total",
        "Appointable",
        "Merit list place",
        "Shared place",
    ]
    rows: list[list[Cell]] = []
    for application in invited:
        result = by_result.get(application.id)
        status = recorded_status(application, signed_off)
        if status in feedback.ABSENT:
            appointable = feedback.ABSENT[status]
        elif result is None:
            appointable = NOT_AGREED
        else:
            appointable = "Yes" if result.passed else "No"
        rows.append(
            [
                application.reference,
                candidate_name(application),
                *(result.agreed.get(c.code) if result else None for c in criteria),
                result.total if result else None,
                appointable,
                place[application.id].rank if application.id in place else None,
                _shared(place[application.id].shared) if application.id in place else "",
            ]
        )
    return header, rows


def _merit(campaign: Campaign) -> tuple[list[str], list[list[Cell]]]:
    view = offers.merit_view(campaign)
    with_personal_details(select(Application).where(Application.id.in_([ranked(e.key).id for e in view.entries])))
    expires = view.reserve_expires_at
    expiry = ""
    if isinstance(expires, datetime):
        expiry = ("Expired on " if view.reserve_expired else "Expires on ") + format_uk(expires)
    header = [
        "Place",
        "Shared place",
        "Application reference",
        "Name",
        "Interview total",
        "Sift total",
        "Total",
        "Status",
        "Reserve list",
    ]
    rows: list[list[Cell]] = [
        [
            entry.rank,
            _shared(entry.shared),
            row["reference"],
            row["name"],
            row["interview"],
            row["sift"],
            row["total"],
            row["status"],
            expiry if row["status"] == "Reserve list" else "",
        ]
        for entry, row in zip(view.entries, merit_rows(view), strict=True)
    ]
    return header, rows


READERS: dict[str, Callable[[Campaign], tuple[list[str], list[list[Cell]]]]] = {
    "sift-results": _sift,
    "interview-results": _interview,
    "merit-list": _merit,
}


@unit_of_work()
def download(actor: User, campaign: Campaign, sheet: Sheet) -> Spreadsheet:
    """The spreadsheet, with an audit entry of who downloaded which file. Refused when not an admin or before the
    stage's results exist."""
    if actor.role != "admin":
        raise Refused("Only an admin can download spreadsheets")
    if (reason := unavailable(campaign, sheet)) is not None:
        raise Refused(reason)
    header, rows = READERS[sheet.slug](campaign)
    filename = f"{campaign.reference}-{sheet.slug}.csv"
    audit.record(
        "spreadsheet_downloaded",
        "campaign",
        campaign.id,
        after={"file": filename, "spreadsheet": sheet.name, "rows": len(rows)},
        actor=actor,
    )
    return Spreadsheet(filename, to_csv(header, rows))
