"""Importing applications from CSV: through the admin upload page and the service. A file with any
problem is refused whole with every problem listed by row and column; a clean one is imported whole."""

import csv
import io
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import time_machine
from sqlalchemy import func, select

from recruit.clock import utcnow
from recruit.extensions import db
from recruit.models import Application, AuditEvent, Notification, PersonalDetails, Statement, User, UserToken
from recruit.services.applications import csv_import as application_import
from recruit.services.applications import submission as applications
from recruit.services.campaigns import status as campaign_status
from recruit.services.errors import Refused
from recruit.services.frameworks.yaml_files import FileProblems
from tests.factories import UserFactory, draft_campaign
from tests.helpers import error_messages, import_url, listed_problems, make_csv, parse, upload, words

NEW_PASSWORD = "copper kettle meadow lighthouse"
SAVE_AS = "In a spreadsheet, save it as 'CSV UTF-8 (Comma delimited)'"


@pytest.fixture
def codes(campaign):
    return [criterion.code for criterion in campaign.criteria_at("sift")]


def text_of(element) -> str:
    return " ".join(element.get_text(" ").split())


def counts() -> dict[str, int]:
    return {
        model.__name__: db.session.scalar(select(func.count()).select_from(model))
        for model in (User, Application, PersonalDetails, Statement, AuditEvent, UserToken)
    }


def imported(campaign) -> dict[str, Application]:
    """The campaign's applications by the email in their personal details."""
    db.session.expire_all()
    found = db.session.scalars(select(Application).where(Application.campaign_id == campaign.id)).all()
    return {application.personal_details.email: application for application in found}


def statements_of(application) -> dict[str, tuple[str, int]]:
    return {s.criterion.code: (s.text, s.word_count) for s in application.statements}


# A file with one of each kind of problem, and the problems it must be refused with, in order.


@pytest.fixture
def file_with_problems(campaign, codes, make_user):
    staff = make_user(role="assessor", email="assessor@example.org")
    applied = make_user(email="applied@example.org")
    applications.start(applied, campaign)
    make_user(email="gone@example.org", active=False)
    good = [words(40)] * 4
    header = ["name", "email", "phone", *codes[:4], "teamwork"]  # codes[4] missing; teamwork is not a criterion
    rows = [
        ["", "noname@example.org", "", *good, ""],
        ["Bad Email", "not-an-email", "", *good, ""],
        ["First Copy", "twice@example.org", "", *good, ""],
        ["Second Copy", " TWICE@example.org ", "", *good, ""],
        ["Staff Member", staff.email, "", *good, ""],
        ["Applied Already", "Applied@Example.org", "", *good, ""],
        ["Gone Away", "gone@example.org", "", *good, ""],
        ["Too Long", "long@example.org", "", words(251), *good[1:], ""],
        ["No Evidence", "empty@example.org", "", good[0], " \n ", *good[2:], ""],
        ["Extra Cells", "extra@example.org", "", *good, "", "surplus"],
        ["Bad Phone", "phone@example.org", "call me maybe", *good, ""],
        ["Clean Row", "clean@example.org", "01632 960 001", *good, ""],
    ]
    expected = [
        "Header, column teamwork: is not a criterion of this campaign; use the codes listed on the import page",
        f"Header, column {codes[4]}: is missing",
        "Row 2, column name: is empty; enter the candidate's full name",
        "Row 3, column email: is not an email address in the correct format, like name@example.com",
        "Row 5, column email: is the same as row 4",
        "Row 6, column email: belongs to a staff account",
        "Row 7, column email: already has an application for this campaign",
        "Row 8, column email: belongs to a deactivated account; reactivate it or leave this application out",
        f"Row 9, column {codes[0]}: has 251 words; the limit is 250",
        f"Row 10, column {codes[1]}: is empty; every criterion needs the candidate's evidence",
        "Row 11, column 9: has a value, but the header row has only 8 columns",
        "Row 12, column phone: is not a telephone number, like 01632 960 001",
    ]
    return make_csv(header, rows), expected


