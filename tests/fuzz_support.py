"""Hostile-input testing: a small world with every kind of record, a signed-in browser per role,
hostile values, and one example at a time inside a savepoint that is rolled back afterwards.

Used by test_fuzz_urls.py and test_fuzz_forms.py. Every example starts from the same world, whatever
the one before it wrote, so a failing example replays the same way (hypothesis runs derandomized).
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import traceback
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import quote

import time_machine
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from sqlalchemy import select
from wtforms.fields.core import UnboundField

import recruit
from recruit.access import declared_access
from recruit.clock import utcnow
from recruit.extensions import db, limiter
from recruit.models import DisabilityConfidentClaim, Notification
from recruit.services import notifications
from recruit.services.accounts import account_changes as accounts
from recruit.services.applications import adjustments
from recruit.services.applications import submission as applications
from recruit.services.applications.submission import unique_references
from recruit.services.assessment import agreement, calibration, results, scoring
from recruit.services.campaigns import setup as campaigns
from recruit.services.campaigns import status as campaign_status
from recruit.services.fairness import monitoring
from recruit.services.interview import booking, offers
from recruit.services.interview import invitations as interviews
from recruit.services.unit_of_work import unit_of_work
from tests.factories import (
    PASSWORD,
    SiftSetup,
    UserFactory,
    draft_campaign,
    offer_terms,
    submitted_application,
    to_sift,
)
from tests.helpers import Forms

ROLES = ("anonymous", "candidate", "assessor", "chair", "admin")
# Not signed in yet: the chair's password has been accepted and the security code is still to come.
SIGNING_IN = "signing-in"
SIGNED_OUT = ("anonymous", SIGNING_IN)
SESSION_COOKIE = "recruit_session"


def fuzz_settings(examples: int) -> settings:
    """Bounded, reproducible runs: the same examples on every machine, nothing kept between runs."""
    # No shrinking: a failing example is reported as found, which keeps a failing run as short as a passing one.
    return settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        phases=(Phase.explicit, Phase.generate),
        suppress_health_check=list(HealthCheck),
        print_blob=False,
    )


# ---------------------------------------------------------------- hostile values

HOSTILE_TEXT = [
    "",
    " ",
    "\t",
    "0",
    "-1",
    "00",
    "007",
    "1.5",
    "1e309",
    "-0",
    "+1",
    "NaN",
    "inf",
    "0x10",
    str(2**31 - 1),
    str(2**31),
    str(2**63 - 1),
    str(2**63),
    str(2**64),
    "9" * 400,
    "-" + "9" * 40,
    "../",
    "../../../../etc/passwd",
    "..\\..\\windows",
    "%00",
    "\x00",
    "a\x00b",
    "%",
    "%zz",
    "%FF%FE",
    "\r\n",
    "line\rbreak",
    "\u202egnp.exe",
    "\ufeffBOM",
    "\u200b",
    "😀" * 3,
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
    "ß",
    "İ",
    "ﷺ",
    "\u0301",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    '"; DROP TABLE users; --',
    "{{7*7}}",
    "${jndi:ldap://x}",
    "\\",
    "//evil.example",
    "https://evil.example/",
    "javascript:alert(1)",
    "null",
    "None",
    "true",
    "[]",
    "{}",
    "=cmd|' /C calc'!A0",
    "@SUM(1+1)",
    "x" * 3000,
    "word " * 2500,
    "😀" * 20000,
    "\x00" * 64,
    "a" * 100_001,
    "²",
    "①",
    "١٢٣",
    "Ⅻ",
    "𝟗",
    "٣.٥",
]
HUGE_INTS = [0, 1, -1, 2, 2**31 - 1, 2**31, 2**32, 2**53 + 1, 2**63 - 1, 2**63, 2**64, 10**30, -(2**63) - 1]


def hostile_text() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(HOSTILE_TEXT),
        st.text(max_size=40),  # every Unicode category hypothesis knows, control characters included
        st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x1F), max_size=8),
        st.integers(min_value=-(2**70), max_value=2**70).map(str),
    )


def hostile_int() -> st.SearchStrategy[int]:
    return st.one_of(st.sampled_from(HUGE_INTS), st.integers(min_value=-(2**70), max_value=2**70))


# ---------------------------------------------------------------- the world


@dataclass
class World:
    """Ids and strings only: ORM objects do not outlive the savepoints the examples run in."""

    users: dict[str, object]  # role name -> User, for signing in (read before any example runs)
    user_ids: list[int]
    campaign_ids: dict[str, int]
    campaign_references: list[str]
    application_references: list[str]
    criterion_ids: list[int]
    codes: list[str]
    offer_ids: list[int]
    token: str
    contexts: list[dict] = field(default_factory=list)  # consistent URL arguments, one record each
    message_ids: list[int] = field(default_factory=list)  # a campaign's email, failed (so it may be resent)
    time_ids: list[int] = field(default_factory=list)  # a published interview time
    adjustment_ids: list[int] = field(default_factory=list)  # candidates' requests for adjustments
    application_ids: list[int] = field(default_factory=list)  # every application, by id (admins' redaction pages)

    def known(self) -> dict[str, list]:
        """Real values for each URL argument, other people's included."""
        return {
            "campaign_id": sorted(self.campaign_ids.values()),
            "criterion_id": self.criterion_ids,
            "user_id": self.user_ids,
            "offer_id": self.offer_ids,
            "message_id": self.message_ids,
            "time_id": self.time_ids,
            "adjustment_id": self.adjustment_ids,
            "application_id": self.application_ids,
            "reference": self.application_references + self.campaign_references,
            "code": self.codes,
            "stage": ["sift", "interview"],
            "target": list(campaign_status.ACTION_NAMES),
            "direction": ["up", "down"],
            "token": [self.token],
            "framework_slug": ["civil-service-2012", "maldon-core-competencies"],
            "competency_slug": ["seeing-the-big-picture", "making-effective-decisions"],
            "grade_slug": ["band-c", "grade-7"],
            "role_slug": ["dwp-cmg-2012-eo"],
            "filename": ["recruit.css", "govuk/govuk-frontend.min.css"],
        }


