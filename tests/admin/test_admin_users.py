"""Managing accounts as a recruitment admin: inviting staff, the set-password link, roles, deactivation,
the user list, who may reach the admin pages, and `flask users create-admin`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest
import time_machine
from flask import url_for
from sqlalchemy import func, select

from recruit.extensions import db
from recruit.models import AuditEvent, User, UserToken
from recruit.services.accounts import account_changes as accounts
from recruit.services.errors import Refused
from tests.factories import PASSWORD
from tests.helpers import Forms, error_messages, parse

NEW_PASSWORD = "copper kestrel meadow forty-one"
SIGN_IN_FAILED = "Enter a correct email address and password"


# Helpers ------------------------------------------------------------------------------------------------


def browser(app, user=None, password=PASSWORD) -> Forms:
    """Another person's browser, with its own cookies; signed in when a user is given."""
    other = Forms(app.test_client())
    if user is not None:
        other.sign_in(user, password)
    return other


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def audit_entries(action: str, record_id=None) -> list[AuditEvent]:
    db.session.expire_all()
    query = select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
    if record_id is not None:
        query = query.where(AuditEvent.record_id == str(record_id))
    return list(db.session.scalars(query))


def fresh(user: User) -> User:
    db.session.expire_all()
    return db.session.get(User, user.id)


def banners(soup) -> list[str]:
    return [
        banner.select_one(".govuk-notification-banner__content").get_text(" ", strip=True)
        for banner in soup.select(".govuk-notification-banner")
    ]


def summary(soup) -> dict[str, str]:
    return {
        row.select_one(".govuk-summary-list__key").get_text(strip=True): row.select_one(
            ".govuk-summary-list__value"
        ).get_text(strip=True)
        for row in soup.select(".govuk-summary-list__row")
    }


def table_rows(soup, table_id: str) -> list[list[str]]:
    return [
        [cell.get_text(" ", strip=True) for cell in row.select("td")]
        for row in soup.select(f"table#{table_id} tbody tr")
    ]


def signed_out(person: Forms) -> bool:
    """True when the browser's next visit to its account page is sent to sign in."""
    response = person.client.get("/account")
    return response.status_code == 302 and urlsplit(response.location).path == "/sign-in"


def invite(as_admin, name="Grace Hopper", email="grace@example.org", role="assessor"):
    return as_admin.submit("/admin/users/invite", {"name": name, "email": email, "role": role})


def invitation_path(response) -> str:
    link = parse(response).select_one("#invitation-link")
    assert link is not None, "the invitation page shows no link"
    return urlsplit(link.get_text(strip=True)).path


# Inviting staff -----------------------------------------------------------------------------------------


def test_invitation_creates_a_staff_account_and_shows_the_link(as_admin, admin):
    invited_at = datetime.now(UTC)
    with time_machine.travel(invited_at, tick=False):
        response = invite(as_admin, name="  Grace Hopper ", email=" Grace@Example.org", role="assessor")

    assert response.status_code == 200
    soup = parse(response)
    assert soup.select_one(".govuk-panel__title").get_text(strip=True) == "Invitation created"
    assert "No mail server is set up" in soup.select_one("main").get_text(" ", strip=True)
    assert invitation_path(response).startswith("/set-password/")

    grace = db.session.scalar(select(User).where(User.email == "grace@example.org"))
    assert (grace.name, grace.role, grace.password_hash, grace.active) == ("Grace Hopper", "assessor", None, True)
    token = db.session.scalar(select(UserToken).where(UserToken.user_id == grace.id))
    assert token.purpose == "set_password"
    assert token.expires_at == invited_at + timedelta(hours=72)
    assert token.created_by_id == admin.id

    [event] = audit_entries("account.invited", grace.id)
    assert event.actor_id == admin.id
    assert event.record_type == "user"
    assert event.before is None
    assert event.after == {"email": "grace@example.org", "name": "Grace Hopper", "role": "assessor", "active": True}

    listed = table_rows(parse(as_admin.client.get("/admin/users?role=assessor")), "users")
    assert ["Grace Hopper", "grace@example.org", "Assessor", "Invited"] in listed


