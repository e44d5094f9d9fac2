"""Every form in the app, posted with a valid CSRF token and hostile field values, by a role that may use
it and by roles that may not: never a server error, and a refusal writes nothing.

The forms are found the way a person finds them: every page of a world with a campaign in each state is
opened as each role, and every POST form on it is read (its fields, their options and what the page filled
in). A POST route that no page of the world shows is still posted to, with field names from every form class
in the app. Field values are the page's own, another option, something hostile (huge, Unicode, control
characters, NUL bytes, numbers out of range), missing, or given more than once; unknown fields are added.

A refusal is a 4xx, a page with a GOV.UK error summary, or a redirect that flashes an error or sends a
signed-out person to sign in. A refused request must not run a single INSERT, UPDATE or DELETE, with two
exceptions the app makes on purpose: a refused sign-in or a wrong current password (on the pages that change
how a person signs in) records the failure, as an audit entry and, for a known account, its failure count
(which locks the account after ten); and a 403 to a signed-in person is written to the audit log (at most
once per person and route in each window, counted in access_denial_windows). A role
that may not use a form is refused, or (where there is nothing for it to do, such as turning off two-factor
that is not on) sent on without anything written or said to be done.
"""

from __future__ import annotations

import io
from functools import partial
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException

from recruit.extensions import db
from recruit.models import AuditEvent, Score, User
from recruit.services.applications import submission as applications
from tests.factories import PASSWORD, open_campaign, sift_campaign
from tests.fuzz_support import (
    ROLES,
    SIGNING_IN,
    Browsers,
    FieldSpec,
    FormSpec,
    build_world,
    context_pages,
    context_urls,
    field_vocabulary,
    forms_on,
    fuzz_settings,
    hostile_int,
    hostile_text,
    request_or_fail,
    role_may,
    sandbox,
)
from tests.helpers import csrf_token_from, error_messages, parse

FORM_ROLES = (*ROLES, SIGNING_IN)  # someone part-way through signing in has forms of their own
EXAMPLES_MAY = 16  # per route and role that may use it
EXAMPLES_MAY_NOT = 4  # per route and role that may not
PAGES_PER_CAMPAIGN = 2  # pages opened per GET route and campaign when looking for forms

SIGN_IN_ROUTES = {"auth.sign_in", "auth.two_factor"}
# Pages that check the current password before a change to how a person signs in; a wrong one counts like a sign-in.
PASSWORD_CHECK_ROUTES = {
    "auth.change_password",
    "auth.two_factor_setup",
    "auth.regenerate_recovery_codes",
    "auth.turn_off_two_factor",
}
SIGN_IN_FAILURE_ACTIONS = {"sign_in.failed", "sign_in.locked"}
ERROR_FLASHES = {"important", "signed-out"}
DOWNLOADS = (".pdf", ".ics")  # files, not pages: no forms to find on them

HOSTILE_FILES = [
    b"",
    b"\x00" * 32,
    b"\xff\xfe" + "name,email\n".encode("utf-16-le"),
    b"\xef\xbb\xbfname,email\r\n",
    b'name,email\n"unterminated,x@example.org\n',
    b"=cmd|' /C calc'!A0,@SUM(1)\n+1,-1\n",
    b"name,name,email,email\na,b,c,d\n",
    "name,email\nZoë,zoë@example.org\n".encode("latin-1"),
    b"PK\x03\x04" + bytes(range(256)),
    b"a,b\n" + b"x," * 5000 + b"\n",
]


def post_rules(app):
    return sorted((rule for rule in app.url_map.iter_rules() if "POST" in rule.methods), key=lambda r: r.rule)


def discover(app, world, browsers) -> dict[str, dict[str, list[FormSpec]]]:
    """The POST forms on every page of the world, by route and by the role whose pages show them."""
    adapter = app.url_map.bind("localhost")
    found: dict[str, dict[str, list[FormSpec]]] = {}
    for role, client in browsers.clients.items():
        seen_actions: set[str] = set()
        for rule in app.url_map.iter_rules():
            if (
                "GET" not in rule.methods
                or rule.endpoint == "static"
                or not role_may(app, rule.endpoint, role)
                or rule.rule.endswith(DOWNLOADS)
            ):
                continue
            per_campaign: dict[object, int] = {}
            for url, context in context_pages(rule, world).items():
                campaign = context.get("campaign_id", url)  # pages of no campaign are all opened
                if per_campaign.get(campaign, 0) >= PAGES_PER_CAMPAIGN:
                    continue
                per_campaign[campaign] = per_campaign.get(campaign, 0) + 1
                with sandbox(browsers):
                    response = request_or_fail(f"GET {url} as {role}", partial(client.get, url))
                if response.status_code != 200 or response.mimetype != "text/html":
                    continue
                for form in forms_on(response.get_data(as_text=True), url):
                    if form.action in seen_actions:
                        continue
                    seen_actions.add(form.action)
                    try:
                        endpoint, _ = adapter.match(urlsplit(form.action).path, method="POST")
                    except HTTPException:
                        continue
                    found.setdefault(endpoint, {}).setdefault(role, []).append(form)
    return found


