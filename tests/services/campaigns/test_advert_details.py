"""The advert's fields through the campaign set-up service: what it refuses (as the database's checks would),
what it keeps, and the audit entries."""

import pytest
from sqlalchemy import select

from recruit.extensions import db
from recruit.models import AuditEvent, Campaign
from recruit.services.campaigns import setup as campaigns
from recruit.services.campaigns import status as campaign_status
from recruit.services.errors import Refused
from tests.factories import details, draft_campaign, open_campaign


def reloaded(campaign) -> Campaign:
    db.session.expire_all()
    return db.session.get(Campaign, campaign.id)


def test_creating_a_campaign_audits_its_advert(admin):
    campaign = draft_campaign(admin, other_locations="Leeds")
    entry = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "campaign.created", AuditEvent.record_id == str(campaign.id))
    ).one()
    assert entry.after["salary_min"] == 26000 and entry.after["salary_max"] == 28500
    assert entry.after["salary_currency"] == "GBP"
    assert entry.after["contract_type"] == "permanent" and entry.after["contract_months"] is None
    assert entry.after["working_patterns"] == ["full_time", "part_time"]
    assert entry.after["other_locations"] == "Leeds"
    assert entry.after["security_clearance"] == "bpss"
    assert entry.after["contact_name"] == "Morag Finlay"


def test_changing_the_advert_is_audited_with_before_and_after(admin):
    campaign = draft_campaign(admin)
    campaigns.update_details(
        admin,
        campaign,
        details(
            salary_min=30000,
            salary_max=30000,
            contract_type="fixed_term",
            contract_months=6,
            working_patterns=["flexible"],
            security_clearance="dv",
        ),
    )
    campaign = reloaded(campaign)
    assert campaign.salary_text == "£30,000"
    assert campaign.contract_text == "Fixed term, 6 months"
    assert campaign.working_patterns == ["flexible"]
    entry = db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.action == "campaign.details_changed", AuditEvent.record_id == str(campaign.id)
        )
    ).one()
    assert entry.actor_id == admin.id
    assert (entry.before["security_clearance"], entry.after["security_clearance"]) == ("bpss", "dv")
    assert (entry.before["working_patterns"], entry.after["working_patterns"]) == (
        ["full_time", "part_time"],
        ["flexible"],
    )


def test_keeping_a_working_pattern_and_adding_one_keeps_both(admin):
    campaign = draft_campaign(admin)
    campaigns.update_details(admin, campaign, details(working_patterns=["part_time", "job_share", "part_time"]))
    assert reloaded(campaign).working_patterns == ["part_time", "job_share"]


def test_only_a_fixed_term_contract_keeps_a_length(admin):
    campaign = draft_campaign(admin)
    campaigns.update_details(admin, campaign, details(contract_type="loan", contract_months=12))
    campaign = reloaded(campaign)
    assert (campaign.contract_type, campaign.contract_months, campaign.contract_text) == (
        "loan",
        None,
        "Loan or secondment",
    )


@pytest.mark.parametrize(
    "advert, message",
    [
        ({"salary_min": 30000, "salary_max": None}, "Enter both the minimum and the maximum salary, or neither"),
        ({"salary_min": -5, "salary_max": 100}, "Salary must be £0 or more"),
        ({"salary_min": 30000, "salary_max": 20000}, "Maximum salary must be the same as or more than the minimum"),
        ({"salary_min": 1, "salary_max": 1_000_001}, "Maximum salary must be £1,000,000 or less"),
        ({"contract_type": "zero_hours"}, "Select the type of contract"),
        ({"contract_type": "fixed_term"}, "Enter how many months the fixed-term contract lasts"),
        ({"contract_type": "fixed_term", "contract_months": 61}, "Contract length must be between 1 and 60 months"),
        ({"working_patterns": ["weekends"]}, "Select the working patterns the job offers"),
        ({"security_clearance": "top_secret"}, "Select the security clearance the job needs"),
    ],
)
def test_the_service_refuses_what_the_database_would_and_changes_nothing(admin, advert, message):
    campaign = draft_campaign(admin)
    with pytest.raises(Refused, match=message):
        campaigns.update_details(admin, campaign, details(title="Changed", **advert))
    campaign = reloaded(campaign)
    assert (campaign.title, campaign.salary_min, campaign.contract_type) == ("Caseworker", 26000, "permanent")
    assert not db.session.scalars(select(AuditEvent).where(AuditEvent.action == "campaign.details_changed")).all()


def test_the_advert_cannot_change_once_the_campaign_is_over(admin):
    campaign = open_campaign(admin)
    campaign_status.move(admin, campaign, "withdrawn", reason="Funding withdrawn")
    with pytest.raises(Refused, match="This campaign is withdrawn; it can no longer be changed"):
        campaigns.update_details(admin, campaign, details(salary_min=1, salary_max=2))
    assert reloaded(campaign).salary_min == 26000


def test_a_campaign_made_before_the_advert_states_none_of_it(admin):
    campaign = campaigns.create_campaign(
        admin, campaigns.Details("Caseworker", "CMG", "Glasgow", 1, "Help."), grade=draft_campaign(admin).grade
    )
    campaign = reloaded(campaign)
    assert campaign.salary_text == campaign.contract_text == campaign.working_pattern_text == ""
    assert campaign.security_clearance_text == "" and campaign.locations == ["Glasgow"]