def test_when_email_can_be_sent_the_link_is_emailed_and_not_shown(app, as_admin, outbox):
    soup = parse(invite(as_admin))

    assert soup.select_one("#invitation-link") is None
    assert "We have emailed grace@example.org a link" in soup.select_one("main").get_text(" ", strip=True)
    message = outbox.last("grace@example.org")
    assert message.subject == "You have been invited to Recruit"
    assert "as an assessor" in message.body
    [link] = [word for word in message.body.split() if "/set-password/" in word]
    assert browser(app).client.get(urlsplit(link).path).status_code == 200


def test_an_admin_can_invite_another_admin(as_admin):
    invite(as_admin, name="Alan Turing", email="alan@example.org", role="admin")
    assert db.session.scalar(select(User.role).where(User.email == "alan@example.org")) == "admin"


@pytest.mark.parametrize(
    "change, message",
    [
        ({"name": ""}, "Enter the person's full name"),
        ({"name": "   "}, "Enter the person's full name"),
        ({"name": "N" * 201}, "Name must be 200 characters or fewer"),
        ({"email": ""}, "Enter the person's email address"),
        ({"email": "grace.example.org"}, "Enter an email address in the correct format, like name@example.com"),
        ({"email": "grace@"}, "Enter an email address in the correct format, like name@example.com"),
        ({"email": "g" * 243 + "@example.org"}, "Email address must be 254 characters or fewer"),
        ({"role": ""}, "Select a role"),
        ({"role": "candidate"}, "Select whether the person is an assessor or an admin"),
        ({"role": "superuser"}, "Select whether the person is an assessor or an admin"),
    ],
    ids=[
        "no name",
        "blank name",
        "long name",
        "no email",
        "no at sign",
        "no domain",
        "long email",
        "no role",
        "candidate role",
        "unknown role",
    ],
)
def test_invitation_bad_input_is_refused_with_a_message(as_admin, count_writes, change, message):
    data = {"name": "Grace Hopper", "email": "grace@example.org", "role": "assessor", **change}
    users_before = count(User)

    with count_writes() as writes:
        response = as_admin.submit("/admin/users/invite", data)

    soup = parse(response)
    assert error_messages(soup) == [message]
    assert soup.title.get_text().startswith("Error: ")
    assert soup.select_one("#invitation-link") is None
    assert writes.statements == []
    assert count(User) == users_before


def test_invitation_with_no_role_field_at_all_is_refused(as_admin, count_writes):
    with count_writes() as writes:
        response = as_admin.submit("/admin/users/invite", {"name": "Grace Hopper", "email": "grace@example.org"})
    assert error_messages(parse(response)) == ["Select a role"]
    assert writes.statements == []


@pytest.mark.parametrize("typed", ["taken@example.org", "TAKEN@Example.ORG", "  taken@example.org "])
def test_inviting_an_existing_email_is_refused_whatever_its_case(as_admin, make_user, count_writes, typed):
    make_user(email="taken@example.org", role="candidate")
    users_before, events_before = count(User), count(AuditEvent)

    with count_writes() as writes:
        response = invite(as_admin, email=typed)

    assert error_messages(parse(response)) == ["An account already exists with this email address"]
    assert writes.statements == []
    assert (count(User), count(AuditEvent)) == (users_before, events_before)


# The set-password link ----------------------------------------------------------------------------------