def url_for_rule(rule, world) -> str:
    urls = context_urls(rule, world)
    assert urls, f"the world has no records for {rule.rule}"
    return urls[0]


# What a person would type into a field the page leaves empty, so that hostile values reach past "Enter your …".
TYPED = {
    "email": ["fuzz.newcomer@example.org"],
    "name": ["Fuzz Newcomer"],
    "full_name": ["Fuzz Newcomer"],
    "password": ["copper kettle meadow lighthouse"],
    "new_password": ["copper kettle meadow lighthouse"],
    "current_password": [PASSWORD],
    "title": ["Caseworker"],
    "organisation": ["Child Maintenance Group"],
    "location": ["Glasgow"],
    "posts": ["2"],
    "other_locations": ["Leeds\nNewcastle"],
    "salary_min": ["26000"],
    "salary_max": ["28,500"],
    "pay_notes": ["plus London weighting"],
    "contract_months": ["12"],
    "nationality_requirements": ["Open to UK nationals."],
    "contact_name": ["Morag Finlay"],
    "contact_email": ["cmg-recruitment@example.org"],
    "description": ["Help families."],
    "phone": ["01632 960 001"],
    "closes_on": ["27", "3", "2030"],
    "starts_on": ["27", "3", "2030"],
    "closes_at_time": ["17:00"],
    "starts_at_time": ["10am"],
    "minutes": ["60"],
    "place": ["Room 1, Atlantic Quay"],
    "code": ["123456"],
    "reason": ["Recorded in full for the file."],
    "text": ["I led a team through a change of system."],
    "rationale": ["Meets the indicators."],
    "feedback": ["You gave clear examples."],
    "note": ["Any weekday."],
    "top_n": ["1"],
    "discrepancy_threshold": ["2"],
    "reserve_months": ["12"],
    "weight": ["1"],
    "pass_mark": ["4"],
    "word_limit": ["250"],
}


def typical(name: str, spec: FieldSpec) -> list[str]:
    """What a person would send: what the page shows, else what they would type or pick."""
    if spec.kind in ("submit", "button"):
        return spec.options[:1]
    if any(spec.values):
        return spec.values
    if spec.kind in ("radio", "checkbox", "select"):
        chosen = [option for option in spec.options if option][:1]
        return chosen or spec.values
    return TYPED.get(name, spec.values)


def field_values(data, name: str, spec: FieldSpec):
    """What is sent for one field: the page's value, another option, something hostile, nothing, or several."""
    if spec.kind == "file":
        content = data.draw(st.one_of(st.sampled_from(HOSTILE_FILES), st.binary(max_size=300)), label=name)
        filename = data.draw(
            st.sampled_from(["applications.csv", "", "../../x.csv", "a\x00.csv", "ü.CSV", "x" * 300]),
            label=f"{name} filename",
        )
        return [(io.BytesIO(content), filename)]
    kinds = ["page", "page", "typical", "hostile", "omit", "many"] + (["option", "option"] if spec.options else [])
    kind = data.draw(st.sampled_from(kinds), label=f"{name} kind")
    if kind == "omit":
        return []
    if kind == "page":
        return spec.values
    if kind == "typical":
        return typical(name, spec)
    if kind == "option":
        return [data.draw(st.sampled_from(spec.options), label=name)]
    single = st.one_of(hostile_text(), hostile_int().map(str), st.sampled_from(spec.options or spec.values or [""]))
    if kind == "many":
        return data.draw(st.lists(single, min_size=2, max_size=4), label=name)
    return [data.draw(single, label=name)]


def form_data(data, form: FormSpec, vocabulary: list[str], token: str) -> MultiDict:
    pairs = [("csrf_token", token)]
    for name, spec in form.fields.items():
        pairs += [(name, value) for value in field_values(data, name, spec)]
    extra = data.draw(
        st.lists(st.tuples(st.one_of(st.sampled_from(vocabulary), hostile_text()), hostile_text()), max_size=2),
        label="extra fields",
    )
    return MultiDict(pairs + [pair for pair in extra if pair[0] != "csrf_token"])