def _new_campaign(admin, title: str, chair, member, posts: int = 2, grade_slug: str = "band-b"):
    campaign = draft_campaign(admin, grade_slug, title=title, posts=posts, description="Help families.")
    campaigns.set_closing(admin, campaign, utcnow() + timedelta(days=1))
    campaigns.set_panel(admin, campaign, "sift", chair, [member])
    return campaign


def _submitted(campaign, candidate, reference):
    return submitted_application(campaign, candidate, reference, phone="01632 960 001")


def build_world() -> World:
    """A draft, two open, a sift and an interview campaign, with panels, applications, scores and an offer.

    The candidate has a draft application (open campaign), a submitted one at the sift, and an interview
    invitation; the assessor sits on the sift and interview panels the chair chairs.
    """
    admin = UserFactory(role="admin", name="Ada Admin")
    chair = UserFactory(role="assessor", name="Chair Person", two_factor=True)  # so the two-factor forms show
    member = UserFactory(role="assessor", name="Panel Member")
    candidate = UserFactory(role="candidate", name="Cara Candidate")
    others = [UserFactory(role="candidate", name=f"Other Candidate {n}") for n in range(1, 4)]
    invited, token = accounts.invite_staff(admin, "Ivy Invited", "ivy.invited@example.org", "assessor")
    departed = UserFactory(role="assessor", name="Dee Departed")
    accounts.set_active(admin, departed, False)

    draft = draft_campaign(admin, "band-c", title="Draft caseworker", description="Help families.")

    opened = _new_campaign(admin, "Open caseworker", chair, member)
    opened.disability_confident = True  # so the candidate's Disability Confident page is fuzzed
    campaign_status.move(admin, opened, "open")
    draft_application = applications.start(candidate, opened)
    applications.save_personal_details(
        candidate,
        draft_application,
        full_name=candidate.name,
        email=candidate.email,
        phone="",
        version=draft_application.version,
    )
    first = opened.criteria_at("sift")[0]
    applications.save_statement(
        candidate, draft_application, first, "I led a team through a change.", draft_application.version
    )
    # Equality and diversity answers, so the page of answers and its "Remove my answers" form are fuzzed too.
    monitoring.save(candidate, draft_application, {"sex": "female", "religion": "sikh"}, monitoring.NO_ANSWERS)
    not_applied = _new_campaign(admin, "Another open caseworker", chair, member)
    campaign_status.move(admin, not_applied, "open")
    # A calibration round before the sift: a benchmark answer the member has scored.
    benchmark = calibration.add_benchmark(
        admin, not_applied, not_applied.criteria_at("sift")[0].id, "Benchmark A", "A model answer."
    )
    calibration.save_score(
        member,
        not_applied,
        benchmark,
        scoring.ScoreInput(value=4, ticked=[], rationale="Meets most indicators."),
        submit=True,
        version=None,
        confirmed=True,
    )

    # Closed for applications and the sift not started: the time to redact what could identify a candidate.
    closed = _new_campaign(admin, "Closed caseworker", chair, member)
    campaign_status.move(admin, closed, "open")
    (closed_reference,) = unique_references(1)
    closed_app = submitted_application(
        closed,
        others[0],
        closed_reference,
        evidence="As Other Candidate 1 I led {criterion}; call me on 07700 900123 or see www.example.org.",
    )
    db.session.commit()
    with time_machine.travel(utcnow() + timedelta(days=2)):
        campaign_status.move(admin, closed, "closed")

    sift = _new_campaign(admin, "Sift caseworker", chair, member)
    sift.disability_confident = True
    campaign_status.move(admin, sift, "open")
    sift_apps = [
        _submitted(sift, person, ref)
        for person, ref in zip([candidate, *others], unique_references(1 + len(others)), strict=True)
    ]
    # An opted-in candidate, so the admin's decision page and Disability Confident report show the scheme.
    db.session.add(DisabilityConfidentClaim(application_id=sift_apps[1].id, opted_in=True, opted_in_at=utcnow()))
    db.session.commit()
    to_sift(admin, sift)
    for criterion in sift.criteria_at("sift"):
        for person in (chair, member):
            scoring.save(
                person,
                sift,
                sift_apps[0],
                criterion,
                "sift",
                scoring.ScoreInput(value=5, ticked=[], rationale="Meets the indicators."),
                submit=True,
                version=None,
                confirmed=True,
            )
    agreement.agree(chair, sift, sift_apps[0], sift.criteria_at("sift")[0], "sift", 5, "")
    scoring.save(
        member,
        sift,
        sift_apps[1],
        sift.criteria_at("sift")[0],
        "sift",
        scoring.ScoreInput(value=2, ticked=[], rationale="Little evidence."),
        submit=False,
        version=None,
        confirmed=True,
    )

    interview = _new_campaign(admin, "Interview caseworker", chair, member, posts=2)
    campaign_status.move(admin, interview, "open")
    interview_apps = [
        _submitted(interview, person, ref)
        for person, ref in zip([candidate, *others[:2]], unique_references(3), strict=True)
    ]
    db.session.commit()
    to_sift(admin, interview)
    SiftSetup(interview, admin, chair, [member], interview_apps).to_interview(chair, member)
    for application in interview_apps:
        interviews.schedule(
            admin,
            application,
            starts_at=utcnow() + timedelta(days=10),
            minutes=60,
            place="Room 1, Atlantic Quay",
            video_link="",
        )
        for person in (chair, member):
            scoring.declare(person, interview, application, "interview", False, "")
    for index, application in enumerate(interview_apps):
        for criterion in interview.criteria_at("interview"):
            for person in (chair, member):
                scoring.save(
                    person,
                    interview,
                    application,
                    criterion,
                    "interview",
                    scoring.ScoreInput(
                        value=6 - index, ticked=[], rationale="Heard at interview", notes="Answered the question"
                    ),
                    submit=True,
                    version=None,
                    confirmed=True,
                )
    # A published interview time nobody has booked (the applications' interviews were arranged by the admin).
    published = booking.publish(
        admin, interview, starts_at=utcnow() + timedelta(days=12), minutes=45, place="Room 2", video_link=""
    )
    agreement.confirm_all_proposals(chair, interview, "interview", interview_apps)
    results.sign_off(chair, interview, "interview")
    offer = offers.make_offer(admin, interview, interview_apps[0], offer_terms())
    message_id = _failed_email(sift, candidate)
    # A request for adjustments at each stage: the sift's awaiting a response, the interview's answered with a note
    # for the panel.
    asked_at_sift = adjustments.ask(candidate, sift_apps[0], "extra_time", "Extra time to read, please.")
    asked_at_interview = adjustments.ask(candidate, interview_apps[0], "physical_access", "A step-free room.")
    adjustments.respond(
        admin, asked_at_interview, outcome="agreed", agreed="Room 1 is step-free.", panel_note="Use Room 1."
    )
    adjustment_ids = {sift.id: asked_at_sift.id, interview.id: asked_at_interview.id}

    everyone = [admin, chair, member, candidate, *others, invited, departed]
    all_campaigns = {
        "draft": draft,
        "open": opened,
        "not_applied": not_applied,
        "closed": closed,
        "sift": sift,
        "interview": interview,
    }
    all_applications = [draft_application, closed_app, *sift_apps, *interview_apps]
    criteria = [c for campaign in all_campaigns.values() for c in campaign.criteria]
    world = World(
        users={"candidate": candidate, "assessor": member, "chair": chair, "admin": admin},
        user_ids=[u.id for u in everyone],
        campaign_ids={name: c.id for name, c in all_campaigns.items()},
        campaign_references=[c.reference for c in all_campaigns.values()],
        application_references=[a.reference for a in all_applications],
        criterion_ids=[c.id for c in criteria],
        codes=sorted({c.code for c in criteria}),
        offer_ids=[offer.id],
        token=token,
        message_ids=[message_id],
        adjustment_ids=list(adjustment_ids.values()),
        application_ids=[a.id for a in all_applications],
    )
    world.contexts = _contexts(all_campaigns, all_applications, everyone, offer, token, message_id, adjustment_ids)
    world.time_ids = [published.id]
    world.contexts.append({"campaign_id": interview.id, "stage": "interview", "time_id": published.id})
    world.contexts.append({"campaign_id": not_applied.id, "benchmark_id": benchmark.id, "stage": "sift"})
    return world