def test_the_link_sets_a_password_once_and_the_person_can_then_sign_in(app, as_admin):
    path = invitation_path(invite(as_admin))
    grace = browser(app)

    soup = parse(grace.client.get(path))
    assert soup.h1.get_text(strip=True) == "Choose your password"
    assert "grace@example.org" in soup.select_one("main").get_text()

    response = grace.submit(path, {"password": NEW_PASSWORD})
    assert response.status_code == 302
    assert urlsplit(response.location).path == "/sign-in"
    assert banners(parse(grace.client.get("/sign-in"))) == ["Your password has been saved. Sign in with it now."]

    account = db.session.scalar(select(User).where(User.email == "grace@example.org"))
    [event] = audit_entries("account.password_set", account.id)
    assert event.actor_id == account.id
    assert event.after == {"purpose": "set_password"}

    grace.sign_in(account, NEW_PASSWORD)
    assert parse(grace.client.get("/account")).h1.get_text(strip=True) == "Your account"

    # The same link again, by anyone: it has been used.
    someone = browser(app)
    for used in (someone.client.get(path), someone.submit(path, {"password": NEW_PASSWORD}, page="/sign-in")):
        assert used.status_code == 410
        assert (
            parse(used).select_one("#link-problem").get_text(strip=True).startswith("This link has already been used.")
        )


def test_the_link_expires_after_72_hours(app, admin):
    start = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False) as traveller:
        person, raw = accounts.invite_staff(admin, "Grace Hopper", "grace@example.org", "assessor")
        path = f"/set-password/{raw}"

        traveller.shift(timedelta(hours=71, minutes=59))
        assert browser(app).client.get(path).status_code == 200

        traveller.shift(timedelta(minutes=1))
        grace = browser(app)
        for response in (grace.client.get(path), grace.submit(path, {"password": NEW_PASSWORD}, page="/sign-in")):
            assert response.status_code == 410
            soup = parse(response)
            assert soup.h1.get_text(strip=True) == "There is a problem with this link"
            assert soup.select_one("#link-problem").get_text(strip=True) == "This link has expired. Ask for a new one."

    assert fresh(person).password_hash is None
    assert audit_entries("account.password_set") == []


@pytest.mark.parametrize("token", ["made-up-token", "x" * 201])
def test_a_made_up_link_is_not_found(forms, client, token):
    path = f"/set-password/{token}"
    for response in (client.get(path), forms.submit(path, {"password": NEW_PASSWORD}, page="/sign-in")):
        assert response.status_code == 404
        assert parse(response).select_one("#link-problem").get_text(strip=True).startswith("This link is not valid.")


@pytest.mark.parametrize(
    "password, message",
    [
        ("", "Enter a password"),
        ("short one", "Password must be 10 characters or more"),
        ("password123456", "Enter a password that is harder to guess, such as three random words"),
        ("gracehopper", "Enter a password that is harder to guess, such as three random words"),
        ("k" * 257, "Password must be 256 characters or fewer"),
    ],
    ids=["missing", "too short", "too common", "her own name", "too long"],
)
def test_set_password_bad_input(app, admin, count_writes, password, message):
    person, raw = accounts.invite_staff(admin, "Grace Hopper", "grace@example.org", "assessor")
    grace = browser(app)

    with count_writes() as writes:
        response = grace.submit(f"/set-password/{raw}", {"password": password})

    soup = parse(response)
    assert response.status_code == 200
    assert error_messages(soup) == [message]
    assert soup.title.get_text().startswith("Error: ")
    assert writes.statements == []
    assert fresh(person).password_hash is None
    # The link still works.
    assert grace.client.get(f"/set-password/{raw}").status_code == 200


def test_set_password_without_the_form_token_changes_nothing(app, admin):
    person, raw = accounts.invite_staff(admin, "Grace Hopper", "grace@example.org", "assessor")
    response = browser(app).client.post(f"/set-password/{raw}", data={"password": NEW_PASSWORD})
    assert response.status_code == 400
    assert fresh(person).password_hash is None


def test_a_new_invitation_link_replaces_the_old_one(app, as_admin, admin):
    person, first = accounts.invite_staff(admin, "Grace Hopper", "grace@example.org", "assessor")

    soup = parse(as_admin.client.get(f"/admin/users/{person.id}"))
    assert summary(soup)["Status"] == "Invited, no password yet"
    response = as_admin.submit(f"/admin/users/{person.id}/invitation", page=f"/admin/users/{person.id}")
    second = invitation_path(response)

    assert browser(app).client.get(f"/set-password/{first}").status_code == 410
    assert browser(app).client.get(second).status_code == 200
    [event] = audit_entries("account.invitation_reissued", person.id)
    assert event.actor_id == admin.id


