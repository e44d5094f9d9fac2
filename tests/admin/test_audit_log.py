"""The audit log: what is recorded and from where, how admins read and filter it, and that nothing —
not the ORM, not plain SQL — can change or remove an entry."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import delete, exc, func, select, text, update

from recruit.extensions import db
from recruit.models import AuditEvent, AuditLogIsAppendOnly, User
from recruit.services.accounts import account_changes as accounts
from recruit.services.accounts import signin
from recruit.services.accounts import two_factor as mfa
from recruit.services.records import audit
from tests.helpers import Forms, audit_page, entries, error_messages, parse

# The admin is Ada Admin, ada@example.org: the log shows who acted by their email address.
pytestmark = pytest.mark.admin(name="Ada Admin", email="ada@example.org")

PAST = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def add_event(
    at: datetime = PAST,
    action: str = "test.recorded",
    record_type: str = "framework",
    record_id=None,
    actor: User | None = None,
    **extra,
) -> AuditEvent:
    event = AuditEvent(
        at=at,
        action=action,
        record_type=record_type,
        record_id=None if record_id is None else str(record_id),
        actor=actor,
        **extra,
    )
    db.session.add(event)
    db.session.commit()
    return event


def actions(soup) -> list[str]:
    return [entry["action"] for entry in entries(soup)]


def uk_date(day: int, month: int, year: int) -> list[str]:
    return [str(day), str(month), str(year)]


def stored_actions() -> list[str]:
    """Read afresh from the database, not from the session's memory."""
    return list(db.session.connection().execute(text("SELECT action FROM audit_events ORDER BY id")).scalars())


# Reading the log ----------------------------------------------------------------------------------------


def test_entries_are_newest_first_with_uk_times(as_admin, admin):
    add_event(at=datetime(2026, 7, 1, 13, 5, tzinfo=UTC), action="test.summer", actor=admin)
    add_event(at=datetime(2026, 1, 15, 9, 30, tzinfo=UTC), action="test.winter")
    add_event(at=datetime(2026, 7, 1, 13, 5, tzinfo=UTC), action="test.summer_later_id")

    shown = entries(audit_page(as_admin, {"record_type": "framework"}))

    assert [entry["action"] for entry in shown] == ["test.summer_later_id", "test.summer", "test.winter"]
    assert shown[1]["when"] == "1 July 2026 at 2:05pm"  # British Summer Time
    assert shown[2]["when"] == "15 January 2026 at 9:30am"
    assert shown[1]["who"] == "ada@example.org"
    assert shown[2]["who"] == "System"
    # The admin's own sign-in is the newest entry of all.
    assert actions(audit_page(as_admin))[0] == "sign_in.succeeded"


def test_an_entry_shows_the_change_before_and_after(as_admin, admin, make_user):
    assessor = make_user(role="assessor", name="Grace Hopper", email="grace@example.org")
    page = f"/admin/users/{assessor.id}"
    as_admin.submit(f"{page}/role", {"role": "admin"}, page=page)

    [entry] = entries(
        audit_page(as_admin, {"record_type": "user", "record_id": assessor.id, "user": "ada@example.org"})
    )

    assert entry["action"] == "account.role_changed"
    assert entry["record"] == f"user {assessor.id}"
    before, after = (json.loads(code.get_text()) for code in entry["_cells"][4].select("code"))
    assert before == {"email": "grace@example.org", "name": "Grace Hopper", "role": "assessor", "active": True}
    assert after == {**before, "role": "admin"}
    assert entry["_cells"][4].get_text(" ", strip=True).startswith("Before:")


def test_filter_by_the_person_who_acted(as_admin, admin, make_user):
    grace = make_user(email="grace@example.org")
    add_event(action="test.by_grace", actor=grace)
    add_event(action="test.by_ada", actor=admin)
    add_event(action="test.by_nobody")

    assert actions(audit_page(as_admin, {"user": " GRACE@Example.org "})) == ["test.by_grace"]
    assert set(actions(audit_page(as_admin, {"user": "ada@example.org"}))) == {"sign_in.succeeded", "test.by_ada"}

    nobody = audit_page(as_admin, {"user": "nobody@example.org"})
    assert entries(nobody) == []
    assert nobody.select_one("table#audit tbody").get_text(strip=True) == "No audit entries match."


