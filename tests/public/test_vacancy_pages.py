"""The public vacancy pages, read through parsed HTML."""

from datetime import UTC, datetime, timedelta

import time_machine

from recruit.clock import utcnow
from recruit.extensions import db
from recruit.services.campaigns import criteria
from recruit.services.campaigns import setup as campaigns
from recruit.services.campaigns import status as campaign_status
from tests.factories import draft_campaign, open_campaign, ready_to_open


def texts(elements):
    return [e.get_text(" ", strip=True) for e in elements]


def test_open_vacancy_page_shows_criteria_levels_indicators_and_scale(page, admin):
    campaign = open_campaign(admin, "band-c", title="Case officer")
    soup = page(f"/vacancies/{campaign.reference}")
    assert soup.h1.get_text(strip=True) == "Case officer"
    facts = {
        row.dt.get_text(strip=True): row.dd.get_text(" ", strip=True)
        for row in soup.select("#vacancy-facts .govuk-summary-list__row")
    }
    assert facts["Reference"] == campaign.reference and facts["Grade"] == "Band C"
    sections = soup.select("section[data-criterion]")
    assert [s.h3.get_text(" ", strip=True) for s in sections] == [
        f"{c.competency.name}: Level 2" for c in campaign.criteria
    ]
    decisions = soup.select_one("section[data-criterion=making-effective-decisions]")
    competency = next(c for c in campaign.criteria if c.code == "making-effective-decisions").competency
    own_level = decisions.select(".recruit-indicators")[0]
    assert texts(own_level.select("ul[data-kind=effective] li")) == [
        i.text for i in competency.indicators_at(2)["effective"]
    ]
    assert texts(own_level.select("ul[data-kind=ineffective] li")) == [
        i.text for i in competency.indicators_at(2)["ineffective"]
    ]
    lower = decisions.select_one("details")
    assert "Lower levels of Making Effective Decisions" in lower.summary.get_text()
    assert texts(lower.select("h4")) == ["Level 1"]
    assert decisions.select_one(".recruit-word-limit").get_text(strip=True) == "250 words"
    assert texts(soup.select("#star li strong")) == ["Situation", "Task", "Action", "Result"]
    scale = [texts(row.select("td")) for row in soup.select("#scale-table tbody tr")]
    assert scale[0] == ["1", "Not demonstrated", "No positive evidence"]
    assert len(scale) == 7
    assert soup.select_one("#apply").get_text(strip=True) == "Apply for this job"


def test_closing_date_is_shown_in_uk_time(page, admin):
    campaign = ready_to_open(admin, draft_campaign(admin))
    with time_machine.travel(datetime(2031, 6, 1, 9, tzinfo=UTC), tick=False):
        campaigns.set_closing(admin, campaign, datetime(2031, 7, 15, 16, 0, tzinfo=UTC))  # 5pm BST
        campaign_status.move(admin, campaign, "open")
        soup = page(f"/vacancies/{campaign.reference}")
        facts = {
            row.dt.get_text(strip=True): row.dd.get_text(" ", strip=True)
            for row in soup.select("#vacancy-facts .govuk-summary-list__row")
        }
        assert facts["Closing date"] == "15 July 2031 at 5:00pm (UK time)"
        listed = {
            texts(row.select("td"))[0].split(" ")[0]: texts(row.select("td"))[3]
            for row in page("/vacancies").select("#vacancies tbody tr")
        }
        assert "15 July 2031 at 5:00pm" in listed.values()


def test_lead_and_interview_only_criteria_are_labelled(page, admin):
    campaign = draft_campaign(admin, "band-b")
    criteria.add_own_criterion(admin, campaign, "Presentation", "A short presentation on a case.", False, True)
    ready_to_open(admin, campaign)
    campaign_status.move(admin, campaign, "open")
    soup = page(f"/vacancies/{campaign.reference}")
    presentation = soup.select_one("section[data-criterion=presentation]")
    assert presentation.h3.get_text(strip=True) == "Presentation"
    assert "Assessed at: Interview." in presentation.get_text(" ", strip=True)
    assert presentation.select_one(".recruit-word-limit") is None