def flashes(client) -> list[tuple[str, str]]:
    with client.session_transaction() as session:
        return list(session.get("_flashes", []))


def refusal(response, client) -> str | None:
    """Why the response is a refusal, or None when the app did what was asked."""
    if response.status_code >= 400:
        return f"answered {response.status_code}"
    if response.status_code in (301, 302, 303, 307, 308):
        errors = [message for category, message in flashes(client) if category in ERROR_FLASHES]
        if errors:
            return f"redirected with the error {errors[0]!r}"
        if urlsplit(response.location).path == "/sign-in" and not flashes(client):
            return "sent to sign in"
        return None
    if response.mimetype == "text/html":
        summary = BeautifulSoup(response.get_data(as_text=True), "html.parser").select_one(".govuk-error-summary")
        if summary is not None:
            return "showed the errors " + " | ".join(a.get_text(" ", strip=True) for a in summary.select("a"))
    return None


def sign_in_failure_writes(statements: list[str]) -> bool:
    """Only what a refused sign-in records: audit entries and the account's failure count (with, for a staff account,
    the setup version every change to one moves on: services/campaigns/kept_setup.py)."""
    for statement in statements:
        words = " ".join(statement.split()).lower()
        if words.startswith("insert into audit_events"):
            continue
        if words.startswith("update users set") and set(_assigned(words)) <= {"failed_sign_ins", "locked_until"}:
            continue
        if words.startswith("update setup_versions set") and set(_assigned(words)) == {"token", "changed_at"}:
            continue
        return False
    return True


def denial_writes(statements: list[str]) -> bool:
    """Only what a 403 to a signed-in person records: its audit entry and the window that bounds them."""
    return all(
        " ".join(statement.split())
        .lower()
        .startswith(("insert into audit_events", "insert into access_denial_windows", "update access_denial_windows"))
        for statement in statements
    )


def _assigned(update: str) -> list[str]:
    assignments = update.split(" set ", 1)[1].split(" where ", 1)[0]
    return [part.split("=")[0].strip() for part in assignments.split(",")]


def post_and_check(browsers, count_writes, rule, role: str, action: str, sent: MultiDict, may: bool) -> int:
    """Post once; fail on a server error, on a role that may not use the form getting it done, and on a
    refusal that wrote anything (but what a refused sign-in records)."""
    client = browsers.clients[role]
    description = f"POST {action} as {role} with {dict(sent.lists())!r:.600}"
    with sandbox(browsers):
        audit_before = db.session.scalar(select(func.max(AuditEvent.id))) or 0
        with count_writes() as writes:
            response = request_or_fail(description, lambda: client.post(action, data=sent))
        reason = refusal(response, client)
        if not may and reason is None:
            # Turned away without a message (two-factor is already on, say): nothing done, nothing said to be.
            done = [message for category, message in flashes(client) if category == "success"]
            assert not writes.statements and not done, (
                f"{description} was not refused ({response.status_code}, {done or writes.statements[:3]})"
            )
            reason = "nothing to do"
        if reason is not None and writes.statements:
            logged = set(db.session.scalars(select(AuditEvent.action).where(AuditEvent.id > audit_before)))
            allowed = (
                rule.endpoint in SIGN_IN_ROUTES | PASSWORD_CHECK_ROUTES
                and sign_in_failure_writes(writes.statements)
                and logged <= SIGN_IN_FAILURE_ACTIONS
            ) or (response.status_code == 403 and denial_writes(writes.statements) and logged <= {"access.denied"})
            assert allowed, f"{description} was refused ({reason}) but wrote:\n  " + "\n  ".join(
                " ".join(s.split())[:200] for s in writes.statements
            )
    return response.status_code


def fuzz_route(browsers, count_writes, rule, role, forms, vocabulary, may: bool) -> int:
    """Hypothesis examples for one route and role; the number run."""
    ran = []

    @fuzz_settings(EXAMPLES_MAY if may else EXAMPLES_MAY_NOT)
    @given(st.data())
    def example(data):
        form = data.draw(st.sampled_from(forms), label="form")
        if not form.fields:
            names = data.draw(st.lists(st.sampled_from(vocabulary), max_size=6, unique=True), label="fields")
            form = FormSpec(form.action, {name: FieldSpec("text") for name in names})
        sent = form_data(data, form, vocabulary, browsers.tokens[role])
        ran.append(post_and_check(browsers, count_writes, rule, role, form.action, sent, may))

    example()
    return len(ran)


def looks_numeric(spec: FieldSpec) -> bool:
    return any(value.strip().lstrip("-").isdigit() for value in [*spec.values, *spec.options])