def test_no_new_invitation_for_someone_who_has_a_password(as_admin, make_user, count_writes):
    assessor = make_user(role="assessor")
    page = f"/admin/users/{assessor.id}"
    assert parse(as_admin.client.get(page)).find("button", string="Send a new invitation link") is None

    with count_writes() as writes:
        response = as_admin.submit(f"{page}/invitation", page=page, follow_redirects=True)

    assert banners(parse(response)) == [f"{assessor.name} has already set a password."]
    assert writes.statements == []


def test_a_deactivated_persons_link_stops_working_and_no_new_one_is_sent(app, as_admin, admin, count_writes):
    person, raw = accounts.invite_staff(admin, "Grace Hopper", "grace@example.org", "assessor")
    page = f"/admin/users/{person.id}"
    as_admin.submit(f"{page}/deactivate", page=page)

    response = browser(app).submit(f"/set-password/{raw}", {"password": NEW_PASSWORD}, page="/sign-in")
    assert response.status_code == 404
    assert fresh(person).password_hash is None

    assert parse(as_admin.client.get(page)).find("button", string="Send a new invitation link") is None
    with count_writes() as writes:
        refused = as_admin.submit(f"{page}/invitation", page=page, follow_redirects=True)
    assert banners(parse(refused)) == ["Reactivate Grace Hopper's account before sending a new invitation link."]
    assert writes.statements == []

    # Once reactivated, the link works again (it has not expired).
    as_admin.submit(f"{page}/reactivate", page=page)
    assert browser(app).client.get(f"/set-password/{raw}").status_code == 200


# Changing roles -----------------------------------------------------------------------------------------


def test_role_change_is_audited_and_ends_the_persons_sessions(app, as_admin, admin, make_user):
    assessor = make_user(role="assessor", name="Grace Hopper")
    grace = browser(app, assessor)
    assert not signed_out(grace)
    page = f"/admin/users/{assessor.id}"

    response = as_admin.submit(f"{page}/role", {"role": "admin"}, page=page)

    assert response.status_code == 302
    soup = parse(as_admin.client.get(response.location))
    assert banners(soup) == ["Grace Hopper's role is now Recruitment admin."]
    assert summary(soup)["Role"] == "Admin"
    assert fresh(assessor).role == "admin"
    [event] = audit_entries("account.role_changed", assessor.id)
    assert event.actor_id == admin.id
    assert event.before["role"] == "assessor"
    assert event.after["role"] == "admin"
    assert signed_out(grace)


def test_an_admin_can_demote_another_admin(as_admin, make_user):
    other = make_user(role="admin")
    page = f"/admin/users/{other.id}"
    assert as_admin.submit(f"{page}/role", {"role": "candidate"}, page=page).status_code == 302
    assert fresh(other).role == "candidate"


@pytest.mark.parametrize(
    "data, message",
    [({}, "Select a role"), ({"role": ""}, "Select a role"), ({"role": "superuser"}, "Select a role")],
    ids=["no role field", "empty role", "unknown role"],
)
def test_role_change_bad_input(app, as_admin, make_user, count_writes, data, message):
    assessor = make_user(role="assessor")
    grace = browser(app, assessor)
    page = f"/admin/users/{assessor.id}"

    with count_writes() as writes:
        response = as_admin.submit(f"{page}/role", data, page=page)

    assert response.status_code == 400
    assert error_messages(parse(response)) == [message]
    assert writes.statements == []
    assert fresh(assessor).role == "assessor"
    assert not signed_out(grace)


