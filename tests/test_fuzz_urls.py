"""Every page reached with GET, as every role, with hostile values in its URL and query string, answers
without a server error: real ids and references (other people's too) mixed with huge, negative and zero
numbers, Unicode, control characters, NUL bytes, `../`, undecodable percent-escapes and very long text.

The routes come from the app's URL map, so a new page is fuzzed without anyone adding it here.
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

import pytest
from hypothesis import given
from hypothesis import strategies as st

from recruit.converters import MAX_ID
from tests.factories import open_campaign
from tests.fuzz_support import (
    ROLES,
    Browsers,
    build_world,
    fill_rule,
    fuzz_settings,
    hostile_int,
    hostile_text,
    request_or_fail,
    role_may,
    rule_converters,
    sandbox,
)

# Examples per page and role: pages the role may use get more than pages it is turned away from.
EXAMPLES_ALLOWED = 10
EXAMPLES_REFUSED = 3

# Names the app reads from query strings (request.args), and forms read from them (the audit filter).
QUERY_KEYS = [
    "page",
    "status",
    "q",
    "by",
    "criterion",
    "view",
    "level",
    "next",
    "role",
    "user",
    "record_type",
    "record_id",
    "since",
    "until",
]
# Sent as they are: undecodable or odd percent-escapes a browser would not make.
RAW_SEGMENTS = [
    "%FF",
    "%C0%AE%C0%AE",
    "%00",
    "%2e%2e",
    "..",
    ".",
    "%2F",
    "%252F",
    "%E2%80%AE",
    ";",
    "%20",
    "~",
    "%F0%9F%98%80",
    "%ED%A0%80",
]
RAW_QUERIES = [
    "page=%FF",
    "q=%00",
    "level=%C0%AF",
    "since=%ZZ",
    "a",
    "=",
    "&&&",
    "page=1&page=2",
    "status=open&status=draft",
    "next=//evil.example",
    "next=%0d%0aSet-Cookie:x=1",
    "since=1&since=2&since=2026&until=31&until=2&until=2026",
    "since=29&since=2&since=2025",
    "since=99999999999&since=1&since=1",
    "level=99999999999999999999",
    "page=-99999999999999999999",
]


def get_rules(app):
    return sorted((rule for rule in app.url_map.iter_rules() if "GET" in rule.methods), key=lambda r: r.rule)


def segment(value, converter: str) -> str:
    return quote(str(value), safe="/" if converter == "path" else "")


def argument_value(data, name: str, converter: str, real, known: dict[str, list]) -> str:
    """The real value of the page's own record, someone else's, or something hostile."""
    choices = ["other", "hostile", "raw"] + (["real", "real"] if real is not None else [])
    if converter == "int":
        choices.append("int")
    kind = data.draw(st.sampled_from(choices), label=f"{name} kind")
    if kind == "real":
        return segment(real, converter)
    if kind == "other" and known.get(name):
        return segment(data.draw(st.sampled_from(known[name]), label=name), converter)
    if kind == "int":
        return str(data.draw(hostile_int(), label=name))
    if kind == "raw":
        return data.draw(st.sampled_from(RAW_SEGMENTS), label=name)
    return segment(data.draw(hostile_text(), label=name), converter)


def query_string(data, known: dict[str, list]) -> str:
    words = sorted({str(v) for values in known.values() for v in values} | {"sift", "interview", "criterion"})
    pairs = data.draw(
        st.lists(
            st.tuples(
                st.one_of(st.sampled_from(QUERY_KEYS), hostile_text()),
                st.one_of(hostile_text(), st.sampled_from(words)),
            ),
            max_size=4,
        ),
        label="query",
    )
    encoded = urlencode(pairs)
    raw = data.draw(st.sampled_from(["", *RAW_QUERIES]), label="raw query")
    return "&".join(part for part in (encoded, raw) if part)


@pytest.fixture
def fuzzing(app, role):
    world = build_world()
    return world, Browsers(app, world, roles=(role,))


def fuzz_rule(app, world, browsers, rule, role: str) -> int:
    """Run the examples for one page and role; the number run."""
    client = browsers.clients[role]
    converters = rule_converters(rule)
    contexts = [c for c in world.contexts if set(converters) <= c.keys()] or [{}]
    known = world.known()
    examples = EXAMPLES_ALLOWED if role_may(app, rule.endpoint, role) else EXAMPLES_REFUSED
    ran = []

    @fuzz_settings(examples)
    @given(st.data())
    def example(data):
        context = data.draw(st.sampled_from(contexts), label="context")
        values = {
            name: argument_value(data, name, converter, context.get(name), known)
            for name, converter in converters.items()
        }
        url = fill_rule(rule, values, encoded=True)
        query = query_string(data, known)
        target = f"{url}?{query}" if query else url
        with sandbox(browsers):
            request_or_fail(f"GET {target} as {role}", lambda: client.get(target))
        ran.append(target)

    example()
    return len(ran)


@pytest.mark.parametrize("role", ROLES)
def test_no_page_gives_a_server_error_whatever_is_in_its_url(app, fuzzing, role, record_property):
    world, browsers = fuzzing
    failures, examples = [], 0
    for rule in get_rules(app):
        try:
            examples += fuzz_rule(app, world, browsers, rule, role)
        except AssertionError as failure:
            failures.append(f"{rule.rule}: {failure}")
    record_property("examples", examples)
    print(f"\n{role}: {examples} examples over {len(get_rules(app))} GET routes")
    assert not failures, "\n\n".join(failures)


# Regression tests for what the fuzzing found.


@pytest.mark.parametrize(
    "path",
    [
        "/admin/campaigns/{too_big}",
        "/admin/campaigns/{too_big}/applications",
        "/admin/campaigns/{campaign}/criteria/{too_big}",
        "/admin/users/{too_big}",
        "/assess/{too_big}/sift",
        "/moderate/{too_big}/sift/results",
    ],
)
@pytest.mark.parametrize("too_big", [2**31, 2**63, 2**64, 10**30])
def test_an_id_beyond_the_database_range_is_page_not_found(forms, page, admin, path, too_big):
    campaign = open_campaign(admin)
    forms.sign_in(admin)
    soup = page(path.format(too_big=too_big, campaign=campaign.id), status=404)
    assert soup.h1.get_text(strip=True) == "Page not found"


def test_the_largest_id_the_database_holds_is_still_looked_up(forms, page, admin):
    forms.sign_in(admin)
    assert page(f"/admin/campaigns/{MAX_ID}", status=404).h1.get_text(strip=True) == "Page not found"
    assert page(f"/admin/users/{admin.id}").h1 is not None


@pytest.mark.parametrize(
    "path",
    [
        "/frameworks/%00",
        "/frameworks/civil-service-2012%00",
        "/frameworks/civil-service-2012/competencies/seeing-the-big-picture%00",
        "/frameworks/civil-service-2012/grades/%00band-c",
        "/vacancies/VAC%00",
        "/set-password/%00",
    ],
)
def test_a_nul_character_in_an_address_is_page_not_found(page, path):
    assert page(path, status=404).h1.get_text(strip=True) == "Page not found"


def test_a_nul_character_in_an_application_address_is_page_not_found(forms, page, make_user):
    forms.sign_in(make_user(role="candidate"))
    assert page("/applications/RC-%00/evidence/leading-and-communicating", status=404).h1 is not None


@pytest.mark.parametrize("query", ["%00", "Candidate%00", "%00%00%00"])
def test_searching_applications_for_a_nul_character_shows_the_list(forms, page, admin, query):
    campaign = open_campaign(admin)
    forms.sign_in(admin)
    soup = page(f"/admin/campaigns/{campaign.id}/applications?q={query}")
    assert soup.h1 is not None and "Applications" in soup.h1.get_text()