def one_field_hostile(form: FormSpec):
    """What a person would send, with one field at a time replaced by a classic hostile value."""
    sendable = {name: spec for name, spec in form.fields.items() if spec.kind != "file"}
    person = [(name, value) for name, spec in sendable.items() for value in typical(name, spec)]
    for name, spec in sendable.items():
        if spec.kind in ("submit", "button"):
            continue
        values = ["a\x00b"]
        if looks_numeric(spec):
            values += ["²", "-1", str(2**64)]
        elif spec.kind in ("text", "textarea", "email", "hidden", "password"):
            values += ["x" * 100_001]
        for value in values:
            yield name, value, [(n, v) for n, v in person if n != name] + [(name, value)]


def sweep_route(browsers, count_writes, rule, role, forms) -> int:
    """Every field of the route's form, one at a time; the number posted. Fails listing every field that failed."""
    count, failures = 0, []
    for form in forms[:1]:
        for name, value, pairs in one_field_hostile(form):
            sent = MultiDict([("csrf_token", browsers.tokens[role]), *pairs])
            try:
                post_and_check(browsers, count_writes, rule, role, form.action, sent, True)
            except AssertionError as failure:
                failures.append(f"{name}={value[:20]!r}: {failure}")
            count += 1
    assert not failures, "\n".join(failures)
    return count


@pytest.fixture
def fuzzing(app):
    world = build_world()
    browsers = Browsers(app, world, roles=FORM_ROLES)
    return world, browsers, discover(app, world, browsers)


def test_no_form_gives_a_server_error_and_refusals_write_nothing(app, fuzzing, count_writes, record_property):
    world, browsers, found = fuzzing
    vocabulary = field_vocabulary()
    failures, counts, unseen = [], {"may": 0, "may not": 0, "one field": 0}, []
    for rule in post_rules(app):
        by_role = found.get(rule.endpoint, {})
        if by_role:
            users = dict(by_role)
        else:
            # No page of the world shows this form; post to it as every role its declaration lets in.
            unseen.append(rule.rule)
            blank = [FormSpec(url_for_rule(rule, world), {})]
            users = {role: blank for role in FORM_ROLES if role_may(app, rule.endpoint, role)}
        any_forms = next(iter(users.values()))
        others = [role for role in FORM_ROLES if role not in users]
        let_in = [role for role in others if role_may(app, rule.endpoint, role)]
        kept_out = [role for role in others if not role_may(app, rule.endpoint, role)]
        refused_roles = [] if declared_public(app, rule.endpoint) else let_in[:1] + kept_out[:1]
        for role, forms in users.items():
            try:
                counts["may"] += fuzz_route(browsers, count_writes, rule, role, forms, vocabulary, True)
            except AssertionError as failure:
                failures.append(f"{rule.rule} as {role}: {failure}")
        for role in refused_roles:
            try:
                counts["may not"] += fuzz_route(browsers, count_writes, rule, role, any_forms, vocabulary, False)
            except AssertionError as failure:
                failures.append(f"{rule.rule} as {role} (may not): {failure}")
        role, forms = next(iter(users.items()))
        try:
            counts["one field"] += sweep_route(browsers, count_writes, rule, role, forms)
        except AssertionError as failure:
            failures.append(f"{rule.rule} as {role} (one field at a time): {failure}")
    record_property("examples", counts)
    print(
        f"\n{len(post_rules(app))} POST routes, {len(unseen)} with no form on any page of the world "
        f"({', '.join(unseen)}); {counts['may']} examples by roles that may use them, {counts['may not']} by "
        f"roles that may not, {counts['one field']} posts with one field at a time hostile"
    )
    assert not failures, "\n\n".join(failures)


def declared_public(app, endpoint: str) -> bool:
    from recruit.access import declared_access

    return (declared_access(app, endpoint) or ("",))[0] == "public"


# Regression tests for what the fuzzing found.


def token_for(client) -> str:
    """A CSRF token from a page that changes nothing when opened."""
    return csrf_token_from(client.get("/account/password").get_data(as_text=True))


def banners(soup) -> list[str]:
    return [" ".join(b.get_text(" ", strip=True).split()) for b in soup.select(".govuk-notification-banner")]


def test_two_factor_set_up_posted_before_its_page_was_opened_writes_nothing(client, forms, make_user, count_writes):
    user = make_user(role="candidate")
    forms.sign_in(user)
    with count_writes() as writes:
        response = client.post("/account/two-factor/set-up", data={"csrf_token": token_for(client), "code": "123456"})
    assert response.status_code == 302 and urlsplit(response.location).path == "/account/two-factor/set-up"
    assert writes.statements == []
    db.session.refresh(user)
    assert user.totp_secret is None
    soup = parse(client.get("/account/two-factor/set-up"))
    assert any(
        "Scan the QR code with your authenticator app, then enter the code it shows" in text for text in banners(soup)
    )
    db.session.refresh(user)
    assert user.totp_secret is None, "opening the page writes nothing: the key is kept once a code proves it"


