"""Building campaigns for tests through the same services the admin pages use."""
from datetime import timedelta

from sqlalchemy import select

from recruit.clock import utcnow
from recruit.extensions import db
from recruit.models import Framework, Grade, RoleProfile
from recruit.services.campaigns import status as campaign_status
from recruit.services.campaigns import setup as campaigns
from tests.factories import UserFactory


def grade(slug: str, framework: str = "civil-service-2012") -> Grade:
    return db.session.scalar(select(Grade).join(Framework).where(Framework.slug == framework, Grade.slug == slug))


def role_profile(slug: str) -> RoleProfile:
    return db.session.scalar(select(RoleProfile).where(RoleProfile.slug == slug))


def details(title: str = "Caseworker") -> campaigns.Details:
    return campaigns.Details(title, "Child Maintenance Group", "Glasgow", 2, "Help families.\n\nSecond paragraph.")


def draft_campaign(admin, grade_slug: str = "band-c", **kwargs):
    return campaigns.create_campaign(admin, details(**kwargs), grade=grade(grade_slug))


def ready_to_open(admin, campaign, closes_in=timedelta(days=14)):
    campaigns.set_closing(admin, campaign, utcnow() + closes_in)
    chair, member = UserFactory(role="assessor"), UserFactory(role="assessor")
    campaigns.set_panel(admin, campaign, "sift", chair, [member])
    return campaign


def open_campaign(admin, grade_slug: str = "band-c", **kwargs):
    campaign = ready_to_open(admin, draft_campaign(admin, grade_slug, **kwargs))
    campaign_status.move(admin, campaign, "open")
    return campaign
