"""Refused requests: a signed-in person sent away from a page they may not use is on the audit log, once
per route in each ten minutes however often they try, and is refused even when the log cannot be written."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import func, select, text

from recruit.clock import utcnow
from recruit.extensions import db
from recruit.models import AccessDenialWindow, AuditEvent
from recruit.services.records import access_denials
from tests.helpers import Forms, audit_page, entries, parse

REFUSED = "You do not have permission to see this page"


@pytest.fixture
def clock():
    with time_machine.travel(utcnow(), tick=False) as traveller:
        yield traveller


def denials(user) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action == "access.denied", AuditEvent.actor_id == user.id)
            .order_by(AuditEvent.id)
        )
    )


def refused(response) -> bool:
    return response.status_code == 403 and parse(response).h1.get_text(strip=True) == REFUSED


def test_a_refused_request_is_on_the_audit_log_for_admins_to_read(app, client, forms, make_user, clock):
    candidate = make_user(role="candidate", email="cass@example.org")
    forms.sign_in(candidate)

    assert refused(client.get("/admin/users?role=admin"))

    admin = make_user(role="admin")
    reader = Forms(app.test_client())
    reader.sign_in(admin)
    [entry] = entries(audit_page(reader, {"user": "cass@example.org", "record_type": "route"}))
    assert entry["action"] == "access.denied"
    assert entry["who"] == "cass@example.org"
    assert entry["record"] == "route admin.users_list"
    assert json.loads(entry["_cells"][4].select("code")[-1].get_text()) == {
        "method": "GET",
        "path": "/admin/users",
        "refused_since_last_entry": 0,
    }


def test_a_loop_of_refusals_writes_one_entry_per_route_in_ten_minutes(client, forms, make_user, clock):
    assessor = make_user(role="assessor")
    forms.sign_in(assessor)

    for _ in range(25):
        assert refused(client.get("/admin/users"))
    assert refused(client.get("/admin/audit"))
    clock.shift(access_denials.WINDOW - timedelta(seconds=1))
    assert refused(client.get("/admin/users"))

    assert [(event.record_id, event.after["refused_since_last_entry"]) for event in denials(assessor)] == [
        ("admin.users_list", 0),
        ("admin.audit_log", 0),
    ]

    clock.shift(timedelta(seconds=1))
    assert refused(client.get("/admin/users"))

    assert [(event.record_id, event.after["refused_since_last_entry"]) for event in denials(assessor)] == [
        ("admin.users_list", 0),
        ("admin.audit_log", 0),
        ("admin.users_list", 25),
    ]


def test_an_entry_written_by_another_process_holds_back_this_ones(client, forms, make_user, clock):
    candidate = make_user(role="candidate")
    forms.sign_in(candidate)
    # Another app process answered a refusal a minute ago and kept its window in the database.
    db.session.execute(
        text("INSERT INTO access_denial_windows (user_id, endpoint, logged_at, unlogged) VALUES (:u, :e, :at, 0)"),
        {"u": candidate.id, "e": "admin.users_list", "at": utcnow() - timedelta(minutes=1)},
    )
    db.session.commit()

    assert refused(client.get("/admin/users"))

    assert denials(candidate) == []
    assert db.session.scalar(select(AccessDenialWindow.unlogged).where(AccessDenialWindow.user_id == candidate.id)) == 1


def test_the_refusal_is_answered_when_the_audit_log_cannot_be_written(client, forms, make_user, monkeypatch, clock):
    candidate = make_user(role="candidate")
    forms.sign_in(candidate)

    def broken(*args, **kwargs):
        raise RuntimeError("the database is not answering")

    monkeypatch.setattr(access_denials, "record_denial", broken)

    assert refused(client.get("/admin/users"))
    assert client.get("/account").status_code == 200


def test_a_failed_audit_write_keeps_nothing_and_the_refusal_is_answered(client, forms, make_user, monkeypatch, clock):
    candidate = make_user(role="candidate")
    forms.sign_in(candidate)
    original = access_denials.audit.record

    def unstorable(*args, **kwargs):
        event = original(*args, **kwargs)
        event.action = None  # the database refuses the entry
        return event

    monkeypatch.setattr(access_denials.audit, "record", unstorable)
    before = db.session.scalar(select(func.count(AccessDenialWindow.user_id)))

    assert refused(client.get("/admin/users"))

    assert denials(candidate) == []
    assert db.session.scalar(select(func.count(AccessDenialWindow.user_id))) == before


def test_signed_out_visitors_are_sent_to_sign_in_and_nothing_is_logged(client):
    before = db.session.scalar(select(func.count(AuditEvent.id)))

    response = client.get("/admin/users")

    assert response.status_code == 302
    assert db.session.scalar(select(func.count(AuditEvent.id))) == before
