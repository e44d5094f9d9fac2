"""The vacancy details page: the advert's fields (salary, contract, working patterns, locations, security clearance,
nationality requirements and a contact), their GOV.UK error messages, and when the details can change."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from recruit.extensions import db
from recruit.models import AuditEvent, Campaign
from tests.factories import ADVERT_FORM, draft_campaign, open_campaign, to_sift
from tests.helpers import error_messages, parse


def details_url(campaign) -> str:
    return f"/admin/campaigns/{campaign.id}/details"


def form_data(**changes) -> dict:
    data = {
        "title": "Caseworker",
        "organisation": "Child Maintenance Group",
        "location": "Glasgow",
        "posts": "2",
        "description": "Help families.\n\nSecond paragraph.",
        **ADVERT_FORM,
    }
    data.update(changes)
    return data


def audit_count(campaign) -> int:
    return db.session.scalar(
        select(func.count(AuditEvent.id)).where(
            AuditEvent.action == "campaign.details_changed", AuditEvent.record_id == str(campaign.id)
        )
    )


def test_the_page_shows_the_advert_fields_as_govuk_components(forms, client, signed_in_admin):
    campaign = draft_campaign(signed_in_admin)
    soup = parse(client.get(details_url(campaign)))
    salary = soup.select_one("#salary_min").find_parent(class_="govuk-input__wrapper")
    assert salary.select_one(".govuk-input__prefix").get_text(strip=True) == "£"
    assert soup.select_one("#salary_min")["value"] == "26000"
    radios = soup.select("input[name=contract_type]")
    assert [radio["value"] for radio in radios] == ["permanent", "fixed_term", "loan"]
    assert next(r for r in radios if r["value"] == "permanent").has_attr("checked")
    # The length box is revealed by the fixed-term radio (GOV.UK conditional reveal).
    fixed = next(r for r in radios if r["value"] == "fixed_term")
    reveal = soup.select_one(f"#{fixed['data-aria-controls']}")
    assert "govuk-radios__conditional" in reveal["class"] and reveal.select_one("input#contract_months")
    patterns = {box["value"]: box.has_attr("checked") for box in soup.select("input[name=working_patterns]")}
    assert patterns == {"full_time": True, "part_time": True, "job_share": False, "flexible": False}
    clearance = [label.get_text(strip=True) for label in soup.select("input[name=security_clearance] + label")]
    assert clearance == [
        "Baseline Personnel Security Standard (BPSS)",
        "Counter-terrorist check (CTC)",
        "Security check (SC)",
        "Developed vetting (DV)",
        "None",
    ]
    assert soup.select_one("#contact_email")["value"] == "cmg-recruitment@example.org"


def test_a_campaign_without_nationality_wording_is_offered_the_operators(app, client, signed_in_admin):
    campaign = draft_campaign(signed_in_admin, nationality_requirements="")
    soup = parse(client.get(details_url(campaign)))
    assert soup.select_one("#nationality_requirements").get_text(strip=True) == app.config["NATIONALITY_REQUIREMENTS"]
    new_page = parse(client.get("/admin/campaigns/new"))
    assert (
        new_page.select_one("#nationality_requirements").get_text(strip=True) == app.config["NATIONALITY_REQUIREMENTS"]
    )


def test_saving_the_advert_changes_the_campaign_and_audits_before_and_after(forms, signed_in_admin):
    campaign = draft_campaign(signed_in_admin)
    response = forms.submit(
        details_url(campaign),
        form_data(
            salary_min="£31,000",
            salary_max="34,500",
            pay_notes="plus London weighting",
            contract_type="fixed_term",
            contract_months="18",
            working_patterns=["job_share", "full_time"],
            other_locations="Leeds\n\n  Newcastle  \n",
            security_clearance="sc",
            contact_name="Sam Okoro",
            contact_email="sam.okoro@example.org",
        ),
    )
    assert response.status_code == 302
    db.session.expire_all()
    campaign = db.session.get(Campaign, campaign.id)
    assert (campaign.salary_min, campaign.salary_max, campaign.salary_currency) == (31000, 34500, "GBP")
    assert (campaign.contract_type, campaign.contract_months) == ("fixed_term", 18)
    assert campaign.working_patterns == ["full_time", "job_share"]
    assert campaign.locations == ["Glasgow", "Leeds", "Newcastle"]
    assert (campaign.security_clearance, campaign.contact_name) == ("sc", "Sam Okoro")
    entry = db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.action == "campaign.details_changed", AuditEvent.record_id == str(campaign.id)
        )
    ).one()
    assert entry.before["salary_min"] == 26000 and entry.after["salary_min"] == 31000
    assert entry.before["contract_type"] == "permanent" and entry.after["contract_months"] == 18
    assert entry.after["working_patterns"] == ["full_time", "job_share"]
    assert entry.after["contact_email"] == "sam.okoro@example.org"


def test_a_length_typed_before_choosing_another_kind_of_contract_is_dropped(forms, signed_in_admin):
    campaign = draft_campaign(signed_in_admin)
    response = forms.submit(details_url(campaign), form_data(contract_type="loan", contract_months="banana"))
    assert response.status_code == 302
    db.session.expire_all()
    campaign = db.session.get(Campaign, campaign.id)
    assert (campaign.contract_type, campaign.contract_months) == ("loan", None)


def test_saving_what_is_there_already_records_nothing(forms, signed_in_admin):
    campaign = draft_campaign(signed_in_admin)
    assert forms.submit(details_url(campaign), form_data()).status_code == 302
    assert audit_count(campaign) == 0


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"salary_min": ""}, "Enter the minimum salary"),
        ({"salary_max": ""}, "Enter the maximum salary"),
        ({"salary_min": "-1"}, "Minimum salary must be between £0 and £1,000,000"),
        ({"salary_max": "1000001"}, "Maximum salary must be between £0 and £1,000,000"),
        ({"salary_min": "twenty thousand"}, "Minimum salary must be a whole number, like 28000"),
        ({"salary_min": "28000.50"}, "Minimum salary must be in whole pounds, like 28000"),
        (
            {"salary_min": "30000", "salary_max": "29999"},
            "Maximum salary must be the same as or more than the minimum salary",
        ),
        ({"pay_notes": "x" * 201}, "Pay notes must be 200 characters or fewer"),
        ({"contract_type": ""}, "Select the type of contract"),
        ({"contract_type": "zero_hours"}, "Select the type of contract"),
        ({"contract_type": "fixed_term", "contract_months": ""}, "Enter how many months the fixed-term contract lasts"),
        ({"contract_type": "fixed_term", "contract_months": "0"}, "Contract length must be between 1 and 60 months"),
        ({"contract_type": "fixed_term", "contract_months": "61"}, "Contract length must be between 1 and 60 months"),
        (
            {"contract_type": "fixed_term", "contract_months": "a year"},
            "Contract length in months must be a whole number, like 12",
        ),
        ({"working_patterns": []}, "Select at least one working pattern"),
        ({"working_patterns": ["full_time", "weekends"]}, "Select at least one working pattern"),
        ({"other_locations": "x" * 1001}, "Other locations must be 1000 characters or fewer"),
        ({"security_clearance": ""}, "Select the security clearance the job needs"),
        ({"security_clearance": "top_secret"}, "Select the security clearance the job needs"),
        ({"nationality_requirements": ""}, "Enter the nationality requirements"),
        ({"nationality_requirements": "x" * 2001}, "Nationality requirements must be 2000 characters or fewer"),
        ({"contact_name": ""}, "Enter the name of the contact for questions"),
        ({"contact_email": ""}, "Enter the email address of the contact for questions"),
        ({"contact_email": "recruitment team"}, "Enter an email address in the correct format, like name@example.com"),
        ({"contact_email": "a@b"}, "Enter an email address in the correct format, like name@example.com"),
    ],
)
def test_bad_advert_input_is_refused_with_a_govuk_message(forms, signed_in_admin, changes, message):
    campaign = draft_campaign(signed_in_admin)
    response = forms.submit(details_url(campaign), form_data(**changes))
    assert response.status_code == 200
    assert message in error_messages(parse(response))
    assert audit_count(campaign) == 0
    db.session.expire_all()
    assert db.session.get(Campaign, campaign.id).salary_min == 26000


def test_the_new_campaign_page_asks_for_the_advert_too(forms, signed_in_admin):
    from tests.factories import grade

    data = {**form_data(contract_type="fixed_term", contract_months=""), "source": f"grade:{grade('band-c').id}"}
    response = forms.submit("/admin/campaigns/new", data)
    assert "Enter how many months the fixed-term contract lasts" in error_messages(parse(response))
    assert db.session.scalar(select(func.count(Campaign.id))) == 0
    response = forms.submit("/admin/campaigns/new", {**data, "contract_months": "9"})
    assert response.status_code == 302
    campaign = db.session.scalar(select(Campaign))
    assert (campaign.contract_text, campaign.salary_text) == ("Fixed term, 9 months", "£26,000 to £28,500")


def test_once_the_sift_has_started_the_details_cannot_change(forms, client, signed_in_admin):
    campaign = open_campaign(signed_in_admin, closes_in=timedelta(days=1))
    to_sift(signed_in_admin, campaign)
    overview = parse(client.get(f"/admin/campaigns/{campaign.id}"))
    assert not overview.select("#vacancy-summary a[href$='/details']")
    response = forms.submit(details_url(campaign), form_data(salary_min="1", salary_max="2"))
    assert "The vacancy details cannot change once the sift has started" in error_messages(parse(response))
    db.session.expire_all()
    assert db.session.get(Campaign, campaign.id).salary_min == 26000
    assert audit_count(campaign) == 0


def test_the_admin_vacancy_summary_shows_the_advert(client, signed_in_admin):
    campaign = draft_campaign(signed_in_admin, other_locations="Leeds\nNewcastle")
    soup = parse(client.get(f"/admin/campaigns/{campaign.id}"))
    rows = {
        row.dt.get_text(strip=True): row.dd.get_text(" ", strip=True)
        for row in soup.select("#vacancy-summary .govuk-summary-list__row")
    }
    assert rows["Other locations"] == "Leeds, Newcastle"
    assert rows["Salary"] == "£26,000 to £28,500"
    assert rows["Contract type"] == "Permanent"
    assert rows["Working pattern"] == "Full-time, Part-time"
    assert rows["Security clearance"] == "Baseline Personnel Security Standard (BPSS)"
    assert rows["Contact for questions"] == "Morag Finlay (cmg-recruitment@example.org)"