def test_a_file_with_many_problems_is_refused_whole_with_every_problem_listed(
    as_admin, campaign, file_with_problems, count_writes
):
    data, expected = file_with_problems
    before = counts()

    with count_writes() as writes:
        response = upload(as_admin, campaign, data)

    assert response.status_code == 400
    page = parse(response)
    assert error_messages(page) == ["The file has 12 problems; nothing was imported"]
    assert page.select_one("#import-problems-heading").get_text(strip=True) == "12 problems in the file"
    assert listed_problems(response) == expected
    assert writes.statements == []
    assert counts() == before
    assert db.session.scalar(select(User).where(User.email == "clean@example.org")) is None


def test_the_service_refuses_the_same_file_with_the_same_problems(admin, campaign, file_with_problems, count_writes):
    data, expected = file_with_problems
    before = counts()

    with count_writes() as writes, pytest.raises(FileProblems) as refused:
        application_import.import_applications(admin, campaign, data, send_claim_links=True)

    assert [str(problem) for problem in refused.value.problems] == expected
    assert writes.statements == []
    assert counts() == before


def test_header_problems_are_listed_with_the_rows_still_checked(admin, campaign, codes):
    header = ["name", "email", "Email", "", *codes, "  "]
    rows = [["", "a@example.org", "b@example.org", "x", *[words(10)] * 5, ""]]

    _, problems = application_import.check(campaign, make_csv(header, rows))

    assert [str(problem) for problem in problems] == [
        "Header, column email: appears more than once",
        "Header, column 4: is empty; name every column",
        "Row 2, column name: is empty; enter the candidate's full name",
    ]


def test_problem_text_from_the_file_is_shown_as_text(as_admin, campaign, codes):
    data = make_csv(
        ["name", "email", *codes, "<script>alert(1)</script>"], [["Ann", "ann@example.org", *[words(5)] * 5, "x"]]
    )

    response = upload(as_admin, campaign, data)

    assert listed_problems(response) == [
        "Header, column <script>alert(1)</script>: is not a criterion of this "
        "campaign; use the codes listed on the import page"
    ]
    assert parse(response).select("main script") == []


def test_a_file_that_is_not_utf8_is_refused_naming_each_cell(as_admin, campaign, codes):
    statements = [words(20)] * 5
    statements[2] = "I saved £300 a month on stationery."
    data = make_csv(
        ["name", "email", *codes],
        [["Zoë Ellis", "zoe@example.org", *[words(20)] * 5], ["Sam Jones", "sam@example.org", *statements]],
        encoding="cp1252",
    )
    before = counts()

    response = upload(as_admin, campaign, data)

    assert response.status_code == 400
    assert listed_problems(response) == [
        f"The file is not all UTF-8 text, so some characters cannot be read. {SAVE_AS}",
        "Row 2, column name: has characters that are not UTF-8",
        f"Row 3, column {codes[2]}: has characters that are not UTF-8",
    ]
    assert counts() == before


@pytest.mark.parametrize(
    "data, message",
    [
        (
            b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00[Content_Types].xml",
            f"The file is not a CSV file: it contains binary data, as a workbook or a PDF does. {SAVE_AS}",
        ),
        (
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00",
            f"The file is not a CSV file: it contains binary data, as a workbook or a PDF does. {SAVE_AS}",
        ),
        ("name,email\r\nAnn,ann@example.org\r\n".encode("utf-16"), f"The file is UTF-16 text, not UTF-8. {SAVE_AS}"),
        (b"", "The file is empty: it needs a header row and one row per application"),
        (b"\r\n \r\n,,\r\n", "The file is empty: it needs a header row and one row per application"),
    ],
    ids=["workbook", "image", "utf-16", "empty", "blank-lines"],
)
def test_files_that_are_not_csv_are_refused_with_a_clear_message(as_admin, campaign, data, message):
    before = counts()

    response = upload(as_admin, campaign, data)

    assert response.status_code == 400
    assert error_messages(parse(response)) == ["The file has 1 problem; nothing was imported"]
    assert listed_problems(response) == [message]
    assert counts() == before


