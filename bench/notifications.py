"""Time releasing a large sift's outcomes: queueing the message to every candidate in the release's own transaction,
and show that the release does not wait for the messages to be sent.

    .venv/bin/python bench/notifications.py [--applications 2000] [--send]

Builds the app against a temporary SQLite database, or, when DATABASE_URL names a PostgreSQL database, against a
temporary schema in it (dropped afterwards). Creates a campaign at the sift with N submitted applications (their
candidates' accounts, evidence, a panel of 3, every score and every agreed score, bulk-inserted; half passed,
half not), signs the sift off, points the app at an SMTP server in this process (aiosmtpd) as production would be
set up, with the sender left to the `notifications send` loop, then times recruit.services.assessment.feedback.
release, as the admin's release request runs it: the whole release, and within it the queueing of the messages
(recruit.services.notifications.messages.stage_released). It then checks that every candidate has exactly one
message, all still queued (none was sent by the release), and that releasing again is refused and adds none.
With --send it also times the sender delivering them all to the SMTP server, which the release never waits for.
The target (from the issue): queueing the messages for 2,000 candidates in under 2 seconds.
"""

from __future__ import annotations

import argparse
import random
import socket
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import seeded_app, throwaway_database
from moderation import fill, make_campaign
from sqlalchemy import func, select, update

from recruit.clock import utcnow
from recruit.extensions import db
from recruit.models import Application, Notification
from recruit.services.assessment import feedback
from recruit.services.campaigns.stages import stage_record_to_change
from recruit.services.errors import Refused
from recruit.services.notifications import messages, sender

TARGET_SECONDS = 2.0


class Mailbox:
    def __init__(self) -> None:
        self.received = 0

    async def handle_DATA(self, server, session, envelope):
        self.received += 1
        return "250 Message accepted for delivery"


def run(url: str, options: dict, applications: int, send: bool) -> bool:
    from aiosmtpd.controller import Controller

    mailbox = Mailbox()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    smtp = Controller(mailbox, hostname="127.0.0.1", port=port)
    smtp.start()
    try:
        with seeded_app(url, options) as (app, admin):
            app.config.update(
                MAIL_SERVER="127.0.0.1",
                MAIL_PORT=port,
                MAIL_USE_TLS=False,
                MAIL_USERNAME=None,
                MAIL_FROM="recruit@example.org",
                NOTIFICATIONS_SEND_AFTER_COMMIT=False,  # as in production: the sender sends, not the request
            )
            print(f"Building a sift of {applications} applications…", flush=True)
            campaign, panel = make_campaign(admin, 6, 3)
            fill(campaign, panel, applications, random.Random(17))
            campaign.status = "sift"
            ids = db.session.scalars(
                select(Application.id).where(Application.campaign_id == campaign.id).order_by(Application.id)
            ).all()
            passed = ids[: len(ids) // 2]
            db.session.execute(
                update(Application).where(Application.id.in_(passed)).values(status="sift_passed"),
                execution_options={"synchronize_session": False},
            )
            db.session.execute(
                update(Application)
                .where(Application.campaign_id == campaign.id, Application.id.not_in(passed))
                .values(status="sift_failed"),
                execution_options={"synchronize_session": False},
            )
            record = stage_record_to_change(campaign, "sift")
            record.decision_rule, record.decided_at, record.signed_off_at = "all_passing", utcnow(), utcnow()
            db.session.commit()
            before = db.session.scalar(select(func.count(Notification.id)))

            missing = feedback.missing_feedback(campaign, "sift").items
            queueing: list[float] = []
            real = messages.stage_released

            def timed(*args, **kwargs):
                started = time.perf_counter()
                try:
                    return real(*args, **kwargs)
                finally:
                    queueing.append(time.perf_counter() - started)

            messages.stage_released = timed  # type: ignore[assignment]
            try:
                db.session.expire_all()
                started = time.perf_counter()
                feedback.release(admin, campaign, "sift", missing_confirmed=missing)
                release_seconds = time.perf_counter() - started
            finally:
                messages.stage_released = real  # type: ignore[assignment]

            rows = db.session.execute(
                select(Notification.status, func.count(Notification.id))
                .where(Notification.event_key.like(f"sift.released:{campaign.id}:%"))
                .group_by(Notification.status)
            ).all()
            by_status = dict(rows)
            queued = sum(by_status.values())
            try:
                feedback.release(admin, campaign, "sift", missing_confirmed=missing)
                again = "released twice!"
            except Refused:
                again = "refused"
            after = db.session.scalar(select(func.count(Notification.id)))
            print(f"Database: {db.engine.dialect.name}")
            print(f"Candidates: {len(ids)} ({len(passed)} through, {len(ids) - len(passed)} not)")
            print(f"Release (the request's work, one transaction): {release_seconds:.3f} s")
            print(f"  of which queueing the messages: {queueing[0]:.3f} s ({queued / queueing[0]:,.0f} a second)")
            print(f"Messages queued: {queued} (one per candidate: {queued == len(ids)})")
            print(f"  by status after the release: {by_status} (none sent by the release: {mailbox.received == 0})")
            print(f"Releasing again: {again}; messages added: {after - before - queued}")
            ok = (
                queueing[0] < TARGET_SECONDS
                and queued == len(ids)
                and set(by_status) == {"queued"}
                and mailbox.received == 0
                and after - before == queued
                and again == "refused"
            )
            if send:
                started = time.perf_counter()
                outcome = sender.send_all_due()
                seconds = time.perf_counter() - started
                print(
                    f"Sender (not part of the release): {outcome.sent} sent to the SMTP server in {seconds:.2f} s "
                    f"({outcome.sent / seconds:,.0f} a second); the server received {mailbox.received}"
                )
            print(
                f"Target: queueing for {len(ids)} candidates under {TARGET_SECONDS:.0f} s, without sending: "
                f"{'met' if ok else 'MISSED'}"
            )
            return ok
    finally:
        smtp.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--applications", type=int, default=2000, help="candidates at the sift (default 2000)")
    parser.add_argument("--send", action="store_true", help="also time the sender delivering them all")
    args = parser.parse_args()
    if args.applications < 2:
        parser.error("--applications must be at least 2")
    with throwaway_database(parser) as (url, options):
        return 0 if run(url, options, args.applications, args.send) else 1


if __name__ == "__main__":
    sys.exit(main())