def _failed_email(campaign, person) -> int:
    """An email about the campaign that could not be sent: its admins' page shows it with a Resend button."""
    with unit_of_work():
        notifications.queue(
            "fuzz:claim", person.email, "claim_link", campaign=campaign, campaign_title=campaign.title, link="x"
        )
        message = db.session.scalars(select(Notification).where(Notification.event_key == "fuzz:claim")).one()
        message.status, message.attempts, message.last_error = "permanently_failed", 1, "Refused by the provider."
    return message.id


def _contexts(all_campaigns, all_applications, everyone, offer, token, message_id, adjustment_ids) -> list[dict]:
    """Consistent sets of URL arguments: each names records that belong together, so the pages they
    build are the real pages of the world (where its forms are)."""
    contexts: list[dict] = [
        {
            "token": token,
            "framework_slug": "civil-service-2012",
            "competency_slug": "seeing-the-big-picture",
            "grade_slug": "band-c",
            "role_slug": "dwp-cmg-2012-eo",
            "filename": "recruit.css",
        }
    ]
    contexts += [{"user_id": user.id} for user in everyone]
    for campaign in all_campaigns.values():
        stage = "interview" if campaign.status in ("interview", "complete") else "sift"
        base = {"campaign_id": campaign.id, "stage": stage, "offer_id": offer.id, "message_id": message_id}
        if campaign.id in adjustment_ids:
            base["adjustment_id"] = adjustment_ids[campaign.id]
        contexts.append({**base, "reference": campaign.reference})
        # The move the campaign can make next comes first: its page is the one with the form.
        targets = sorted(campaign_status.ACTION_NAMES, key=lambda t: t != campaign_status.NEXT.get(campaign.status))
        contexts += [{**base, "target": target} for target in targets]
        criteria = campaign.criteria_at(stage) or campaign.criteria
        for position, criterion in enumerate(campaign.criteria):
            contexts.append({**base, "criterion_id": criterion.id, "direction": "down" if position == 0 else "up"})
        for application in (a for a in all_applications if a.campaign_id == campaign.id):
            contexts.append({**base, "application_id": application.id})
            for criterion in criteria[:2]:
                contexts.append(
                    {**base, "reference": application.reference, "code": criterion.code, "criterion_id": criterion.id}
                )
    return contexts