@pytest.mark.parametrize("trailer", ["", "\r\n\r\n,,,\r\n"], ids=["header-only", "header-and-blank-rows"])
def test_a_header_without_rows_is_refused(as_admin, campaign, codes, trailer):
    data = (",".join(["name", "email", *codes]) + "\r\n" + trailer).encode()

    response = upload(as_admin, campaign, data)

    assert listed_problems(response) == [
        "The file has a header row but no applications: add one row for each application under it"
    ]
    assert db.session.scalar(select(func.count(Application.id)).where(Application.campaign_id == campaign.id)) == 0


def test_broken_quoting_is_refused_naming_the_row(as_admin, campaign, codes):
    data = make_csv(["name", "email", *codes], [["Ann", "ann@example.org", *[words(5)] * 5]])
    data += b'Bob,bob@example.org,"never closed\r\n'

    [problem] = listed_problems(upload(as_admin, campaign, data))

    assert problem.startswith("Row 3: is not valid CSV (")
    assert problem.endswith("); check its quotation marks")


def test_rows_are_numbered_as_a_spreadsheet_shows_them(admin, campaign, codes):
    multi_line = "First paragraph of evidence.\r\n\r\nSecond paragraph, with a comma."
    header = ["name", "email", *codes]
    rows = [
        [],
        header,
        ["Ann", "ann@example.org", multi_line, *[words(5)] * 4],
        [],
        ["", "bob@example.org", *[words(5)] * 5],
    ]
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerows(rows)

    _, problems = application_import.check(campaign, out.getvalue().encode())

    # Blank row 1, the header on row 2, Ann on row 3 (one row although three lines), blank row 4, Bob on row 5.
    assert [str(problem) for problem in problems] == ["Row 5, column name: is empty; enter the candidate's full name"]


@pytest.mark.parametrize(
    "limit, data_size, message",
    [
        ("MAX_BYTES", None, "The file is larger than 1 MB"),
        ("MAX_ROWS", 3, "The file has more than 3 rows; split it into smaller files"),
    ],
)
def test_files_over_the_limits_are_refused(as_admin, campaign, codes, monkeypatch, limit, data_size, message):
    rows = [[f"Person {n}", f"person.{n}@example.org", *[words(5)] * 5] for n in range(4)]
    data = make_csv(["name", "email", *codes], rows)
    if limit == "MAX_BYTES":
        monkeypatch.setattr(application_import, "MAX_BYTES", 1024 * 1024)
        data += b" " * (1024 * 1024)
    else:
        monkeypatch.setattr(application_import, "MAX_ROWS", data_size)

    response = upload(as_admin, campaign, data)

    assert listed_problems(response) == [message]
    assert db.session.scalar(select(func.count(Application.id)).where(Application.campaign_id == campaign.id)) == 0


def test_no_file_chosen(as_admin, campaign):
    response = as_admin.submit(import_url(campaign), {}, content_type="multipart/form-data")
    assert response.status_code == 400
    assert error_messages(parse(response)) == ["Select a CSV file"]


# A clean file.


@pytest.fixture
def existing(make_user):
    return make_user(name="Existing Person", email="existing@example.org")


@pytest.fixture
def clean_file(codes):
    """Three applications (two from people new to Recruit), and what each must be imported as."""
    texts = {
        "ann@example.org": [words(250), "  Line one\r\nline two  ", "one\u00a0two three", words(1), words(99)],
        "existing@example.org": [words(12, "w")] * 5,
        "bob@example.org": ['I said, "Let\'s fix it" – and we did.', *[words(200)] * 4],
    }
    rows = [
        ["Ann Example", "Ann@Example.org", "01632 960 001", *texts["ann@example.org"]],
        ["Existing Person Again", " existing@example.org", "", *texts["existing@example.org"]],
        ["Bob Example", "bob@example.org", "+44 7700 900982", *texts["bob@example.org"]],
    ]
    expected = {
        "ann@example.org": (
            "Ann Example",
            "01632 960 001",
            [
                (words(250), 250),
                ("Line one\r\nline two", 4),
                ("one\u00a0two three", 3),
                ("evidence0", 1),
                (words(99), 99),
            ],
        ),
        "existing@example.org": ("Existing Person Again", "", [(words(12, "w"), 12)] * 5),
        "bob@example.org": (
            "Bob Example",
            "+44 7700 900982",
            [('I said, "Let\'s fix it" – and we did.', 9), *[(words(200), 200)] * 4],
        ),
    }
    return make_csv(["name", "email", "phone", *codes], rows), {
        email: (name, phone, dict(zip(codes, statements))) for email, (name, phone, statements) in expected.items()
    }


