"""The fairness pages: one campaign's figures and those across campaigns closing in a date range, each with its
chart, tables, explanation and CSV; bad dates refused with the error summary; admins only."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import event, insert

from recruit.clock import utcnow
from recruit.extensions import db
from recruit.models import Campaign, MonitoringResponse
from recruit.services.campaigns.stages import stage_record
from tests.factories import add_applications, sift_campaign
from tests.helpers import error_messages, parse

# (sex answer, applied, passed the sift): the 48 of 120 against 20 of 80, a group of 7, and blanks.
GROUPS = (("female", 120, 48), ("male", 80, 20), ("prefer_not_to_say", 7, 3), (None, 30, 12))


@pytest.fixture
def decided(make_user):
    """A campaign whose sift is decided, with monitoring answers giving GROUPS."""
    admin = make_user(role="admin")
    setup = sift_campaign(admin, applications=1)
    setup.applications[0].status = "withdrawn"  # withdrawn before the sift: applied, and no answers anyway
    start = 10
    for sex, applied, passed in GROUPS:
        made = add_applications(setup.campaign, passed, start, status="sift_passed")
        made += add_applications(setup.campaign, applied - passed, start + passed, status="sift_failed")
        start += applied
        db.session.execute(insert(MonitoringResponse), [{"application_id": a, "sex": sex} for a, _ in made])
    record = stage_record(setup.campaign, "sift")
    record.decided_at = utcnow()
    db.session.add(record)
    db.session.commit()
    return setup


def rows(soup, stage):
    table = soup.select_one(f"table[data-stage={stage}]")
    return {
        tr["data-group"]: [cell.get_text(" ", strip=True) for cell in tr.select("td")]
        for tr in table.select("tbody tr")
    }


def test_the_campaign_page_shows_rates_the_flag_and_suppression(forms, client, decided):
    forms.sign_in(decided.admin)
    overview = parse(client.get(f"/admin/campaigns/{decided.campaign.id}"))
    link = overview.select_one("#fairness-link")["href"]
    soup = parse(client.get(link))
    assert soup.h1.get_text(strip=True) == "Fairness figures"
    sift = rows(soup, "sift")
    assert sift["female"][:4] == ["120", "48", "40.0%", "1.00"]
    assert sift["male"][:3] == ["80", "20", "25.0%"]
    assert sift["male"][3] == "0.62 Below four-fifths"  # 0.625
    assert "Below four-fifths" not in sift["female"][3]
    # The group of 7 is hidden, with the next smallest, so the total less the shown rows gives neither away.
    assert sift["prefer_not_to_say"] == ["Fewer than 10", "Fewer than 10", "", "", ""]
    assert sift["not_answered"][:2] == ["Fewer than 10", "Fewer than 10"]
    assert sift["total"][:2] == ["237", "83"]
    # Nobody has been interviewed yet: "not reached yet", not a stage everyone failed.
    assert soup.select_one("table[data-stage=invited]") is None
    assert "Not reached yet." in soup.get_text()
    figure = soup.select_one("figure")
    assert "Bar chart of selection rates by sex" in figure.img["alt"]
    assert figure.img["src"].startswith("data:image/svg+xml;base64,")
    assert "four-fifths rule" in soup.select_one("details").get_text()


def test_choosing_a_characteristic_and_a_bad_one(forms, client, decided):
    forms.sign_in(decided.admin)
    url = f"/admin/campaigns/{decided.campaign.id}/fairness"
    soup = parse(client.get(url, query_string={"characteristic": "ethnic_group"}))
    assert soup.h2.get_text(strip=True) == "Broad ethnic group"
    response = client.get(url, query_string={"characteristic": "shoe_size"})
    assert response.status_code == 400
    assert error_messages(parse(response)) == ["Select a characteristic"]


def test_the_csv_escapes_formulas_and_says_fewer_than_10(forms, client, decided):
    forms.sign_in(decided.admin)
    response = client.get(f"/admin/campaigns/{decided.campaign.id}/fairness.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    table = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert table[0][0] == "Figures for"
    assert all(row[0] == decided.campaign.title for row in table[1:])
    sex = [row for row in table if row[1] == "Sex" and row[2] == "Passed pre-sift to passed sift"]
    by_group = {row[3]: row for row in sex}
    assert by_group["Male"][4:10] == ["80", "20", "25.0%", "0.62", "Yes", by_group["Male"][9]]
    assert by_group["Prefer not to say"][4:6] == ["Fewer than 10", "Fewer than 10"]
    assert any(row[3] == "Not reached yet" for row in table)


def test_a_formula_in_a_title_is_escaped_in_the_csv(forms, client, decided):
    decided.campaign.title = '=HYPERLINK("http://evil.example")'
    db.session.commit()
    forms.sign_in(decided.admin)
    text = client.get(f"/admin/campaigns/{decided.campaign.id}/fairness.csv").get_data(as_text=True)
    first = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))[1][0]
    # Escaped with a leading apostrophe: a spreadsheet shows the text and runs nothing.
    assert first == '\'=HYPERLINK("http://evil.example")'
    assert not any(line.startswith("=") for line in text.splitlines())


def test_the_range_page_adds_up_the_campaigns_closing_in_it(forms, client, decided):
    forms.sign_in(decided.admin)
    nav = parse(client.get("/admin/campaigns"))
    link = next(
        a["href"]
        for a in nav.select(".govuk-service-navigation__link, .govuk-header__link")
        if a.get_text(strip=True) == "Fairness"
    )
    empty = parse(client.get(link))
    assert empty.select("table") == [] and error_messages(empty) == []
    today = utcnow().date()
    query = {"since": ["1", "1", "2020"], "until": [str(today.day + 0), str(today.month), str(today.year + 1)]}
    query_string = [(k, v) for k, values in query.items() for v in values] + [("characteristic", "sex")]
    soup = parse(client.get(link, query_string=query_string))
    assert "1 campaign closing from" in soup.get_text()
    assert rows(soup, "sift")["female"][:2] == ["120", "48"]
    csv_link = soup.select_one("#csv")["href"]
    assert client.get(csv_link).status_code == 200


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ([("characteristic", "sex")], "Enter the date to start from"),
        (
            [("since", "1"), ("since", "13"), ("since", "2026"), ("characteristic", "sex")],
            "From must be a real date, like 27 3 2026",
        ),
        (
            [
                ("since", "2"),
                ("since", "1"),
                ("since", "2026"),
                ("until", "1"),
                ("until", "1"),
                ("until", "2026"),
                ("characteristic", "sex"),
            ],
            "The date to end on must be the same as or after the date to start from",
        ),
    ],
)
def test_bad_dates_are_explained_and_nothing_is_worked_out(forms, client, decided, query, message):
    forms.sign_in(decided.admin)
    response = client.get("/admin/campaigns/fairness", query_string=query)
    assert response.status_code == 400
    soup = parse(response)
    assert message in error_messages(soup)
    assert soup.select("table") == []
    assert client.get("/admin/campaigns/fairness.csv", query_string=query).status_code == 400


@pytest.mark.parametrize("role", ["assessor", "candidate"])
def test_panel_members_and_candidates_are_refused(forms, client, decided, make_user, role):
    forms.sign_in(make_user(role=role))
    for url in (
        f"/admin/campaigns/{decided.campaign.id}/fairness",
        f"/admin/campaigns/{decided.campaign.id}/fairness.csv",
        "/admin/campaigns/fairness",
        "/admin/campaigns/fairness.csv",
    ):
        assert client.get(url).status_code in (403, 404), url


def test_the_sift_chair_is_refused_too(forms, client, decided):
    forms.sign_in(decided.chair)
    assert client.get(f"/admin/campaigns/{decided.campaign.id}/fairness").status_code == 403


def test_the_page_reads_the_same_few_queries_however_many_applied(forms, client, decided):
    """Grouped counts, not a query (or a row) per application: 300 more applications add no query."""
    forms.sign_in(decided.admin)
    url = f"/admin/campaigns/{decided.campaign.id}/fairness"

    def queries() -> int:
        db.session.remove()  # from an empty session, as a real request starts
        statements: list[str] = []

        def record(conn, cursor, statement, *args):
            if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK")):
                statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", record)
        try:
            assert client.get(url).status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", record)
        return statements

    before = queries()
    campaign = db.session.get(Campaign, decided.campaign.id)
    made = add_applications(campaign, 300, 5000, status="sift_passed")
    db.session.execute(insert(MonitoringResponse), [{"application_id": a, "sex": "female"} for a, _ in made])
    db.session.commit()
    after = queries()
    assert len(after) == len(before) <= 20, [a[:150] for a in after if a not in before]