# ---------------------------------------------------------------- browsers and examples


class Browsers:
    """One test client per role, signed in once; every example ends with each client's session cookie as
    it was, so signing out or changing a password in one example does not change the next."""

    def __init__(self, app, world: World, roles: tuple[str, ...] = ROLES):
        self.app = app
        self.clients = {}
        for role in roles:
            client = app.test_client()
            if role == SIGNING_IN:
                chair = world.users["chair"]
                response = Forms(client).submit("/sign-in", {"email": chair.email, "password": PASSWORD})
                assert response.location.endswith("/sign-in/two-factor"), "the chair has two-factor on"
            elif role != "anonymous":
                Forms(client).sign_in(world.users[role])
            self.clients[role] = client
        self.tokens = {role: _token_for(client) for role, client in self.clients.items()}

    def cookies(self) -> dict[str, str | None]:
        return {
            role: (c.get_cookie(SESSION_COOKIE).value if c.get_cookie(SESSION_COOKIE) else None)
            for role, c in self.clients.items()
        }

    def restore(self, saved: dict[str, str | None]) -> None:
        for role, value in saved.items():
            client = self.clients[role]
            if value is None:
                client.delete_cookie(SESSION_COOKIE)
            else:
                client.set_cookie(SESSION_COOKIE, value)