def assert_imported(campaign, expected):
    found = imported(campaign)
    assert set(found) == set(expected)
    for email, (name, phone, statements) in expected.items():
        application = found[email]
        assert (application.status, application.source) == ("submitted", "import")
        assert application.submitted_at is not None
        assert len(application.reference) == 9 and application.reference.startswith("RC-")
        details = application.personal_details
        assert (details.full_name, details.email, details.phone) == (name, email, phone)
        assert statements_of(application) == statements
        assert application.candidate.email == email
    return found


def test_a_clean_file_is_imported_whole(as_admin, admin, campaign, existing, clean_file):
    data, expected = clean_file
    users_before = db.session.scalar(select(func.count(User.id)))

    response = upload(as_admin, campaign, data)

    assert response.status_code == 200
    page = parse(response)
    assert page.h1.get_text(strip=True) == "3 applications imported"
    assert text_of(page.select_one("#new-accounts")) == (
        "2 candidates were new to Recruit and have accounts without a password. No mail server is set up, so they "
        "can claim their account with “I have forgotten my password” on the sign-in page, using the email address "
        "in the file."
    )
    assert text_of(page.select_one("#existing-accounts")) == (
        "1 candidate already had an account and can sign in to see their application."
    )

    found = assert_imported(campaign, expected)
    assert db.session.scalar(select(func.count(User.id))) == users_before + 2
    for email, name in (("ann@example.org", "Ann Example"), ("bob@example.org", "Bob Example")):
        user = db.session.scalar(select(User).where(User.email == email))
        assert (user.role, user.name, user.password_hash, user.active) == ("candidate", name, None, True)
    assert found["existing@example.org"].candidate_id == existing.id
    db.session.refresh(existing)
    assert existing.name == "Existing Person" and existing.password_hash is not None
    # Without a mail server no links are made; candidates ask for one themselves.
    assert db.session.scalar(select(func.count(UserToken.id))) == 0

    [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "applications.imported")).all()
    assert (event.record_type, event.record_id, event.actor_id) == ("campaign", str(campaign.id), admin.id)
    assert event.after["count"] == 3 and event.after["new_accounts"] == 2
    assert sorted(event.after["references"]) == sorted(a.reference for a in found.values())


def test_the_service_imports_a_clean_file(admin, campaign, existing, clean_file):
    data, expected = clean_file

    result = application_import.import_applications(admin, campaign, data, send_claim_links=False)

    assert result.imported == 3
    assert sorted(user.email for user, link in result.new_accounts) == ["ann@example.org", "bob@example.org"]
    assert [link for _, link in result.new_accounts] == [None, None]
    assert_imported(campaign, expected)


def test_importing_the_same_file_twice_is_refused_the_second_time(admin, campaign, existing, clean_file):
    data, _ = clean_file
    application_import.import_applications(admin, campaign, data, send_claim_links=False)

    with pytest.raises(FileProblems) as refused:
        application_import.import_applications(admin, campaign, data, send_claim_links=False)

    assert [str(p) for p in refused.value.problems] == [
        f"Row {n}, column email: already has an application for this campaign" for n in (2, 3, 4)
    ]


def test_an_imported_candidate_claims_the_account_and_sees_the_application(forms, admin, campaign, clean_file, outbox):
    data, _ = clean_file
    application_import.import_applications(admin, campaign, data, send_claim_links=False)
    reference = imported(campaign)["ann@example.org"].reference

    assert forms.submit("/forgotten-password", {"email": "ANN@example.org"}).status_code == 200
    [message] = outbox.messages("ann@example.org")
    [link] = [word for word in message.body.split() if "/set-password/" in word]
    response = forms.submit(urlsplit(link).path, {"password": NEW_PASSWORD})
    assert response.status_code == 302 and response.location.endswith("/sign-in")

    ann = db.session.scalar(select(User).where(User.email == "ann@example.org"))
    forms.sign_in(ann, NEW_PASSWORD)
    listed = [
        [cell.get_text(strip=True) for cell in row.select("td")]
        for row in parse(forms.client.get("/applications")).select("#applications tbody tr")
    ]
    assert listed == [[campaign.title, reference, "Submitted"]]
    assert forms.client.get(f"/applications/{reference}").status_code == 200