def test_the_only_active_admin_cannot_be_demoted(as_admin, admin, make_user, count_writes):
    make_user(role="admin", active=False)
    page = f"/admin/users/{admin.id}"

    with count_writes() as writes:
        response = as_admin.submit(f"{page}/role", {"role": "assessor"}, page=page)

    assert response.status_code == 400
    assert error_messages(parse(response)) == ["You cannot change the role of the only active admin"]
    assert writes.statements == []
    assert fresh(admin).role == "admin"
    assert not signed_out(as_admin)


# Deactivating and reactivating --------------------------------------------------------------------------


def test_deactivation_is_audited_ends_sessions_and_stops_sign_in(app, as_admin, admin, make_user):
    assessor = make_user(role="assessor", name="Grace Hopper")
    grace = browser(app, assessor)
    page = f"/admin/users/{assessor.id}"

    response = as_admin.submit(f"{page}/deactivate", page=page, follow_redirects=True)

    soup = parse(response)
    assert banners(soup) == ["Grace Hopper's account is deactivated."]
    assert summary(soup)["Status"] == "Deactivated"
    assert fresh(assessor).active is False
    [event] = audit_entries("account.deactivated", assessor.id)
    assert event.actor_id == admin.id
    assert (event.before["active"], event.after["active"]) == (True, False)
    assert signed_out(grace)

    # Signing in again with the right password gives the same message as any failure.
    again = grace.submit("/sign-in", {"email": assessor.email, "password": PASSWORD})
    assert again.status_code == 200
    assert error_messages(parse(again)) == [SIGN_IN_FAILED]
    assert signed_out(grace)


def test_reactivation_lets_the_person_sign_in_again(app, as_admin, admin, make_user):
    assessor = make_user(role="assessor", name="Grace Hopper", active=False)
    page = f"/admin/users/{assessor.id}"

    response = as_admin.submit(f"{page}/reactivate", page=page, follow_redirects=True)

    assert banners(parse(response)) == ["Grace Hopper's account is active."]
    [event] = audit_entries("account.reactivated", assessor.id)
    assert (event.before["active"], event.after["active"]) == (False, True)
    grace = browser(app, assessor)
    assert not signed_out(grace)


def test_you_cannot_deactivate_yourself(as_admin, admin, make_user, count_writes):
    make_user(role="admin")  # another admin, so only the rule about yourself applies
    page = f"/admin/users/{admin.id}"

    with count_writes() as writes:
        response = as_admin.submit(f"{page}/deactivate", page=page, follow_redirects=True)

    assert banners(parse(response)) == ["You cannot deactivate your own account"]
    assert writes.statements == []
    assert fresh(admin).active is True
    assert not signed_out(as_admin)


def test_the_only_active_admin_cannot_be_deactivated(admin, make_user):
    # Through the pages this is always also "yourself"; the rule holds for any caller of the service.
    retired = make_user(role="admin", active=False)
    with pytest.raises(Refused, match="You cannot deactivate the only active admin"):
        accounts.set_active(retired, admin, False)
    assert fresh(admin).active is True
    assert audit_entries("account.deactivated") == []


@pytest.mark.parametrize("action", ["deactivate", "reactivate", "invitation", "role"])
def test_account_buttons_need_the_form_token(as_admin, make_user, count_writes, action):
    person = make_user(role="assessor", active=action != "reactivate", password_hash=None)
    with count_writes() as writes:
        response = as_admin.client.post(f"/admin/users/{person.id}/{action}", data={"role": "admin"})
    assert response.status_code == 400
    assert writes.statements == []


def test_invitation_needs_the_form_token(as_admin, count_writes):
    with count_writes() as writes:
        response = as_admin.client.post(
            "/admin/users/invite", data={"name": "Grace Hopper", "email": "grace@example.org", "role": "assessor"}
        )
    assert response.status_code == 400
    assert writes.statements == []


# The user list ------------------------------------------------------------------------------------------


