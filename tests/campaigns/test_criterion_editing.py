"""Editing a campaign's criteria, both kinds: a framework competency (with its level) and a criterion of the
campaign's own (with its title and description, and no level)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from recruit.extensions import db
from recruit.models import AuditEvent, Campaign, Criterion, Framework
from recruit.services.campaigns import criteria
from recruit.services.campaigns import status as campaign_status
from tests.factories import draft_campaign, ready_to_open
from tests.helpers import error_messages, parse

OWN_TITLE = "Experience of casework"
OWN_DESCRIPTION = "At least a year of casework in a customer-focused service."


def own_criterion(admin, campaign: Campaign) -> Criterion:
    return criteria.add_own_criterion(admin, campaign, OWN_TITLE, OWN_DESCRIPTION, at_sift=True, at_interview=True)


def criterion_of_kind(admin, kind: str) -> Criterion:
    campaign = draft_campaign(admin)
    return campaign.criteria[0] if kind == "framework" else own_criterion(admin, campaign)


def url_for_criterion(criterion: Criterion) -> str:
    return f"/admin/campaigns/{criterion.campaign_id}/criteria/{criterion.id}"


def form_data(criterion: Criterion, **changes) -> dict:
    """What the page sends when saved unchanged, with the changes given."""
    data = {
        "stages": criterion.stages,
        "weight": str(criterion.weight),
        "pass_mark": str(criterion.pass_mark),
        "word_limit": str(criterion.word_limit),
    }
    if criterion.competency is not None:
        data["level"] = str(criterion.level_id)
    else:
        data.update(title=criterion.title, description=criterion.description)
    if criterion.is_lead:
        data["is_lead"] = "y"
    data.update(changes)
    return data


def fields_shown(soup) -> dict[str, object]:
    """The values the edit page shows, by field name."""
    shown: dict[str, object] = {}
    for element in soup.select("form input, form textarea"):
        name, kind = element.get("name"), element.get("type")
        if name in (None, "csrf_token"):
            continue
        if kind in ("radio", "checkbox"):
            values = shown.setdefault(name, [])
            if element.has_attr("checked"):
                values.append(element["value"])
        else:
            shown[name] = element.get_text() if element.name == "textarea" else element.get("value", "")
    return shown


def reloaded(criterion: Criterion) -> Criterion:
    db.session.expire_all()
    return db.session.get(Criterion, criterion.id)


# The page ---------------------------------------------------------------------------------------


def test_the_page_shows_the_fields_of_each_kind_and_nothing_else(client, signed_in_admin):
    framework = criterion_of_kind(signed_in_admin, "framework")
    page = fields_shown(parse(client.get(url_for_criterion(framework))))
    assert set(page) == {"level", "stages", "weight", "pass_mark", "word_limit", "is_lead"}
    assert page["level"] == [str(framework.level_id)] and page["weight"] == "1"

    own = criterion_of_kind(signed_in_admin, "own")
    soup = parse(client.get(url_for_criterion(own)))
    page = fields_shown(soup)
    assert set(page) == {"title", "description", "stages", "weight", "pass_mark", "word_limit", "is_lead"}
    assert page["title"] == OWN_TITLE and page["description"].strip() == OWN_DESCRIPTION
    assert page["stages"] == ["sift", "interview"] and page["word_limit"] == "250"
    assert soup.h1.get_text(strip=True) == OWN_TITLE


# Saving every field -----------------------------------------------------------------------------


def test_every_field_of_a_framework_criterion_can_be_changed(forms, client, signed_in_admin):
    item = criterion_of_kind(signed_in_admin, "framework")
    level_3 = item.campaign.framework.level(3)
    url = url_for_criterion(item)
    response = forms.submit(
        url,
        form_data(
            item, level=str(level_3.id), stages=["sift"], weight="3", pass_mark="5", word_limit="400", is_lead="y"
        ),
    )
    assert response.status_code == 302
    assert fields_shown(parse(client.get(url))) == {
        "level": [str(level_3.id)],
        "stages": ["sift"],
        "weight": "3",
        "pass_mark": "5",
        "word_limit": "400",
        "is_lead": ["y"],
    }
    response = forms.submit(url, form_data(reloaded(item), stages=["interview"], is_lead=None))
    assert response.status_code == 302
    assert fields_shown(parse(client.get(url)))["stages"] == ["interview"]
    assert reloaded(item).is_lead is False


def test_every_field_of_an_own_criterion_can_be_changed(forms, client, signed_in_admin):
    item = criterion_of_kind(signed_in_admin, "own")
    url = url_for_criterion(item)
    response = forms.submit(
        url,
        form_data(
            item,
            title="Experience of benefits casework",
            description="Two years of benefits casework.",
            stages=["interview"],
            weight="2",
            pass_mark="3",
            word_limit="500",
        ),
    )
    assert response.status_code == 302, error_messages(parse(response))
    assert fields_shown(parse(client.get(url))) == {
        "title": "Experience of benefits casework",
        "description": "Two years of benefits casework.",
        "stages": ["interview"],
        "weight": "2",
        "pass_mark": "3",
        "word_limit": "500",
        "is_lead": [],
    }
    response = forms.submit(url, form_data(reloaded(item), stages=["sift", "interview"], is_lead="y"))
    assert response.status_code == 302, error_messages(parse(response))
    item = reloaded(item)
    assert (item.at_sift, item.at_interview, item.is_lead, item.level_id) == (True, True, True, None)
    assert item.code == "experience-of-casework", "the criterion keeps its address when its title changes"
    overview = parse(client.get(f"/admin/campaigns/{item.campaign_id}"))
    names = [row.th.get_text(" ", strip=True) for row in overview.select("#criteria-table tbody tr")]
    assert "Experience of benefits casework Lead" in names and OWN_TITLE not in " ".join(names)
    changed = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "criterion.changed").order_by(AuditEvent.id)
    ).all()
    assert changed[0].before["name"] == OWN_TITLE and changed[0].after["name"] == "Experience of benefits casework"
    assert changed[0].after["description"] == "Two years of benefits casework."
    assert (changed[0].before["weight"], changed[0].after["weight"]) == (1, 2)


def test_a_level_sent_for_an_own_criterion_is_ignored(forms, signed_in_admin):
    item = criterion_of_kind(signed_in_admin, "own")
    response = forms.submit(url_for_criterion(item), form_data(item, level="abc", weight="4"))
    assert response.status_code == 302
    item = reloaded(item)
    assert (item.weight, item.level_id) == (4, None)


def test_once_open_an_own_sift_criterion_keeps_its_wording_but_its_scoring_rules_can_change(forms, signed_in_admin):
    campaign = ready_to_open(signed_in_admin, draft_campaign(signed_in_admin))
    item = own_criterion(signed_in_admin, campaign)
    campaign_status.move(signed_in_admin, campaign, "open")
    url = url_for_criterion(item)
    response = forms.submit(url, form_data(item, title="Something else"))
    assert error_messages(parse(response)) == [
        "Sift criteria cannot change once the campaign is open: candidates are writing evidence against them"
    ]
    assert reloaded(item).title == OWN_TITLE
    response = forms.submit(url, form_data(reloaded(item), weight="2", pass_mark="5"))
    assert response.status_code == 302, error_messages(parse(response))
    assert (reloaded(item).weight, reloaded(item).pass_mark) == (2, 5)


# Bad input, field by field ----------------------------------------------------------------------

COMMON = [
    ({"weight": ""}, "Enter the weight"),
    ({"weight": "x"}, "Weight must be a whole number, like 1"),
    ({"weight": "0"}, "Weight must be between 1 and 10"),
    ({"weight": "11"}, "Weight must be between 1 and 10"),
    ({"pass_mark": ""}, "Enter the pass mark"),
    ({"pass_mark": "x"}, "Pass mark must be a whole number, like 4"),
    ({"pass_mark": "9"}, "Pass mark must be a point on the Civil Service 1–7 scale"),
    ({"pass_mark": "101"}, "Pass mark must be between 0 and 100"),
    ({"word_limit": ""}, "Enter the word limit"),
    ({"word_limit": "lots"}, "Word limit must be a whole number, like 250"),
    ({"word_limit": "20"}, "Word limit must be between 50 and 2000"),
    ({"word_limit": "2001"}, "Word limit must be between 50 and 2000"),
    ({"stages": []}, "Select at least one stage"),
    ({"stages": ["lunch"]}, "Select at least one stage"),
    ({"stages": ["interview"], "is_lead": "y"}, "The lead criterion must be assessed at the sift"),
]
FRAMEWORK_ONLY = [
    ({"level": ""}, "Select a level"),
    ({"level": "abc"}, "Select a level"),
    ({"level": "999999"}, "Select a level"),
    ({"level": "another framework"}, "Select a level"),
]
OWN_ONLY = [
    ({"title": ""}, "Enter a title for the criterion"),
    ({"title": "   "}, "Enter a title for the criterion"),
    ({"title": "x" * 201}, "Title must be 200 characters or fewer"),
    ({"description": ""}, "Enter what candidates must show"),
    ({"description": "x" * 5001}, "Description must be 5000 characters or fewer"),
]
CASES = [("framework", *case) for case in COMMON + FRAMEWORK_ONLY] + [("own", *case) for case in COMMON + OWN_ONLY]


@pytest.mark.parametrize("kind, changes, message", CASES)
def test_bad_input_is_shown_on_the_field_and_changes_nothing(forms, signed_in_admin, kind, changes, message):
    item = criterion_of_kind(signed_in_admin, kind)
    before = criteria._snapshot(item)
    if changes.get("level") == "another framework":
        other = db.session.scalar(
            select(Framework).where(
                Framework.id != item.campaign.framework_id, Framework.slug == "guildford-behaviours"
            )
        )
        changes = {"level": str(other.levels[0].id)}
    response = forms.submit(url_for_criterion(item), form_data(item, **changes))
    assert response.status_code == 200
    soup = parse(response)
    assert error_messages(soup) == [message]
    assert soup.title.get_text(strip=True).startswith("Error: ")
    for link in soup.select(".govuk-error-summary__list a"):
        assert soup.select_one(link["href"]) is not None, f"{link['href']} is not on the page"
    assert criteria._snapshot(reloaded(item)) == before