def test_when_email_can_be_sent_new_candidates_are_emailed_a_set_password_link(
    app, as_admin, admin, campaign, existing, clean_file, outbox
):
    data, _ = clean_file

    response = upload(as_admin, campaign, data)

    assert "Each has been emailed a link to choose a password" in text_of(parse(response).select_one("#new-accounts"))
    # (The campaign's panel were emailed when it was set up.)
    sent = [
        message for message in outbox.messages() if message.subject != f"You are on the sift panel for {campaign.title}"
    ]
    assert sorted(message.recipient for message in sent) == ["ann@example.org", "bob@example.org"]
    for message in sent:
        assert message.subject == "Your application has been added to Recruit"
        assert campaign.title in message.body
        [link] = [word for word in message.body.split() if "/set-password/" in word]
        page = app.test_client().get(urlsplit(link).path)
        assert page.status_code == 200
        token = db.session.scalar(
            select(UserToken).join(User, UserToken.user_id == User.id).where(User.email == message.recipient)
        )
        assert (token.purpose, token.created_by_id, token.used_at) == ("set_password", admin.id, None)
    # Through the outbox, as the campaign's messages: each sent once.
    queued = db.session.scalars(
        select(Notification).where(Notification.campaign_id == campaign.id, Notification.template != "panel_added")
    ).all()
    assert sorted((n.recipient, n.template, n.status) for n in queued) == [
        ("ann@example.org", "claim_link", "sent"),
        ("bob@example.org", "claim_link", "sent"),
    ]
    assert db.session.scalar(select(func.count(UserToken.id)).where(UserToken.user_id == existing.id)) == 0


def row_for(codes, email="ann@example.org"):
    return make_csv(["name", "email", *codes], [["Ann Example", email, *[words(30)] * len(codes)]])


def test_import_is_refused_for_a_draft_campaign(as_admin, admin, count_writes):
    campaign = draft_campaign(admin)
    codes = [criterion.code for criterion in campaign.criteria_at("sift")]
    before = counts()

    with count_writes() as writes:
        response = upload(as_admin, campaign, row_for(codes))

    assert response.status_code == 400
    assert error_messages(parse(response)) == [
        "Applications can be imported only while the campaign is open or closed, before the sift"
    ]
    assert writes.statements == []
    assert counts() == before


@pytest.mark.parametrize(
    "statuses, accepted", [(["closed"], True), (["closed", "sift"], False)], ids=["closed", "sift"]
)
def test_import_after_the_closing_date(forms, admin, campaign, codes, statuses, accepted):
    with time_machine.travel(utcnow() + timedelta(days=15), tick=False):
        for status in statuses:
            campaign_status.move(admin, campaign, status)
        forms.sign_in(admin)

        response = upload(forms, campaign, row_for(codes))

    assert response.status_code == (200 if accepted else 400)
    assert set(imported(campaign)) == ({"ann@example.org"} if accepted else set())
    if not accepted:
        assert error_messages(parse(response)) == [
            "Applications can be imported only while the campaign is open or closed, before the sift"
        ]


@pytest.mark.parametrize("role", ["assessor", "candidate"])
def test_only_admins_can_import(forms, campaign, codes, make_user, role):
    forms.sign_in(make_user(role=role))
    assert forms.client.get(import_url(campaign)).status_code == 403

    response = forms.submit(
        import_url(campaign),
        {"file": (io.BytesIO(row_for(codes)), "applications.csv")},
        page="/account",
        content_type="multipart/form-data",
    )

    assert response.status_code == 403
    assert imported(campaign) == {}


def test_signed_out_people_are_sent_to_sign_in(client, campaign):
    response = client.get(import_url(campaign))
    assert response.status_code == 302 and "/sign-in" in response.location


def test_an_unknown_campaign_is_not_found(as_admin):
    assert as_admin.client.get("/admin/campaigns/999999/applications/import").status_code == 404


