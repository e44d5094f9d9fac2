"""Reading a page writes nothing: every route that answers GET, at real addresses built from a campaign taken
through the sift into a signed-off interview (scores, agreed scores, feedback, interview slots, an offer, reports),
requested as every kind of person, issues no INSERT, UPDATE or DELETE.

The one write a GET may make is the audit log's record of a refused request (a 403 to someone signed in), which is
written on purpose (services/records/access_denials.py). The routes come from the app's URL map: a route this test
cannot build an address for fails it, unless UNBUILDABLE says why, so a new page cannot slip by.
"""

from __future__ import annotations

from collections import defaultdict

import pytest
from werkzeug.routing import Map, Rule

from recruit.extensions import db
from recruit.models import Application, RenderedReport, RoleProfile
from recruit.services.accounts import account_changes as accounts
from recruit.services.assessment import agreement, feedback
from recruit.services.campaigns.kept_setup import load_campaign
from recruit.services.campaigns.stages import stage_record
from recruit.services.reports import versions as reports
from tests.fuzz_support import ROLES, SIGNING_IN, Browsers, World, build_world, fill_rule, sandbox

# Every kind of person, and the chair half-way through signing in (password accepted, security code to come).
PEOPLE = (*ROLES, SIGNING_IN)

# Routes no address can be built for, with the reason. Empty: every GET route is requested.
UNBUILDABLE: dict[str, str] = {}

# Pages whose query string changes what they read, requested with it as well.
QUERIES = {
    "assess.work": ["by=criterion", "show=drafts"],
    "assess.score": ["by=criterion"],
    "moderate.board_view": ["view=discrepant", "view=ready&page=2"],
    "moderate.item": ["view=discrepant&page=2"],
    "moderate.feedback_overview": ["view=incomplete"],
    "admin.users_list": ["role=assessor"],
    "reports.index": ["page=2"],
}

# At most this many addresses of one route per campaign and stage (or per record of no campaign), so the run stays
# short; each report and version has addresses of its own.
PER_CAMPAIGN = 2


def _populate(world: World) -> World:
    """Add to the fuzzing world what it lacks: feedback, released outcomes, kept report versions, a registration
    link waiting to be confirmed, and a real role profile."""
    admin = world.users["admin"]
    chair = world.users["chair"]
    interview = load_campaign(world.campaign_ids["interview"])
    invitees = list(
        db.session.scalars(
            db.select(Application).where(Application.campaign_id == interview.id, Application.status == "sift_passed")
        )
    )
    for application in invitees:
        for criterion in interview.criteria_at("interview"):
            agreed = agreement.item_for(interview, "interview", application, criterion).agreed
            feedback.save(chair, interview, agreed, f"Your answer on {criterion.name} was clear.")
    # The world marks its sift signed off by hand; as a sign-off would, say who signed it off.
    stage_record(interview, "sift").signed_off_by_id = chair.id
    db.session.commit()
    feedback.release(admin, interview, "sift")
    feedback.release(admin, interview, "interview")
    # One report kept at sign-off typeset (a version to download), the other still to be typeset.
    reports.typeset(reports.signed_off_version(interview, reports.KINDS["interview"]))
    started = accounts.request_registration(
        "Rita Registering", "rita.registering@example.org", "a long enough passphrase for Rita"
    )
    version_ids = list(
        db.session.scalars(db.select(RenderedReport.id).where(RenderedReport.campaign_id == interview.id))
    )
    campaign_id = interview.id
    world.contexts += [{"token": started.token}]
    profile = db.session.scalars(db.select(RoleProfile).order_by(RoleProfile.slug)).first()
    world.contexts.append({"framework_slug": profile.framework.slug, "role_slug": profile.slug})
    for slug in ("sift", "interview", "merit"):
        world.contexts.append({"campaign_id": campaign_id, "slug": slug})
        world.contexts += [
            {"campaign_id": campaign_id, "slug": slug, "version_id": version_id} for version_id in version_ids
        ]
    world.contexts += [{"campaign_id": campaign_id, "reference": a.reference} for a in invitees]
    # The interview campaign's sift pages too (its pages are otherwise built for its current stage).
    world.contexts += [
        {**context, "stage": "sift"}
        for context in list(world.contexts)
        if context.get("campaign_id") == campaign_id and context.get("stage") == "interview"
    ]
    return world


def addresses(rule, world: World) -> list[str]:
    """Real addresses for the rule from the world's consistent sets of arguments; none when it has an argument
    no set gives."""
    if not rule.arguments:
        return [rule.rule]
    per_campaign: dict[object, list[str]] = defaultdict(list)
    for context in world.contexts:
        if rule.arguments <= context.keys():
            url = fill_rule(rule, context)
            chosen = per_campaign[tuple(context.get(name) for name in ("campaign_id", "stage", "slug", "version_id"))]
            if url not in chosen and len(chosen) < PER_CAMPAIGN:
                chosen.append(url)
    return [url for urls in per_campaign.values() for url in urls]


def get_rules(app):
    return sorted((rule for rule in app.url_map.iter_rules() if "GET" in rule.methods), key=lambda r: r.rule)


@pytest.fixture
def world(app):
    return _populate(build_world())


def test_every_get_route_can_be_requested(app, world):
    unbuilt = [rule.rule for rule in get_rules(app) if rule.endpoint not in UNBUILDABLE and not addresses(rule, world)]
    assert not unbuilt, (
        "No address could be built for these GET routes; add what they need to the scenario, or "
        f"list them in UNBUILDABLE with the reason: {unbuilt}"
    )


def test_a_new_route_with_an_argument_the_scenario_has_no_record_for_is_caught(world):
    rule = Rule("/widgets/<int:widget_id>", endpoint="widgets.widget")
    Map([rule])
    assert addresses(rule, world) == []


@pytest.mark.slow
def test_no_get_request_writes_anything_but_the_refusal_log(app, world, count_writes):
    browsers = Browsers(app, world, roles=PEOPLE)
    written: list[str] = []
    never_reached: list[str] = []
    requested = 0
    for rule in get_rules(app):
        urls = addresses(rule, world)
        urls += [f"{url}?{query}" for url in urls for query in QUERIES.get(rule.endpoint, [])]
        reached = False
        for url in urls:
            for person in PEOPLE:
                with sandbox(browsers), count_writes() as writes:
                    response = browsers.clients[person].get(url)
                requested += 1
                assert response.status_code < 500, f"GET {url} as {person} answered {response.status_code}"
                reached = reached or response.status_code < 400
                if writes.besides_refusal_log:
                    statements = sorted({" ".join(s.split())[:90] for s in writes.besides_refusal_log})
                    written.append(f"GET {url} as {person} ({response.status_code}): {statements}")
        if urls and not reached:
            never_reached.append(rule.rule)
    print(f"\n{requested} GET requests")
    assert not written, "GET requests that wrote:\n" + "\n".join(written)
    # A route everyone is refused, or whose records are all missing, would pass without being read at all.
    assert not never_reached, f"Nobody reached these routes in the scenario: {never_reached}"