@pytest.fixture
def sift(make_user):
    return sift_campaign(make_user(role="admin"), applications=1)


def score_url(setup) -> str:
    code = setup.campaign.criteria_at("sift")[0].code
    return f"/assess/{setup.campaign.id}/sift/{setup.applications[0].reference}/{code}"


@pytest.mark.parametrize(
    "field, label",
    [("effective", "effective indicators evidenced"), ("ineffective", "ineffective indicators evidenced")],
)
@pytest.mark.parametrize("value", ["", "x", "1.5"])
def test_an_indicator_that_is_not_a_number_is_refused_with_a_message(forms, sift, count_writes, field, label, value):
    forms.sign_in(sift.members[0])
    with count_writes() as writes:
        response = forms.submit(
            score_url(sift),
            {
                "value": "5",
                "rationale": "Meets the indicators.",
                "version": "0",
                field: value,
                "save_draft": "Save as draft",
            },
        )
    assert response.status_code == 200
    assert error_messages(parse(response)) == [f"Select a valid {label}"]
    assert writes.statements == []


@pytest.mark.parametrize("version", ["²", "①", "𝟗"])
def test_a_score_with_a_version_that_is_not_a_plain_number_is_saved_as_if_unversioned(forms, sift, version):
    forms.sign_in(sift.members[0])
    response = forms.submit(
        score_url(sift),
        {"value": "5", "rationale": "Meets the indicators.", "version": version, "save_draft": "Save as draft"},
    )
    assert response.status_code == 302
    assert db.session.scalar(select(func.count(Score.id)).where(Score.assessor_id == sift.members[0].id)) == 1


@pytest.mark.parametrize("version", ["²", "①", "𝟗"])
def test_evidence_with_a_version_that_is_not_a_plain_number_is_saved_as_if_unversioned(forms, make_user, version):
    admin, candidate = make_user(role="admin"), make_user(role="candidate")
    campaign = open_campaign(admin)
    application = applications.start(candidate, campaign)
    criterion = campaign.criteria_at("sift")[0]
    forms.sign_in(candidate)
    response = forms.submit(
        f"/applications/{application.reference}/evidence/{criterion.code}",
        {"text": "I led a team through a change.", "version": version},
    )
    assert response.status_code == 302
    db.session.refresh(application)
    assert application.statement_for(criterion).text == "I led a team through a change."


def test_registering_with_a_null_character_in_the_name_is_refused_with_a_message(client, forms, count_writes):
    before = db.session.scalar(select(func.count(User.id)))
    with count_writes() as writes:
        response = forms.submit(
            "/register",
            {"name": "Ada\x00Lovelace", "email": "ada@example.org", "password": "copper kettle meadow lighthouse"},
        )
    assert response.status_code == 200
    assert error_messages(parse(response)) == ["Full name must not include a null character"]
    assert writes.statements == []
    assert db.session.scalar(select(func.count(User.id))) == before


def test_inviting_someone_with_a_null_character_in_the_name_is_refused_with_a_message(forms, make_user, count_writes):
    forms.sign_in(make_user(role="admin"))
    with count_writes() as writes:
        response = forms.submit(
            "/admin/users/invite", {"name": "Ivy\x00", "email": "ivy@example.org", "role": "assessor"}
        )
    assert response.status_code == 200
    assert error_messages(parse(response)) == ["Full name must not include a null character"]
    assert writes.statements == []


def test_evidence_with_a_null_character_is_refused_with_a_message(forms, make_user, count_writes):
    admin, candidate = make_user(role="admin"), make_user(role="candidate")
    campaign = open_campaign(admin)
    application = applications.start(candidate, campaign)
    forms.sign_in(candidate)
    url = f"/applications/{application.reference}/evidence/{campaign.criteria_at('sift')[0].code}"
    with count_writes() as writes:
        response = forms.submit(url, {"text": "I led\x00 a team.", "version": str(application.version)})
    assert response.status_code == 200
    assert error_messages(parse(response)) == ["Your evidence must not include a null character"]
    assert writes.statements == []


def test_filtering_the_audit_log_by_a_null_character_is_refused_with_a_message(forms, page, make_user):
    forms.sign_in(make_user(role="admin"))
    soup = page("/admin/audit?user=%00&record_type=user", status=400)
    assert error_messages(soup) == ["User email address must not include a null character"]