def test_the_import_page_lists_the_columns_of_the_campaign(as_admin, campaign, codes):
    page = parse(as_admin.client.get(import_url(campaign)))
    columns = [row.select_one("td code").get_text(strip=True) for row in page.select("#import-columns tbody tr")]
    assert columns == ["name", "email", "phone", *codes]


def reorder(header, rows, order):
    return [header[i] for i in order], [[row[i] for i in order] for row in rows]


@pytest.mark.parametrize("variant", ["bom-and-crlf", "lf", "case-and-order", "no-phone", "trailing-empty-columns"])
def test_accepted_file_shapes(as_admin, campaign, codes, variant):
    header = ["name", "email", "phone", *codes]
    rows = [
        ["Ann Example", "ann@example.org", "01632 960 001", *[words(30)] * 5],
        ["Bob Example", "bob@example.org", "07700 900 982", *[words(40)] * 5],
    ]
    phones = {"ann@example.org": "01632 960 001", "bob@example.org": "07700 900 982"}
    if variant == "bom-and-crlf":
        data = make_csv(header, rows, bom=True, newline="\r\n")
    elif variant == "lf":
        data = make_csv(header, rows, newline="\n")
    elif variant == "case-and-order":
        header, rows = reorder(header, rows, [1, 7, 0, 3, 2, 6, 4, 5])
        header = [f" {column.upper()} " if n % 2 else column.title() for n, column in enumerate(header)]
        assert header[:3] == ["Email", f" {codes[4].upper()} ", "Name"]
        data = make_csv(header, rows, bom=True)
    elif variant == "no-phone":
        header, rows = reorder(header, rows, [0, 1, 3, 4, 5, 6, 7])
        phones = {"ann@example.org": "", "bob@example.org": ""}
        data = make_csv(header, rows)
    else:
        data = make_csv([*header, "", " "], [[*row, "", ""] for row in rows])

    response = upload(as_admin, campaign, data)

    assert response.status_code == 200, listed_problems(response)
    found = imported(campaign)
    assert {email: (a.personal_details.full_name, a.personal_details.phone) for email, a in found.items()} == {
        "ann@example.org": ("Ann Example", phones["ann@example.org"]),
        "bob@example.org": ("Bob Example", phones["bob@example.org"]),
    }
    assert statements_of(found["ann@example.org"]) == {code: (words(30), 30) for code in codes}
    assert statements_of(found["bob@example.org"]) == {code: (words(40), 40) for code in codes}


def test_a_change_made_while_importing_refuses_the_whole_file(admin, campaign, existing, clean_file, monkeypatch):
    """A candidate in the file applies online after the file was checked: the import is undone, not half-made."""
    data, _ = clean_file
    real_check = application_import.check

    def check_then_the_candidate_applies_online(*args):
        result = real_check(*args)
        applications.start(existing, campaign)
        return result

    monkeypatch.setattr(application_import, "check", check_then_the_candidate_applies_online)
    before = counts()

    with pytest.raises(Refused) as refused:
        application_import.import_applications(admin, campaign, data, send_claim_links=True)

    assert refused.value.message == (
        "Another change was made to these candidates while the file was being imported, "
        "so nothing was imported. Upload the file again"
    )
    after = counts()
    assert after["Application"] == before["Application"] + 1  # only the one made online
    assert (after["User"], after["Statement"], after["PersonalDetails"], after["UserToken"]) == (
        before["User"],
        before["Statement"],
        before["PersonalDetails"],
        before["UserToken"],
    )
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "applications.imported")) == 0


def test_existing_candidates_keep_their_accounts(admin, campaign, codes):
    owner = UserFactory(email="owner@example.org", name="Owner Name")
    data = make_csv(["name", "email", *codes], [["Name On Paper", "OWNER@example.org", *[words(9)] * 5]])

    result = application_import.import_applications(admin, campaign, data, send_claim_links=True)

    assert result.new_accounts == []
    application = imported(campaign)["owner@example.org"]
    assert application.candidate_id == owner.id
    assert application.personal_details.full_name == "Name On Paper"
    assert db.session.scalar(select(func.count(UserToken.id)).where(UserToken.user_id == owner.id)) == 0
