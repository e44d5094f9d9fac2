"""Before submitting, the candidate is warned of what in their evidence could identify them: their name, contact
details, reference numbers and the organisations they listed to keep out of it, with a link to change each
statement. A warning only: they may still submit."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from recruit.extensions import db
from recruit.models import Application
from tests.apply.test_applications import start, submit, version_on
from tests.helpers import error_messages, parse


def details(forms, base, organisations: str = "", **changes):
    url = f"{base}/personal-details"
    data = {
        "full_name": "Priya Shah",
        "email": "priya@example.org",
        "phone": "",
        "organisations": organisations,
        "version": version_on(forms.client, url),
        **changes,
    }
    return forms.submit(url, data)


def evidence(forms, base, criterion, text: str):
    url = f"{base}/evidence/{criterion.code}"
    return forms.submit(url, {"text": text, "version": version_on(forms.client, url)})


def test_the_check_page_warns_of_identifying_details_with_a_link_to_each_statement(forms, make_user, campaign):
    forms.sign_in(make_user(role="candidate"))
    base = start(forms, campaign)
    assert details(forms, base, "Acme Widgets Ltd\n\n  St Anne's School  ").status_code == 302
    saved = db.session.scalar(select(Application)).personal_details
    assert saved.organisations == "Acme Widgets Ltd\nSt Anne's School"
    one, two, *rest = campaign.criteria_at("sift")
    evidence(forms, base, one, "As Priya at Acme Widgets Ltd I cut costs. Call 07700 900123.")
    evidence(forms, base, two, "I planned the work and it was delivered on time, in May.")
    for criterion in rest:
        evidence(forms, base, criterion, "I led a project.")

    page = parse(forms.client.get(f"{base}/check"))
    warning = page.select_one("#identifying")
    assert warning is not None
    assert [h.get_text(strip=True) for h in warning.select("h3")] == [one.name]  # only the statement with any
    assert [li.get_text(" ", strip=True) for li in warning.select("li")] == [
        "Your name: Priya",
        "An organisation you listed: Acme Widgets Ltd",
        "A phone number: 07700 900123",
    ]
    assert warning.select_one("a")["href"] == f"{base}/evidence/{one.code}"

    # It warns; it does not stop them submitting.
    assert submit(forms, base).status_code == 302
    assert db.session.scalar(select(Application)).status == "submitted"


def test_no_warning_when_nothing_could_identify_the_candidate(forms, make_user, campaign):
    forms.sign_in(make_user(role="candidate"))
    base = start(forms, campaign)
    details(forms, base)
    for criterion in campaign.criteria_at("sift"):
        evidence(forms, base, criterion, "I planned the work and it was delivered on time.")
    assert parse(forms.client.get(f"{base}/check")).select_one("#identifying") is None


@pytest.mark.parametrize(
    "organisations, message",
    [
        ("\n".join(f"Organisation {n}" for n in range(21)), "Enter 20 organisations or fewer"),
        ("Acme\n" + "A" * 101, "Each organisation must be 100 characters or fewer"),
        ("A" * 5001, "Organisations to keep out must be 5,000 characters or fewer"),
    ],
)
def test_organisations_bad_input(forms, make_user, campaign, organisations, message):
    forms.sign_in(make_user(role="candidate"))
    base = start(forms, campaign)
    response = details(forms, base, organisations)
    assert error_messages(parse(response)) == [message]
    assert db.session.scalar(select(Application)).personal_details is None
