"""The merit list: appointable candidates in merit order with their places, the offers made and the reserve list.
Its rows are also the interview report's."""

from __future__ import annotations

from datetime import datetime
from typing import TypedDict

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from recruit.clock import format_uk
from recruit.extensions import db
from recruit.labels import status_label
from recruit.models import Application, Campaign, Offer
from recruit.services.interview import offers
from recruit.services.reports.content.shared import (
    ReportSpec,
    base_context,
    candidate_name,
    ranked,
    record_of,
    sign_off_line,
    stage_state,
    with_personal_details,
)

OFFER_STATUS = {
    "offered": "Offer made",
    "accepted": "Offer accepted",
    "declined": "Offer declined",
    "withdrawn": "Offer withdrawn",
}


class MeritRow(TypedDict):
    place: str
    name: str
    reference: str
    interview: int
    sift: int | None
    total: int
    status: str


def merit_rows(view: offers.MeritView) -> list[MeritRow]:
    next_ids = {a.id for a in view.allocation.next_offers}
    tied_ids = {a.id for a in view.allocation.tied_at_cut}
    rows: list[MeritRow] = []
    for entry in view.entries:
        application = ranked(entry.key)
        offer = view.offers.get(application.id)
        withdrew = (
            f"withdrew on {format_uk(application.withdrawn_at)}, after sign-off"
            if application.status == "withdrawn" and application.withdrawn_at
            else ""
        )
        if offer is not None:
            status = OFFER_STATUS[offer.status] + (" (from the reserve list)" if offer.from_reserve else "")
            status += f": {withdrew}" if withdrew else ""
        elif withdrew:
            status = withdrew[:1].upper() + withdrew[1:]
        elif application.id in tied_ids:
            status = "Shares the place at the cut: the admin chooses whom to offer"
        elif application.id in next_ids:
            status = "Next to be offered" if view.final else "In line for an offer"
        else:
            status = "Reserve list"
        rows.append(
            {
                "place": entry.rank_label,
                "name": candidate_name(application),
                "reference": application.reference,
                "interview": entry.interview.total,
                "sift": entry.sift_total,
                "total": entry.total,
                "status": status,
            }
        )
    return rows


def merit_report(campaign: Campaign) -> ReportSpec:
    view = offers.merit_view(campaign)
    with_personal_details(select(Application).where(Application.id.in_([ranked(e.key).id for e in view.entries])))
    made = db.session.scalars(
        select(Offer)
        .where(Offer.campaign_id == campaign.id)
        .order_by(Offer.id)
        .options(selectinload(Offer.application).selectinload(Application.personal_details))
    ).all()
    reserve = [row for row in merit_rows(view) if row["status"] == "Reserve list"]
    expiry = None
    expires = view.reserve_expires_at  # a datetime or None (MeritView types it as object)
    if isinstance(expires, datetime):
        expiry = ("expired on " if view.reserve_expired else "expires on ") + format_uk(expires)
    title = f"Merit list – {campaign.reference} – {campaign.title}"
    record = record_of(campaign, "interview")
    context = base_context(campaign, title, "Merit list", stage_state(campaign, "interview", record))
    context.update(
        merit=merit_rows(view),
        basis=campaign.merit_basis,
        final=view.final,
        posts=campaign.posts,
        offers=[
            {
                "name": candidate_name(o.application),
                "reference": o.application.reference,
                "made": format_uk(o.made_at),
                "by": o.made_by.name,
                "status": status_label(o.status),
                "from_reserve": o.from_reserve,
                "answered": format_uk(o.responded_at) if o.responded_at else "",
            }
            for o in made
        ],
        reserve=reserve,
        reserve_expiry=expiry,
        tied=bool(view.allocation.tied_at_cut),
        sign_off=sign_off_line(record),
    )
    return ReportSpec("pdf/merit.html", title, context)