def test_filter_by_record_type_and_id(as_admin):
    add_event(action="test.framework_7", record_type="framework", record_id=7)
    add_event(action="test.framework_8", record_type="framework", record_id=8)
    add_event(action="test.user_7", record_type="user", record_id=7)

    assert actions(audit_page(as_admin, {"record_type": "framework", "record_id": "7"})) == ["test.framework_7"]
    assert actions(audit_page(as_admin, {"record_type": "framework"})) == ["test.framework_8", "test.framework_7"]
    assert "test.user_7" in actions(audit_page(as_admin, {"record_id": "7"}))
    assert "test.framework_8" not in actions(audit_page(as_admin, {"record_id": "7"}))


def test_filter_by_date_uses_uk_days(as_admin):
    # 1 July 2026 in the UK (BST, UTC+1) runs from 23:00 UTC on 30 June to 22:59 UTC on 1 July.
    add_event(at=datetime(2026, 6, 30, 22, 59, tzinfo=UTC), action="test.uk_30_june")
    add_event(at=datetime(2026, 6, 30, 23, 0, tzinfo=UTC), action="test.uk_1_july_start")
    add_event(at=datetime(2026, 7, 1, 22, 59, 59, tzinfo=UTC), action="test.uk_1_july_end")
    add_event(at=datetime(2026, 7, 1, 23, 0, tzinfo=UTC), action="test.uk_2_july")

    one_day = audit_page(
        as_admin, {"record_type": "framework", "since": uk_date(1, 7, 2026), "until": uk_date(1, 7, 2026)}
    )
    assert actions(one_day) == ["test.uk_1_july_end", "test.uk_1_july_start"]

    assert actions(audit_page(as_admin, {"record_type": "framework", "since": uk_date(2, 7, 2026)})) == [
        "test.uk_2_july"
    ]
    assert actions(audit_page(as_admin, {"record_type": "framework", "until": uk_date(30, 6, 2026)})) == [
        "test.uk_30_june"
    ]
    # Empty date boxes mean no date.
    assert (
        len(entries(audit_page(as_admin, {"record_type": "framework", "since": ["", "", ""], "until": ["", "", ""]})))
        == 4
    )


@pytest.mark.parametrize(
    "query, message",
    [
        ({"since": uk_date(31, 2, 2026)}, "From must be a real date, like 27 3 2026"),
        ({"until": uk_date(1, 13, 2026)}, "To must be a real date, like 27 3 2026"),
        ({"since": ["", "2", "2026"]}, "From must be a real date, like 27 3 2026"),
        ({"since": ["1", "2", ""]}, "From must be a real date, like 27 3 2026"),
        ({"since": ["one", "two", "2026"]}, "From must be a real date, like 27 3 2026"),
        ({"since": ["2026"]}, "From must be a real date, like 27 3 2026"),
        ({"since": ["1", "2", "2026", "4"]}, "From must be a real date, like 27 3 2026"),
        ({"since": uk_date(2, 7, 2026), "until": uk_date(1, 7, 2026)}, "To must be the same as or after From"),
        ({"user": "u" * 243 + "@example.org"}, "Email address must be 254 characters or fewer"),
        ({"record_type": "t" * 51}, "Record type must be 50 characters or fewer"),
        ({"record_id": "9" * 65}, "Record ID must be 64 characters or fewer"),
    ],
    ids=[
        "31 February",
        "month 13",
        "no day",
        "no year",
        "words",
        "one box only",
        "four boxes",
        "to before from",
        "long email",
        "long record type",
        "long record id",
    ],
)
def test_bad_filters_show_a_message_and_no_table(as_admin, query, message):
    soup = audit_page(as_admin, query, status=400)
    assert error_messages(soup) == [message]
    assert soup.title.get_text().startswith("Error: ")
    assert soup.select_one("table#audit") is None