def test_user_list_shows_fifty_a_page(as_admin, make_user):
    make_user.create_batch(60, role="candidate")  # with the admin, 61 accounts

    first = parse(as_admin.client.get("/admin/users"))
    assert len(table_rows(first, "users")) == 50
    assert first.select_one(".govuk-pagination__next a")["href"] == "/admin/users?page=2"
    assert first.select_one(".govuk-pagination__prev") is None

    second = parse(as_admin.client.get("/admin/users?page=2"))
    assert len(table_rows(second, "users")) == 11
    assert second.select_one(".govuk-pagination__prev a")["href"] == "/admin/users?page=1"
    assert second.select_one(".govuk-pagination__next") is None
    shown = {row[1] for row in table_rows(first, "users") + table_rows(second, "users")}
    assert len(shown) == 61


@pytest.mark.parametrize("page", ["abc", "-3", "0", "", "99999999999999999999999"])
def test_user_list_copes_with_any_page_number(as_admin, make_user, page):
    make_user.create_batch(3)
    response = as_admin.client.get(f"/admin/users?page={page}")
    assert response.status_code == 200
    assert parse(response).h1.get_text(strip=True) == "Users"


def test_user_list_filters_by_role_and_keeps_the_filter_across_pages(as_admin, make_user):
    make_user.create_batch(55, role="assessor")
    make_user.create_batch(3, role="candidate")

    candidates = parse(as_admin.client.get("/admin/users?role=candidate"))
    assert candidates.select_one("table#users caption").get_text(strip=True) == "Candidates"
    assert {row[2] for row in table_rows(candidates, "users")} == {"Candidate"}
    assert len(table_rows(candidates, "users")) == 3

    assessors = parse(as_admin.client.get("/admin/users?role=assessor"))
    assert {row[2] for row in table_rows(assessors, "users")} == {"Assessor"}
    assert assessors.select_one(".govuk-pagination__next a")["href"] == "/admin/users?page=2&role=assessor"
    second = parse(as_admin.client.get("/admin/users?page=2&role=assessor"))
    assert len(table_rows(second, "users")) == 5

    anyone = parse(as_admin.client.get("/admin/users?role=superuser"))
    assert anyone.select_one("table#users caption").get_text(strip=True) == "Everyone"


# Who may reach the admin pages --------------------------------------------------------------------------

KNOWN_ADMIN_ENDPOINTS = {
    "admin.users_list",
    "admin.invite",
    "admin.user_detail",
    "admin.change_role",
    "admin.deactivate",
    "admin.reactivate",
    "admin.reissue_invitation",
    "admin.audit_log",
}


