"""The emails Recruit sends about accounts, in GOV.UK style plain English. Each function returns
(to, subject, body) for recruit.mail; every link in them is built from BASE_URL (recruit.links)."""

from __future__ import annotations

from recruit.links import absolute_url
from recruit.models import Campaign, User

Email = tuple[str, str, str]


def password_reset(user: User, raw_token: str) -> Email:
    link = absolute_url("auth.set_password", token=raw_token)
    return (
        user.email,
        "Reset your Recruit password",
        f"Use this link within 2 hours to choose a new password:\n\n{link}\n\n"
        "If you did not ask for this, you can ignore this email.",
    )


def invitation(inviter: User, user: User, raw_token: str) -> Email:
    link = absolute_url("auth.set_password", token=raw_token)
    return (
        user.email,
        "You have been invited to Recruit",
        f"{inviter.name} has invited you to Recruit as {user.role}.\n\n"
        f"Choose your password within 72 hours using this link:\n\n{link}\n",
    )


def claim(campaign: Campaign, user: User, raw_token: str) -> Email:
    link = absolute_url("auth.set_password", token=raw_token)
    return (
        user.email,
        "Your application has been added to Recruit",
        f"Your application for {campaign.title} has been added to Recruit.\n\n"
        f"Choose a password within 72 hours to follow it:\n\n{link}\n",
    )


def confirm_registration(email: str, raw_token: str) -> Email:
    link = absolute_url("auth.confirm_registration", token=raw_token)
    return (
        email,
        "Confirm your email address to create your Recruit account",
        f"Use this link within 24 hours to confirm your email address and create your Recruit account:\n\n"
        f"{link}\n\nYou will be asked for the password you chose.\n\n"
        "If you did not try to create an account, you can ignore this email. No account will be created.",
    )


def already_registered(user: User) -> Email:
    return (
        user.email,
        "Someone tried to create a Recruit account with your email address",
        "Someone tried to create a Recruit account with this email address, but you already have one.\n\n"
        f"If it was you, sign in here:\n\n{absolute_url('auth.sign_in')}\n\n"
        f"If you have forgotten your password, reset it here:\n\n{absolute_url('auth.forgotten_password')}\n\n"
        "If it was not you, you can ignore this email. Nothing about your account has changed.",
    )