def _token_for(client) -> str:
    """A valid CSRF token for the client's session (any page with a form carries one)."""
    for url in ("/account/password", "/sign-in"):
        html = client.get(url).get_data(as_text=True)
        field = BeautifulSoup(html, "html.parser").select_one("input[name=csrf_token]")
        if field is not None:
            return field["value"]
    raise AssertionError("no page gave a CSRF token")


@contextmanager
def sandbox(browsers: Browsers):
    """Run one example; afterwards the database, the rate-limit counters and every session are as before."""
    connection = db.session().bind
    saved = browsers.cookies()
    db.session.remove()
    savepoint = connection.begin_nested()
    limiter.reset()
    try:
        yield
    finally:
        db.session.remove()
        if savepoint.is_active:
            savepoint.rollback()
        browsers.restore(saved)


class ServerError(AssertionError):
    pass


def request_or_fail(description: str, send):
    """Send a request; a 5xx, or an exception the app let escape, fails with what was sent."""
    try:
        response = send()
    except Exception as error:  # the test client re-raises what would have been a 500
        raise ServerError(
            f"{description} raised {type(error).__name__}: {error}\n{''.join(traceback.format_exception(error)[-6:])}"
        ) from error
    if response.status_code >= 500:
        raise ServerError(f"{description} answered {response.status_code}")
    return response


# ---------------------------------------------------------------- rules, URLs and forms