def test_the_log_is_paginated_fifty_a_page_keeping_the_filters(as_admin):
    for minute in range(60):
        add_event(at=PAST + timedelta(minutes=minute), action=f"test.entry_{minute:02d}", record_id=minute)
    query = {"record_type": "framework", "since": uk_date(2, 3, 2026), "until": uk_date(2, 3, 2026)}

    first = audit_page(as_admin, query)
    assert len(entries(first)) == 50
    assert actions(first)[0] == "test.entry_59"
    assert first.select_one(".govuk-pagination__prev") is None

    next_href = first.select_one(".govuk-pagination__next a")["href"]
    assert parse_qs(urlsplit(next_href).query) == {
        "page": ["2"],
        "record_type": ["framework"],
        "since": ["2", "3", "2026"],
        "until": ["2", "3", "2026"],
    }
    response = as_admin.client.get(next_href)
    assert response.status_code == 200
    second = parse(response)
    assert actions(second) == [f"test.entry_{minute:02d}" for minute in range(9, -1, -1)]
    assert second.select_one(".govuk-pagination__next") is None


@pytest.mark.parametrize("page", ["abc", "-3", "0", "99999999999999999999999"])
def test_the_log_copes_with_any_page_number(as_admin, page):
    add_event()
    soup = audit_page(as_admin, {"page": page})
    assert soup.h1.get_text(strip=True) == "Audit log"
    assert soup.select_one("table#audit") is not None


# What is recorded ---------------------------------------------------------------------------------------


def test_the_client_address_is_recorded_and_shown(app, as_admin, make_user):
    grace = make_user(email="grace@example.org", role="assessor")
    someone = app.test_client()
    someone.environ_base["REMOTE_ADDR"] = "203.0.113.9"
    Forms(someone).submit("/sign-in", {"email": "grace@example.org", "password": "not her password at all"})
    Forms(someone).sign_in(grace)
    as_admin.client.environ_base["REMOTE_ADDR"] = "198.51.100.4"
    page = f"/admin/users/{grace.id}"
    as_admin.submit(f"{page}/deactivate", page=page)

    shown = entries(audit_page(as_admin, {"record_type": "user", "record_id": grace.id}))
    assert [(entry["action"], entry["address"]) for entry in shown] == [
        ("account.deactivated", "198.51.100.4"),
        ("sign_in.succeeded", "203.0.113.9"),
        ("sign_in.failed", "203.0.113.9"),
    ]


def test_account_events_named_in_the_rules_are_all_recorded(app, as_admin, admin, make_user):
    grace = make_user(email="grace@example.org", role="assessor", name="Grace Hopper", two_factor=True)
    for _ in range(signin.LOCK_AFTER_FAILURES):
        signin.record_failure(grace, "wrong password")
    mfa.disable(admin, grace)
    as_admin.submit("/admin/users/invite", {"name": "Alan Turing", "email": "alan@example.org", "role": "admin"})
    page = f"/admin/users/{grace.id}"
    as_admin.submit(f"{page}/role", {"role": "admin"}, page=page)
    as_admin.submit(f"{page}/deactivate", page=page)

    recorded = set(stored_actions())
    assert {
        "sign_in.succeeded",
        "sign_in.failed",
        "sign_in.locked",
        "mfa.disabled",
        "account.invited",
        "account.role_changed",
        "account.deactivated",
    } <= recorded


# Nothing can change an entry ----------------------------------------------------------------------------


@pytest.fixture
def entry(make_user):
    event = add_event(action="test.original", record_id=1, actor=make_user())
    return event


def change_attribute(event):
    event.action = "test.tampered"


def remove(event):
    db.session.delete(event)


@pytest.mark.parametrize("tamper", [change_attribute, remove], ids=["update an entry", "delete an entry"])
def test_the_orm_refuses_to_change_or_remove_an_entry(entry, tamper):
    tamper(entry)
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.flush()
    db.session.rollback()
    assert stored_actions() == ["test.original"]