def admin_requests(app, user_id: int, everything_under_admin: bool = False) -> list[tuple[str, str]]:
    """Every (method, url) of the admin blueprint (and, when asked, of any route under /admin/), with
    user_id filled in. Access is checked before any record is looked up, so other ids can be anything."""
    found = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if not (rule.endpoint.startswith("admin.") or (everything_under_admin and rule.rule.startswith("/admin/"))):
                continue
            values = {name: user_id if name == "user_id" else 1 for name in rule.arguments}
            url = url_for(rule.endpoint, **values)
            found += [(method, url) for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    return found


def test_the_walk_finds_every_admin_route(app):
    with app.test_request_context():
        endpoints = {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint.startswith("admin.")}
    assert endpoints >= KNOWN_ADMIN_ENDPOINTS


@pytest.mark.parametrize("role", ["assessor", "candidate"])
def test_assessors_and_candidates_cannot_reach_any_admin_page_or_action(
    app, forms, client, make_user, count_writes, role
):
    target = make_user(role="assessor", password_hash=None, name="Target Person")
    forms.sign_in(make_user(role=role))
    token = parse(client.get("/account")).select_one("input[name=csrf_token]")["value"]
    requests = admin_requests(app, target.id, everything_under_admin=True)
    assert {method for method, _ in requests} == {"GET", "POST"}

    with count_writes() as writes:
        for method, url in requests:
            if method == "GET":
                response = client.get(url)
            else:
                response = client.post(
                    url, data={"csrf_token": token, "role": "admin", "name": "X", "email": "x@example.org"}
                )
            assert response.status_code == 403, f"{method} {url} answered {response.status_code}"
            assert parse(response).h1.get_text(strip=True) == "You do not have permission to see this page"

    # Each refusal is recorded (access.denied); nothing else is written.
    assert writes.besides_refusal_log == []
    target = fresh(target)
    assert (target.role, target.active) == ("assessor", True)
    assert count(UserToken) == 0


def test_anonymous_visitors_are_sent_to_sign_in(app, client, make_user, count_writes):
    target = make_user(role="assessor")
    token = parse(client.get("/sign-in")).select_one("input[name=csrf_token]")["value"]
    with count_writes() as writes:
        for method, url in admin_requests(app, target.id, everything_under_admin=True):
            response = client.open(url, method=method, data={"csrf_token": token} if method == "POST" else None)
            assert response.status_code == 302, f"{method} {url} answered {response.status_code}"
            assert urlsplit(response.location).path == "/sign-in"
    assert writes.statements == []


def test_a_made_up_user_id_is_not_found(app, as_admin):
    token = parse(as_admin.client.get("/admin/users")).select_one("input[name=csrf_token]")["value"]
    tried = 0
    for method, url in admin_requests(app, 999999):
        if "999999" not in url:
            continue
        tried += 1
        response = as_admin.client.open(
            url, method=method, data={"csrf_token": token, "role": "admin"} if method == "POST" else None
        )
        assert response.status_code == 404, f"{method} {url} answered {response.status_code}"
        assert parse(response).h1.get_text(strip=True) == "Page not found"
    assert tried == 5


# The first admin, from the command line -----------------------------------------------------------------


def create_admin(runner, email: str, password: str = NEW_PASSWORD, name: str = "First Admin"):
    return runner.invoke(args=["users", "create-admin", email, "--name", name], input=f"{password}\n{password}\n")


def test_create_admin_from_the_command_line(app, runner):
    result = create_admin(runner, "First.Admin@Example.org")

    assert result.exit_code == 0, result.output
    assert "Created admin account first.admin@example.org." in result.output
    made = db.session.scalar(select(User).where(User.email == "first.admin@example.org"))
    assert (made.name, made.role, made.active) == ("First Admin", "admin", True)
    [event] = audit_entries("account.admin_created", made.id)
    assert event.actor_id is None
    browser(app).sign_in(made, NEW_PASSWORD)


def test_create_admin_refuses_a_confirmation_that_does_not_match(runner):
    result = runner.invoke(
        args=["users", "create-admin", "first@example.org", "--name", "First Admin"],
        input=f"{NEW_PASSWORD}\nsomething else entirely\n",
    )
    assert result.exit_code == 1
    assert "The two entered values do not match." in result.output
    assert db.session.scalar(select(User).where(User.email == "first@example.org")) is None


@pytest.mark.parametrize(
    "email, password, name, message",
    [
        (
            "not-an-email",
            NEW_PASSWORD,
            "First Admin",
            "Enter an email address in the correct format, like name@example.com",
        ),
        ("TAKEN@example.org", NEW_PASSWORD, "First Admin", "An account already exists with this email address"),
        (
            "first@example.org",
            "password123456",
            "First Admin",
            "Enter a password that is harder to guess, such as three random words",
        ),
        ("first@example.org", "short", "First Admin", "Password must be 10 characters or more"),
        ("first@example.org", NEW_PASSWORD, "   ", "Enter the admin's full name"),
    ],
    ids=["malformed email", "existing email", "weak password", "short password", "blank name"],
)
def test_create_admin_refusals(runner, make_user, email, password, name, message):
    make_user(email="taken@example.org")
    users_before = count(User)

    result = create_admin(runner, email, password, name)

    assert result.exit_code == 1
    assert f"{message}. No account was created." in result.output
    assert count(User) == users_before
    assert audit_entries("account.admin_created") == []
