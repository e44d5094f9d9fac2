"""Every email Recruit sends, for admins: account emails (a staff invitation, a reset link) that belong to no
campaign as well as campaigns' emails, why one failed, and resending it; only admins may see them."""

import pytest
from sqlalchemy import delete, select

from recruit.extensions import db
from recruit.models import AuditEvent, Notification
from recruit.services import notifications
from recruit.services.notifications import sender
from recruit.services.unit_of_work import unit_of_work
from tests.helpers import banners, parse
from tests.notification_support import INVALID_ADDRESS

EMAILS = "/admin/emails"


def invite(to: str) -> None:
    with unit_of_work():
        notifications.queue(
            f"staff_invitation:{to}", to, "staff_invitation", role="an assessor", link="https://recruit.example.org/x"
        )


def claim(campaign, to: str) -> None:
    with unit_of_work():
        notifications.queue(
            f"claim:{to}",
            to,
            "claim_link",
            campaign=campaign,
            campaign_title=campaign.title,
            link="https://r.example/y",
        )


def rows(soup) -> list[list[str]]:
    return [[cell.get_text(" ", strip=True) for cell in row.select("td")] for row in soup.select("#messages tbody tr")]


def the_message(to: str) -> Notification:
    db.session.expire_all()
    return db.session.scalars(select(Notification).where(Notification.recipient == to)).one()


@pytest.fixture(autouse=True)
def no_emails_yet(campaign):
    """Without the emails that setting the campaign up sent its panel."""
    db.session.execute(delete(Notification))
    db.session.commit()


def test_admins_see_account_and_campaign_emails_and_why_one_failed(as_admin, campaign, notify):
    notify.answer(400, INVALID_ADDRESS)
    invite("new.assessor@example")
    sender.send_due()
    notify.answers[:] = [(201, None)]
    claim(campaign, "ann@example.org")
    sender.send_due()

    soup = parse(as_admin.client.get(EMAILS))

    assert soup.h1.get_text(strip=True) == "Emails"
    assert rows(soup) == [
        ["ann@example.org", "Your application has been added to Recruit", "Sent", "1", "", ""],
        [
            "new.assessor@example",
            "You have been invited to Recruit",
            "Not sent",
            "1",
            "GOV.UK Notify refused the message (400): email_address Not a valid email address.",
            "Resend the email to new.assessor@example",
        ],
    ]
    counts = {dd["data-count"]: dd.get_text(strip=True) for dd in soup.select("#message-counts dd")}
    assert counts == {"sent": "1", "waiting": "0", "not-sent": "1"}
    failures = parse(as_admin.client.get(EMAILS + "?show=failures"))
    assert [row[0] for row in rows(failures)] == ["new.assessor@example"]


def test_a_failed_account_email_is_resent_and_the_resend_audited(app, as_admin, admin, notify, monkeypatch):
    notify.answer(400, INVALID_ADDRESS)
    invite("new.assessor@example.org")
    sender.send_due()
    failed = the_message("new.assessor@example.org")
    notify.answers[:] = [(201, None)]
    monkeypatch.setitem(app.config, "NOTIFICATIONS_SEND_AFTER_COMMIT", True)

    response = as_admin.submit(f"{EMAILS}/{failed.id}/resend", page=EMAILS)

    assert response.status_code == 302 and response.location.endswith(EMAILS)
    assert "The email to new.assessor@example.org will be sent again shortly." in banners(
        parse(as_admin.client.get(response.location))
    )
    assert the_message("new.assessor@example.org").status == "sent"
    [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "notification.resent")).all()
    assert (event.actor_id, event.record_id) == (admin.id, str(failed.id))


def test_an_email_that_has_not_failed_cannot_be_resent(as_admin, notify):
    invite("new.assessor@example.org")
    sender.send_due()
    sent = the_message("new.assessor@example.org")

    response = as_admin.submit(f"{EMAILS}/{sent.id}/resend", page=EMAILS, follow_redirects=True)

    assert "This message has not failed, so it cannot be sent again" in banners(parse(response))
    assert len(notify.requests) == 1


def test_an_unknown_email_is_not_found(as_admin):
    assert as_admin.submit(f"{EMAILS}/999999/resend", page=EMAILS).status_code == 404


@pytest.mark.parametrize("role", ["assessor", "candidate"])
def test_only_admins_see_the_emails(forms, client, make_user, role):
    forms.sign_in(make_user(role=role))
    assert client.get(EMAILS).status_code == 403
    assert client.post(f"{EMAILS}/1/resend").status_code in (400, 403)


def test_the_users_page_links_to_the_emails(as_admin):
    soup = parse(as_admin.client.get("/admin/users"))
    assert soup.select_one("#emails-link")["href"] == EMAILS