@pytest.mark.parametrize(
    "statement",
    [
        lambda: update(AuditEvent).values(action="test.tampered"),
        lambda: update(AuditEvent).where(AuditEvent.action == "test.original").values(after={"x": 1}),
        lambda: delete(AuditEvent),
        lambda: delete(AuditEvent).where(AuditEvent.action == "test.original"),
    ],
    ids=["bulk update", "bulk update with where", "bulk delete", "bulk delete with where"],
)
def test_the_orm_refuses_bulk_changes(entry, statement):
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.execute(statement())
    db.session.rollback()
    assert stored_actions() == ["test.original"]


@pytest.mark.parametrize("method", ["update", "delete"])
def test_the_orm_refuses_legacy_query_changes(entry, method):
    query = db.session.query(AuditEvent)
    with pytest.raises(AuditLogIsAppendOnly):
        query.update({"action": "test.tampered"}) if method == "update" else query.delete()
    db.session.rollback()
    assert stored_actions() == ["test.original"]


def raw_sql_statements(dialect: str) -> list[str]:
    statements = [
        "UPDATE audit_events SET action = 'test.tampered'",
        "UPDATE audit_events SET actor_id = NULL, client_address = '10.0.0.1'",
        "DELETE FROM audit_events",
        "DELETE FROM audit_events WHERE action = 'test.original'",
    ]
    if dialect == "postgresql":
        statements.append("TRUNCATE audit_events")
    return statements


def test_the_database_refuses_changes_made_in_plain_sql(entry):
    connection = db.session.connection()
    statements = raw_sql_statements(connection.dialect.name)
    for statement in statements:
        savepoint = connection.begin_nested()
        with pytest.raises(exc.DBAPIError, match="append-only"):
            connection.exec_driver_sql(statement)
        savepoint.rollback()
    assert len(statements) >= 4
    assert stored_actions() == ["test.original"]


def test_the_database_refuses_core_statements_that_skip_the_orm(entry):
    table = AuditEvent.__table__
    for statement in (table.update().values(action="test.tampered"), table.delete()):
        with pytest.raises(exc.DBAPIError, match="append-only"), db.session.begin_nested():
            db.session.execute(statement)
    assert stored_actions() == ["test.original"]


# An entry and its change commit or roll back together ---------------------------------------------------


def test_when_the_change_fails_no_entry_is_written(admin, make_user):
    grace = make_user(role="assessor")
    events_before = db.session.scalar(select(func.count(AuditEvent.id)))
    grace.email = "NOT-LOWER-CASE@example.org"  # breaks a database rule when the change is committed

    with pytest.raises(exc.IntegrityError):
        accounts.change_role(admin, grace, "admin")
    db.session.rollback()

    assert db.session.scalar(select(func.count(AuditEvent.id))) == events_before
    assert (
        db.session.connection().execute(text("SELECT role FROM users WHERE id = :id"), {"id": grace.id}).scalar_one()
        == "assessor"
    )


def test_when_the_entry_fails_the_change_is_not_kept(admin, make_user, monkeypatch):
    grace = make_user(role="assessor")
    events_before = db.session.scalar(select(func.count(AuditEvent.id)))
    original = audit.record

    def broken_record(*args, **kwargs):
        event = original(*args, **kwargs)
        event.action = None  # the entry cannot be stored
        return event

    monkeypatch.setattr(audit, "record", broken_record)
    with pytest.raises(exc.IntegrityError):
        accounts.set_active(admin, grace, False)
    db.session.rollback()

    assert db.session.scalar(select(func.count(AuditEvent.id))) == events_before
    assert db.session.connection().execute(
        text("SELECT active FROM users WHERE id = :id"), {"id": grace.id}
    ).scalar_one() in (True, 1)


def test_a_committed_change_and_its_entry_are_both_stored(admin, make_user):
    grace = make_user(role="assessor")
    accounts.change_role(admin, grace, "admin")
    db.session.rollback()  # nothing is left pending: both were committed
    assert (
        db.session.connection().execute(text("SELECT role FROM users WHERE id = :id"), {"id": grace.id}).scalar_one()
        == "admin"
    )
    assert stored_actions()[-1] == "account.role_changed"