def test_vacancies_list_shows_only_open_vacancies(page, admin):
    shown = open_campaign(admin, title="Open job")
    draft_campaign(admin, title="Draft job")
    withdrawn = open_campaign(admin, title="Withdrawn job")
    campaign_status.move(admin, withdrawn, "withdrawn", "Cancelled")
    soup = page("/vacancies")
    rows = soup.select("#vacancies tbody tr")
    assert [row.select_one("a").get_text(strip=True) for row in rows] == ["Open job"]
    cells = texts(rows[0].select("td"))
    assert cells[1:3] == ["Band C", "Glasgow"]
    assert rows[0].select_one("a")["href"] == f"/vacancies/{shown.reference}"


def test_drafts_and_withdrawn_vacancies_are_not_public(page, admin):
    draft = draft_campaign(admin)
    withdrawn = open_campaign(admin)
    campaign_status.move(admin, withdrawn, "withdrawn", "Cancelled")
    for reference in (draft.reference, withdrawn.reference, "VAC-0000-0000", "<script>"):
        assert page(f"/vacancies/{reference}", status=404).h1.get_text(strip=True) == "Page not found"


def test_closed_vacancy_says_so_and_offers_no_apply_button(page, admin):
    campaign = open_campaign(admin)
    with time_machine.travel(utcnow() + timedelta(days=15)):
        soup = page(f"/vacancies/{campaign.reference}")
        assert "It is no longer taking applications" in soup.select_one("#closed-notice").get_text()
        assert soup.select_one("#apply") is None
        assert page("/vacancies").select("#vacancies") == []


def facts_of(soup) -> list[tuple[str, str]]:
    return [
        (row.dt.get_text(strip=True), row.dd.get_text(" ", strip=True))
        for row in soup.select("#vacancy-facts .govuk-summary-list__row")
    ]


def test_the_vacancy_page_shows_the_advert_in_the_order_a_candidate_reads_it(page, admin):
    campaign = open_campaign(
        admin,
        salary_min=31_000,
        salary_max=34_500,
        pay_notes="plus London weighting",
        contract_type="fixed_term",
        contract_months=18,
        working_patterns=["flexible", "full_time"],
        other_locations="Leeds\nNewcastle",
        security_clearance="sc",
    )
    soup = page(f"/vacancies/{campaign.reference}")
    facts = facts_of(soup)
    assert [key for key, _ in facts] == [
        "Reference",
        "Salary",
        "Grade",
        "Contract type",
        "Working pattern",
        "Locations",
        "Number of posts",
        "Closing date",
        "Security clearance",
        "Nationality requirements",
        "Contact for questions",
    ]
    shown = dict(facts)
    assert shown["Salary"] == "£31,000 to £34,500, plus London weighting"
    assert shown["Contract type"] == "Fixed term, 18 months"
    assert shown["Working pattern"] == "Full-time, Flexible working"
    assert [li.get_text(strip=True) for li in soup.select("#vacancy-facts ul.govuk-list li")] == [
        "Glasgow",
        "Leeds",
        "Newcastle",
    ]
    assert shown["Security clearance"] == "Security check (SC)"
    assert shown["Nationality requirements"] == "Open to UK nationals and others with the right to work in the UK."
    assert shown["Contact for questions"] == "Morag Finlay cmg-recruitment@example.org"
    assert soup.select_one("#vacancy-facts a[href='mailto:cmg-recruitment@example.org']")


def test_a_vacancy_made_before_the_advert_fields_says_they_are_not_stated(page, admin):
    campaign = open_campaign(admin)
    # Opened before the advert's terms were asked for: the migration left them empty.
    campaign.salary_min = campaign.salary_max = None
    campaign.contract_type = campaign.contract_months = campaign.security_clearance = None
    campaign.working_pattern_rows.clear()
    campaign.nationality_requirements = campaign.contact_name = campaign.contact_email = ""
    db.session.commit()
    shown = dict(facts_of(page(f"/vacancies/{campaign.reference}")))
    assert shown["Location"] == "Glasgow"
    for key in ("Salary", "Contract type", "Working pattern", "Security clearance", "Nationality requirements"):
        assert shown[key] == "Not stated", key
    assert shown["Contact for questions"] == "Not stated"


def test_the_advert_text_is_escaped(page, admin):
    campaign = open_campaign(admin, pay_notes="<b>bonus</b>", contact_name="<script>x</script>")
    soup = page(f"/vacancies/{campaign.reference}")
    assert not soup.select("#vacancy-facts script, #vacancy-facts b")
    assert "<b>bonus</b>" in dict(facts_of(soup))["Salary"]
