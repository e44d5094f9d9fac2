"""The emails Recruit sends about accounts, queued in the notifications outbox inside the caller's unit of work.
Each carries a link the person needs to go on, so each is `needed_now`: refused in production with no transport.
Their text is in recruit/templates/notifications/; every link in them is built from BASE_URL (recruit.links).

Each event key names the link token the message carries (by its digest, as stored), so queueing the same
message twice adds nothing, while a new link is a new message."""

from __future__ import annotations

import secrets

from recruit.links import absolute_url
from recruit.models import Campaign, User
from recruit.services import notifications
from recruit.services.accounts import tokens

ROLE_NAMES = {"admin": "an admin", "assessor": "an assessor"}


def password_reset(user: User, raw_token: str) -> None:
    link = absolute_url("auth.set_password", token=raw_token)
    notifications.queue(
        f"password_reset:{tokens.digest(raw_token)}", user.email, "password_reset", link=link, needed_now=True
    )


def invitation(user: User, raw_token: str) -> None:
    link = absolute_url("auth.set_password", token=raw_token)
    notifications.queue(
        f"staff_invitation:{tokens.digest(raw_token)}",
        user.email,
        "staff_invitation",
        role=ROLE_NAMES.get(user.role, user.role),
        link=link,
        needed_now=True,
    )


def claim(campaign: Campaign, user: User, raw_token: str) -> notifications.Message:
    """A claim link for an imported candidate, for queue_many (an import queues them all at once)."""
    link = absolute_url("auth.set_password", token=raw_token)
    return notifications.Message(
        f"claim_link:{tokens.digest(raw_token)}",
        user.email,
        "claim_link",
        {"campaign_title": campaign.title, "link": link},
        campaign,
    )


def confirm_registration(email: str, raw_token: str) -> None:
    link = absolute_url("auth.confirm_registration", token=raw_token)
    notifications.queue(
        f"confirm_registration:{tokens.digest(raw_token)}", email, "confirm_registration", link=link, needed_now=True
    )


def already_registered(user: User) -> None:
    # Each attempt is an event of its own: it carries no token to name it by.
    notifications.queue(
        f"already_registered:{secrets.token_hex(16)}",
        user.email,
        "already_registered",
        sign_in_link=absolute_url("auth.sign_in"),
        reset_link=absolute_url("auth.forgotten_password"),
        needed_now=True,
    )
