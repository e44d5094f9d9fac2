"""A campaign's emails for its admins: what was sent, what waits and what failed, with the reason; resending a
failed one (audited, refused for one that has not failed); other campaigns' messages are not found."""

import pytest
from sqlalchemy import delete, select

from recruit.extensions import db
from recruit.models import AuditEvent, Notification
from recruit.services import notifications
from recruit.services.notifications import sender
from recruit.services.unit_of_work import unit_of_work
from tests.factories import draft_campaign
from tests.helpers import banners, parse
from tests.notification_support import INVALID_ADDRESS

LINK = "https://recruit.example.org/set-password/abc"


def queue(campaign, to, event="claim:1"):
    with unit_of_work():
        notifications.queue(event, to, "claim_link", campaign=campaign, campaign_title=campaign.title, link=LINK)


@pytest.fixture(autouse=True)
def only_this_tests_emails(campaign):
    """Without the emails that setting the campaign up sent its panel."""
    db.session.execute(delete(Notification))
    db.session.commit()


def messages_url(campaign, **query) -> str:
    return f"/admin/campaigns/{campaign.id}/messages" + ("?show=failures" if query.get("failures") else "")


def rows(soup) -> list[list[str]]:
    return [[cell.get_text(" ", strip=True) for cell in row.select("td")] for row in soup.select("#messages tbody tr")]


def the_message(to: str) -> Notification:
    db.session.expire_all()
    return db.session.scalars(select(Notification).where(Notification.recipient == to)).one()


def test_admins_see_the_campaigns_emails_and_why_one_failed(as_admin, campaign, notify):
    queue(campaign, "ann@example.org", "claim:1")
    notify.answer(201, None)
    sender.send_due()
    notify.answers[:] = [(400, INVALID_ADDRESS)]
    queue(campaign, "bob@example", "claim:2")
    sender.send_due()

    soup = parse(as_admin.client.get(messages_url(campaign)))

    assert soup.h1.get_text(strip=True) == "Emails"
    subject = "Your application has been added to Recruit"
    assert rows(soup) == [
        [
            "bob@example",
            subject,
            "Not sent",
            "1",
            "GOV.UK Notify refused the message (400): email_address Not a valid email address.",
            "Resend the email to bob@example",
        ],
        ["ann@example.org", subject, "Sent", "1", "", ""],
    ]
    counts = {dd["data-count"]: dd.get_text(strip=True) for dd in soup.select("#message-counts dd")}
    assert counts == {"sent": "1", "waiting": "0", "not-sent": "1"}

    failures = parse(as_admin.client.get(messages_url(campaign, failures=True)))
    assert [row[0] for row in rows(failures)] == ["bob@example"]


def test_a_resent_email_is_tried_again_and_the_resend_is_audited(app, as_admin, admin, campaign, notify, monkeypatch):
    notify.answer(400, INVALID_ADDRESS)
    queue(campaign, "bob@example.org")
    sender.send_due()
    failed = the_message("bob@example.org")
    notify.answers[:] = [(201, None)]
    # This time the commit sends it straight away, as in development.
    monkeypatch.setitem(app.config, "NOTIFICATIONS_SEND_AFTER_COMMIT", True)

    response = as_admin.submit(
        f"/admin/campaigns/{campaign.id}/messages/{failed.id}/resend", page=messages_url(campaign)
    )

    assert response.status_code == 302 and response.location.endswith(messages_url(campaign))
    page = parse(as_admin.client.get(response.location))
    assert "The email to bob@example.org will be sent again shortly." in banners(page)
    sent = the_message("bob@example.org")
    assert (sent.status, sent.attempts, sent.last_error) == ("sent", 1, None)
    assert len(notify.requests) == 2
    [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "notification.resent")).all()
    assert (event.actor_id, event.record_type, event.record_id) == (admin.id, "notification", str(failed.id))
    assert event.before["status"] == "permanently_failed"
    assert event.before["last_error"].startswith("GOV.UK Notify refused the message (400)")
    assert event.after == {"status": "queued", "template": "claim_link"}


def test_an_email_that_has_not_failed_cannot_be_resent(as_admin, campaign, notify):
    queue(campaign, "ann@example.org")
    sender.send_due()
    sent = the_message("ann@example.org")

    response = as_admin.submit(
        f"/admin/campaigns/{campaign.id}/messages/{sent.id}/resend", page=messages_url(campaign), follow_redirects=True
    )

    assert "This message has not failed, so it cannot be sent again" in banners(parse(response))
    assert the_message("ann@example.org").status == "sent"
    assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "notification.resent")).all() == []
    assert len(notify.requests) == 1


def test_another_campaigns_email_is_not_found(as_admin, admin, campaign, notify):
    other = draft_campaign(admin)
    notify.answer(400, INVALID_ADDRESS)
    queue(other, "bob@example.org")
    sender.send_due()
    failed = the_message("bob@example.org")

    response = as_admin.submit(
        f"/admin/campaigns/{campaign.id}/messages/{failed.id}/resend", page=messages_url(campaign)
    )

    assert response.status_code == 404
    assert the_message("bob@example.org").status == "permanently_failed"
    assert rows(parse(as_admin.client.get(messages_url(campaign)))) == [["No emails."]]


def test_the_applications_page_links_to_the_campaigns_emails(as_admin, campaign):
    soup = parse(as_admin.client.get(f"/admin/campaigns/{campaign.id}/applications"))
    assert soup.select_one("#messages-link")["href"] == messages_url(campaign)