def role_may(app, endpoint: str, role: str) -> bool:
    """Whether the route's declared access lets the role in (object access is the app's own business)."""
    access = declared_access(app, endpoint) or ()
    if not access or access[0] == "public":
        return True
    if role in SIGNED_OUT:
        return False
    if access[0] == "signed-in":
        return True
    return ("assessor" if role == "chair" else role) in access[1:]


_ARGUMENT = re.compile(r"<(?:(?P<converter>\w+)(?:\([^)]*\))?:)?(?P<name>\w+)>")


def fill_rule(rule, values: dict[str, object], *, encoded: bool = False) -> str:
    """The rule's path with each argument in place, percent-encoded as a browser would send it
    (or as given, when the values are encoded already)."""

    def one(match: re.Match) -> str:
        if encoded:
            return str(values[match["name"]])
        return quote(str(values[match["name"]]), safe="/" if match["converter"] == "path" else "")

    return _ARGUMENT.sub(one, rule.rule)


def rule_converters(rule) -> dict[str, str]:
    return {m["name"]: m["converter"] or "default" for m in _ARGUMENT.finditer(rule.rule)}


def context_pages(rule, world: World) -> dict[str, dict]:
    """Every page of the world the rule builds, from the consistent argument sets, with the set for each."""
    if not rule.arguments:
        return {rule.rule: {}}
    # An argument the world knows nothing about (a route added since) gets a plain word.
    named = set().union(*world.contexts)
    unknown = dict.fromkeys(rule.arguments - named, "x")
    pages: dict[str, dict] = {}
    for context in world.contexts:
        if rule.arguments - unknown.keys() <= context.keys():
            pages.setdefault(fill_rule(rule, {**context, **unknown}), {**context, **unknown})
    return pages


def context_urls(rule, world: World) -> list[str]:
    return list(context_pages(rule, world))


@dataclass
class FieldSpec:
    kind: str  # the input's type, or textarea / select
    options: list[str] = field(default_factory=list)  # values a radio, checkbox or select offers
    values: list[str] = field(default_factory=list)  # what a browser would send for it as the page stands


@dataclass
class FormSpec:
    action: str
    fields: dict[str, FieldSpec]


def forms_on(html: str, page: str) -> list[FormSpec]:
    """The POST forms on a page, with their fields as a browser sees them (a date is three inputs of one name)."""
    found = []
    for form in BeautifulSoup(html, "html.parser").select("form"):
        if (form.get("method") or "get").lower() != "post":
            continue
        fields: dict[str, FieldSpec] = {}
        for element in form.select("input[name], textarea[name], select[name], button[name]"):
            name = element["name"]
            if name == "csrf_token":
                continue
            kind = element.get("type", "text") if element.name in ("input", "button") else element.name
            spec = fields.setdefault(name, FieldSpec(kind))
            if element.name == "select":
                options = [o.get("value", o.get_text()) for o in element.select("option")]
                spec.options += options
                chosen = element.select_one("option[selected]")
                spec.values.append(chosen.get("value", "") if chosen else (options[0] if options else ""))
            elif kind in ("radio", "checkbox"):
                spec.options.append(element.get("value", "on"))
                if element.has_attr("checked"):
                    spec.values.append(element.get("value", "on"))
            elif kind in ("submit", "button"):
                spec.options.append(element.get("value", ""))
            elif element.name == "textarea":
                spec.values.append(element.get_text().removeprefix("\n"))
            else:
                spec.values.append(element.get("value", ""))
        found.append(FormSpec(form.get("action") or page, fields))
    return found


def field_vocabulary() -> list[str]:
    """Every field name of every form class in the app, for posting to routes no page of the world shows."""
    for module in pkgutil.walk_packages(recruit.__path__, "recruit."):
        importlib.import_module(module.name)
    from flask_wtf import FlaskForm

    names, pending = set(), [FlaskForm]
    while pending:
        cls = pending.pop()
        pending += cls.__subclasses__()
        names |= {name for name in dir(cls) if isinstance(getattr(cls, name, None), UnboundField)}
    return sorted(names)
