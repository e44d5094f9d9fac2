"""The sift stays blind and stays with its panel (DESIGN §6, §8), in a fixed number of queries.

Blindness: no candidate's name, email or phone on any page an assessor or the chair can reach,
and no other assessor's score before one's own is in. Access: a walk over every scoring and
moderation route, as everyone who might try it. Query counts: the same for 10 and 1,000 applications,
at the sift and at interview (where the panel sees names).
"""

from __future__ import annotations

from collections import deque
from urllib.parse import urlsplit

from bs4 import BeautifulSoup
from sqlalchemy import select

from recruit.extensions import db
from recruit.models import Application, BenchmarkAnswer, Campaign, User
from recruit.services.assessment import agreement, scoring
from tests.factories import SiftSetup, add_applications, add_scores, score, sift_campaign
from tests.helpers import found_in, parse, signed_in, statements_for

# -- helpers ---------------------------------------------------------------------------------------


def another_sift(admin: User) -> SiftSetup:
    """A second campaign at the sift with its own panel (its applications, if any, come from add_applications:
    sift_campaign's candidates would clash with the first campaign's)."""
    return sift_campaign(admin, applications=0, members=1)


# -- blindness ------------------------------------------------------------------------------------


def personal_details(applications) -> list[str]:
    """What would identify the candidates: their names, emails and phone numbers."""
    return [
        value
        for a in applications
        for value in (a.personal_details.full_name, a.personal_details.email, a.personal_details.phone)
    ]


def crawl(app, client, start: list[str], follow=lambda endpoint: True) -> dict[str, object]:
    """GET the start pages and every scoring and moderation page they link to, and on; each must answer 200."""
    adapter = app.url_map.bind("localhost")
    pages, queue = {}, deque(start)
    while queue:
        url = queue.popleft()
        if url in pages:
            continue
        response = client.get(url)
        assert response.status_code == 200, f"{url} answered {response.status_code}"
        pages[url] = response
        for link in parse(response).select("a[href]"):
            href = link["href"]
            if href.startswith(("/assess", "/moderate")) and href not in pages and follow(endpoint_of(adapter, href)):
                queue.append(href)
    return pages


def endpoint_of(adapter, url: str) -> str:
    return adapter.match(urlsplit(url).path, method="GET")[0]


def rationale(who: str, application: Application, code: str) -> str:
    return f"RATIONALE-{who}-{application.reference}-{code}"


def scored_sift(admin: User):
    """Three applications, two criteria, a chair and two members part-way through the sift.

    The second member has submitted every item. The first member has submitted (a1, c1) and (a2, c1),
    has a draft for (a1, c2) and has declared a conflict with a3. The chair has submitted (a1, c1) and
    (a2, c1), and agreed (a1, c1).
    """
    setup = sift_campaign(admin, applications=3, members=2, keep_criteria=2)
    campaign, chair, (first, second) = setup.campaign, setup.chair, setup.members
    a1, a2, a3 = setup.applications
    c1, c2 = campaign.criteria_at("sift")
    ticks = {c.code: scoring.indicator_choices(c) for c in (c1, c2)}
    for application in setup.applications:
        for criterion in (c1, c2):
            lists = ticks[criterion.code]
            score(
                second,
                setup,
                application,
                criterion.code,
                2,
                rationale("SECOND", application, criterion.code),
                ticked=[lists["effective"][0].id, lists["ineffective"][0].id],
            )
    own_tick = [ticks[c1.code]["effective"][1].id]
    score(first, setup, a1, c1.code, 6, rationale("FIRST", a1, c1.code), ticked=own_tick)
    score(first, setup, a1, c2.code, 5, rationale("FIRST", a1, c2.code), submit=False)
    score(first, setup, a2, c1.code, 2, rationale("FIRST", a2, c1.code))
    scoring.declare(first, campaign, a3, "sift", True, "I managed this candidate.")
    score(chair, setup, a1, c1.code, 4, rationale("CHAIR", a1, c1.code))
    score(chair, setup, a2, c1.code, 2, rationale("CHAIR", a2, c1.code))
    agreement.agree(chair, campaign, a1, c1, "sift", 4, "AGREED after discussion of the evidence.")
    return setup, own_tick


def scoring_urls(campaign: Campaign, applications) -> list[str]:
    base = f"/assess/{campaign.id}/sift"
    return [
        url
        for a in applications
        for url in (
            f"{base}/{a.reference}",
            f"{base}/{a.reference}/conflict",
            *(f"{base}/{a.reference}/{c.code}" for c in campaign.criteria_at("sift")),
        )
    ]


def moderation_urls(campaign: Campaign, applications) -> list[str]:
    base = f"/moderate/{campaign.id}/sift"
    return [
        *(f"{base}?view={view}" for view in ("all", "discrepant", "awaiting", "agreed")),
        f"{base}/results",
        *(
            url
            for a in applications
            for c in campaign.criteria_at("sift")
            for url in (f"{base}/items/{a.reference}/{c.code}", f"{base}/items/{a.reference}/{c.code}/history")
        ),
    ]


def test_no_page_an_assessor_or_the_chair_can_reach_shows_who_the_candidate_is(app, make_user):
    setup, _ = scored_sift(make_user(role="admin"))
    campaign, applications = setup.campaign, setup.applications
    secrets = personal_details(applications)
    assert len(secrets) == 9 and "candidate1@example.org" in secrets

    member = signed_in(app, setup.members[0])
    pages = crawl(app, member.client, ["/assess", *scoring_urls(campaign, applications)])
    # Pages shown again after a form is refused are pages an assessor reaches too.
    (a1, a2, _), c2 = applications, campaign.criteria_at("sift")[1]
    refused = {
        "score without a rationale": member.submit(
            f"/assess/{campaign.id}/sift/{a1.reference}/{c2.code}",
            {"value": "3", "submit_score": "Submit score", "version": "1"},
        ),
        "conflict without a reason": member.submit(f"/assess/{campaign.id}/sift/{a1.reference}/conflict"),
        "application without its scores": member.submit(
            f"/assess/{campaign.id}/sift/{a1.reference}", {f"{c2.code}-version": "1", "submit_scores": "Submit scores"}
        ),
        "one criterion of an application saved on its own": member.submit(
            f"/assess/{campaign.id}/sift/{a2.reference}",
            {f"{c2.code}-version": "0", f"{c2.code}-value": "3", "save": c2.code},
        ),
    }
    assert all(response.status_code == 200 for response in refused.values())
    chair = signed_in(app, setup.chair).client
    chair_pages = crawl(
        app, chair, ["/assess", *scoring_urls(campaign, applications), *moderation_urls(campaign, applications)]
    )

    adapter = app.url_map.bind("localhost")
    reached = {endpoint_of(adapter, url) for url in [*pages, *chair_pages]}
    assert reached == {
        "assess.dashboard",
        "assess.work",
        "assess.application",
        "assess.score",
        "assess.conflict",
        "moderate.board_view",
        "moderate.confirm_all",
        "moderate.item",
        "moderate.score_history",
        "moderate.results_page",
        "moderate.sign_off",
        "moderate.feedback_overview",
        "moderate.candidate_feedback_page",
        "moderate.quality_page",
    }
    assert any("by=criterion" in url for url in pages), "the criterion-by-criterion lists were not walked"
    leaks = {
        url: found_in(response, secrets) for url, response in [*pages.items(), *refused.items(), *chair_pages.items()]
    }
    assert {url: found for url, found in leaks.items() if found} == {}


def checked(soup: BeautifulSoup) -> tuple[set[str], set[int], str]:
    """What a scoring form shows as chosen: the score, the ticked indicators, the rationale."""
    value = {i["value"] for i in soup.select("input[name=value][checked]")}
    ticks = {int(i["value"]) for i in soup.select("input[name=effective][checked], input[name=ineffective][checked]")}
    return value, ticks, soup.select_one("textarea[name=rationale]").get_text().strip()


def test_an_assessor_never_sees_another_assessors_score_rationale_or_ticks(app, make_user):
    setup, own_tick = scored_sift(make_user(role="admin"))
    campaign, (a1, a2, a3) = setup.campaign, setup.applications
    c1, c2 = (c.code for c in campaign.criteria_at("sift"))
    member = signed_in(app, setup.members[0]).client
    pages = crawl(app, member, ["/assess", *scoring_urls(campaign, setup.applications)])

    others = ["RATIONALE-SECOND", "RATIONALE-CHAIR"]
    assert {url: found for url, response in pages.items() if (found := found_in(response, others))} == {}
    base = f"/assess/{campaign.id}/sift"
    own = {
        (a1, c1): ({"6"}, set(own_tick), rationale("FIRST", a1, c1)),
        (a1, c2): ({"5"}, set(), rationale("FIRST", a1, c2)),
        (a2, c1): ({"2"}, set(), rationale("FIRST", a2, c1)),
    }
    for application in (a1, a2, a3):
        whole = parse(pages[f"{base}/{application.reference}"])
        for code in (c1, c2):
            form = checked(parse(pages[f"{base}/{application.reference}/{code}"]))
            assert form == own.get((application, code), (set(), set(), "")), (application.reference, code)
            # The page for the whole application shows the same, criterion by criterion, and no more; the agreed
            # item (a1, c1) read only.
            if application is a1 and code == c1:
                shown = whole.select_one(f"#own-score-{code}").get_text(" ", strip=True)
                assert shown == f"Your score 6 Your rationale {rationale('FIRST', a1, c1)}"
            elif application is not a3:
                assert checked_on_the_application_page(whole, code) == form, (application.reference, code)
    progress = {
        a.reference: [
            cell.get_text(strip=True)
            for cell in parse(pages[f"{base}/{a.reference}"]).select("#criteria tbody td:nth-child(2)")
        ]
        for a in (a1, a2)
    }
    assert progress == {a1.reference: ["Submitted: 6", "Draft"], a2.reference: ["Submitted: 2", "Not started"]}
    assert parse(pages[f"{base}/{a3.reference}"]).select_one("#conflict-notice") is not None


def checked_on_the_application_page(soup: BeautifulSoup, code: str) -> tuple[set[str], set[int], str]:
    """What the page for a whole application shows as chosen for one criterion, as `checked` reads it."""
    section = soup.select_one(f"#criterion-{code}")
    value = {i["value"] for i in section.select(f"input[name={code}-value][checked]")}
    ticks = {
        int(i["value"])
        for i in section.select(f"input[name={code}-effective][checked], input[name={code}-ineffective][checked]")
    }
    return value, ticks, section.select_one(f"textarea[name={code}-rationale]").get_text().strip()


def board_row(soup: BeautifulSoup, application: Application, code: str) -> list[str]:
    row = soup.select_one(f'tr[data-item="{application.reference}/{code}"]')
    return [cell.get_text(" ", strip=True) for cell in row.select("td")[2:5]]


def test_the_chair_sees_other_scores_for_an_item_only_once_their_own_is_submitted(app, make_user):
    setup, _ = scored_sift(make_user(role="admin"))
    campaign, chair, (a1, a2, a3) = setup.campaign, setup.chair, setup.applications
    c1, c2 = (c.code for c in campaign.criteria_at("sift"))
    client = signed_in(app, chair).client
    pages = crawl(app, client, ["/assess", *moderation_urls(campaign, setup.applications)])
    base = f"/moderate/{campaign.id}/sift"

    board = parse(pages[f"{base}?view=all"])
    scores, spread, proposal = board_row(board, a1, c1)
    assert (sorted(scores.split(", ")), spread, proposal) == (["2", "4", "6"], "4", "4")
    scores, spread, proposal = board_row(board, a2, c1)
    assert (scores, spread, proposal) == ("2, 2, 2", "0", "2")
    hidden = [(a1, c2), (a2, c2), (a3, c1), (a3, c2)]
    for application, code in hidden:
        scores, spread, proposal = board_row(board, application, code)
        assert (scores.startswith("Submit your own score first"), spread, proposal) == (True, "", ""), code
        item = parse(pages[f"{base}/items/{application.reference}/{code}"])
        assert item.select("[data-assessor]") == [] and item.select_one("#proposal") is None
    # The other assessors' rationales for an item appear on no page until the chair has submitted their own.
    secret = [rationale(who, a, code) for a, code in hidden for who in ("FIRST", "SECOND")]
    assert {url: found for url, response in pages.items() if (found := found_in(response, secret))} == {}
    # For the items the chair has scored they do appear: the check above can see them.
    item = pages[f"{base}/items/{a1.reference}/{c1}"]
    assert found_in(item, [rationale("FIRST", a1, c1), rationale("SECOND", a1, c1)]) == [
        rationale("FIRST", a1, c1),
        rationale("SECOND", a1, c1),
    ]
    assert found_in(pages[f"{base}/items/{a1.reference}/{c1}/history"], [rationale("SECOND", a1, c1)])

    # Once the chair submits (a1, c2), the second member's submitted score shows; the first member's draft does not.
    score(chair, setup, a1, c2, 3, rationale("CHAIR", a1, c2))
    item = client.get(f"{base}/items/{a1.reference}/{c2}")
    history = client.get(f"{base}/items/{a1.reference}/{c2}/history")
    board = parse(client.get(f"{base}?view=all"))
    assert sorted(board_row(board, a1, c2)[0].split(", ")) == ["2", "3"]
    for page in (item, history):
        assert found_in(page, [rationale("SECOND", a1, c2), rationale("FIRST", a1, c2)]) == [
            rationale("SECOND", a1, c2)
        ]


def test_pages_of_every_work_list_and_board_view_stay_blind(app, make_user):
    admin = make_user(role="admin")
    setup = sift_campaign(admin, applications=1, members=1, keep_criteria=2)
    campaign, chair, member = setup.campaign, setup.chair, setup.members[0]
    added = [application_id for application_id, _ in add_applications(campaign, 120, start=2)]
    # More than a page of items in each of the board's views: 30 applications agreed, 30 ready to confirm,
    # 30 discrepant and 30 awaiting a score (two criteria each).
    agreed, ready, discrepant, awaiting = added[:30], added[30:60], added[60:90], added[90:]
    add_scores(campaign, agreed + ready, setup.assessors, value=5)
    add_scores(campaign, discrepant, [chair], value=2)
    add_scores(campaign, discrepant + awaiting, [member], value=6)
    applications = [
        setup.applications[0],
        *db.session.scalars(select(Application).where(Application.id.in_(added))),
    ]
    secrets = personal_details(applications)
    assert len(secrets) == 121 * 3
    agreement.confirm_all_proposals(chair, campaign, "sift", [a for a in applications if a.id in agreed])
    lists = {
        "assess.dashboard",
        "assess.work",
        "moderate.board_view",
        "moderate.results_page",
        "moderate.feedback_overview",
    }

    pages = crawl(app, signed_in(app, member).client, ["/assess"], follow=lists.__contains__)
    chair_pages = crawl(
        app, signed_in(app, chair).client, ["/assess", f"/moderate/{campaign.id}/sift"], follow=lists.__contains__
    )

    codes = [c.code for c in campaign.criteria_at("sift")]
    second_pages = {url for url in [*pages, *chair_pages] if "page=2" in url}
    assert any("/assess/" in url and "by=" not in url for url in second_pages)
    for code in codes:
        assert any(f"criterion={code}" in url for url in second_pages), f"no second page of {code}"
    for view in ("all", "discrepant", "ready", "awaiting", "agreed"):
        assert any("/sift?" in url and f"view={view}" in url for url in second_pages), f"no second page of {view}"
    assert any("/sift/feedback?" in url for url in second_pages), "no second page of the feedback overview"
    assert len(parse(chair_pages[f"/moderate/{campaign.id}/sift/results"]).select("#results tbody tr")) == 30
    leaks = {url: found_in(response, secrets) for url, response in [*pages.items(), *chair_pages.items()]}
    assert {url: found for url, found in leaks.items() if found} == {}


# -- query counts ----------------------------------------------------------------------------------


def test_dashboard_scoring_page_and_board_run_the_same_queries_for_10_and_1000_applications(app, make_user):
    setup = sift_campaign(make_user(role="admin"), applications=10, members=2)
    campaign, chair, member = setup.campaign, setup.chair, setup.members[0]
    codes = [c.code for c in campaign.criteria_at("sift")]
    first, second = setup.applications[:2]
    # Real scores through the service, so every branch of the pages has something to show.
    for assessor, value in zip(setup.assessors, (3, 6, 4)):
        score(assessor, setup, first, codes[0], value)
        score(assessor, setup, second, codes[0], 5)
    score(member, setup, first, codes[1], 4, submit=False)
    agreement.agree(chair, campaign, first, campaign.criteria_at("sift")[0], "sift", 4, "Agreed after discussion.")
    add_scores(campaign, [a.id for a in setup.applications[2:]], [member])

    urls = {
        "dashboard": ("member", "/assess"),
        "scoring page": ("member", f"/assess/{campaign.id}/sift/{first.reference}/{codes[0]}"),
        "application page": ("member", f"/assess/{campaign.id}/sift/{first.reference}"),
        "one answer of many": ("member", f"/assess/{campaign.id}/sift/{second.reference}/{codes[1]}?by=criterion"),
        "work list": ("member", f"/assess/{campaign.id}/sift"),
        "work list of drafts": ("member", f"/assess/{campaign.id}/sift?show=drafts"),
        "moderation board": ("chair", f"/moderate/{campaign.id}/sift"),
        "panel quality": ("chair", f"/moderate/{campaign.id}/sift/quality"),
    }
    clients = {"member": signed_in(app, member).client, "chair": signed_in(app, chair).client}
    ids = campaign.id, chair.id, member.id, setup.members[1].id
    small = {name: statements_for(clients[who], url) for name, (who, url) in urls.items()}

    campaign, chair, member, other = (db.session.get(kind, id_) for kind, id_ in zip((Campaign, User, User, User), ids))
    added = add_applications(campaign, 990, start=11)
    add_scores(campaign, [application_id for application_id, _ in added[:600]], [member])
    add_scores(campaign, [application_id for application_id, _ in added[:300]], [chair, other], value=4)
    large = {name: statements_for(clients[who], url) for name, (who, url) in urls.items()}

    assert large == small, f"statements for 10 applications: {small}; for 1,000: {large}"


def test_interview_pages_with_names_run_the_same_queries_for_10_and_1000_candidates(app, make_user):
    """At interview the panel sees names: reading them must not cost a query per row."""
    setup = sift_campaign(make_user(role="admin"), applications=10, members=1)
    campaign = setup.campaign
    chair, member = setup.to_interview()
    first = setup.applications[0]
    scoring.declare(member, campaign, first, "interview", False, "")
    code = campaign.criteria_at("interview")[0].code

    urls = {
        "dashboard": ("member", "/assess"),
        "work list": ("member", f"/assess/{campaign.id}/interview"),
        "scoring page": ("member", f"/assess/{campaign.id}/interview/{first.reference}/{code}"),
        "application page": ("member", f"/assess/{campaign.id}/interview/{first.reference}"),
        "moderation board": ("chair", f"/moderate/{campaign.id}/interview"),
    }
    clients = {"member": signed_in(app, member).client, "chair": signed_in(app, chair).client}
    campaign_id = campaign.id
    small = {name: statements_for(clients[who], url) for name, (who, url) in urls.items()}
    add_applications(db.session.get(Campaign, campaign_id), 990, start=11, status="sift_passed")
    large = {name: statements_for(clients[who], url) for name, (who, url) in urls.items()}

    assert large == small, f"statements for 10 candidates: {small}; for 1,000: {large}"


# -- access ----------------------------------------------------------------------------------------

# Who gets what from each scoring and moderation route, on a campaign at the sift whose first item is
# agreed. Every POST carries a valid CSRF token and nothing else, so it is the access check that answers:
# allowed ones reach the view (an empty form, a locked item, a refused action); refused ones write nothing.
SIGN_IN = "sign-in"
MEMBER_SCORING = {"GET": 200, "POST": 200}
EXPECTED = {
    # endpoint: {role: status for GET, or {method: status}}
    "assess.dashboard": {"member": 200, "chair": 200, "other assessor": 200, "candidate": 403, "admin": 403},
    "assess.work": {"member": 200, "chair": 200, "other assessor": 404, "candidate": 403, "admin": 403},
    # An empty POST saves nothing, and says so on the page it redirects to.
    "assess.application": {
        "member": {"GET": 200, "POST": 302},
        "chair": {"GET": 200, "POST": 302},
        "other assessor": 404,
        "candidate": 403,
        "admin": 403,
    },
    "assess.score": {
        "member": MEMBER_SCORING,
        "chair": MEMBER_SCORING,
        "other assessor": 404,
        "candidate": 403,
        "admin": 403,
    },
    "assess.conflict": {
        "member": MEMBER_SCORING,
        "chair": MEMBER_SCORING,
        "other assessor": 404,
        "candidate": 403,
        "admin": 403,
    },
    # The calibration round (a benchmark answer on record; the sift has started, so the round is closed: forms are
    # refused on the page). Its comparison and changes are the chair's and admins'; a member scores on their own.
    "assess.calibration": {"member": 200, "chair": 200, "other assessor": 404, "candidate": 403, "admin": 200},
    "assess.add_benchmark": {"member": 404, "chair": 200, "other assessor": 404, "candidate": 403, "admin": 200},
    "assess.edit_benchmark": {"member": 404, "chair": 200, "other assessor": 404, "candidate": 403, "admin": 200},
    "assess.remove_benchmark": {"member": 404, "chair": 200, "other assessor": 404, "candidate": 403, "admin": 200},
    "assess.score_benchmark": {"member": 200, "chair": 200, "other assessor": 404, "candidate": 403, "admin": 403},
    "assess.compare_benchmark": {"member": 404, "chair": 200, "other assessor": 404, "candidate": 403, "admin": 200},
    "assess.start_sift": {"member": 404, "chair": 200, "other assessor": 404, "candidate": 403, "admin": 403},
    "moderate.board_view": {"member": 403, "chair": 200, "other assessor": 403, "candidate": 403, "admin": 403},
    # A GET shows what confirming every proposal would do; only the POST from its button confirms them.
    "moderate.confirm_all": {
        "member": 403,
        "chair": {"GET": 200, "POST": 302},
        "other assessor": 403,
        "candidate": 403,
        "admin": 403,
    },
    # Admins see every item; they agree only those the chair may not moderate, and are told so on the page for
    # the rest (DESIGN §6, "Who may moderate what"). A deputy chair's access is in test_moderation_rights.py.
    "moderate.item": {
        "member": 403,
        "chair": {"GET": 200, "POST": 200},
        "other assessor": 403,
        "candidate": 403,
        "admin": 200,
    },
    # DESIGN §6: "Reopening needs the chair or an admin and a reason".
    "moderate.reopen": {"member": 403, "chair": 302, "other assessor": 403, "candidate": 403, "admin": 302},
    "moderate.score_history": {"member": 403, "chair": 200, "other assessor": 403, "candidate": 403, "admin": 200},
    # The page per criterion that feedback was once written on leads to the candidate's page (the chair), or back to
    # the item with the reason (an admin, who writes it only where the chair may not).
    "moderate.write_feedback": {"member": 403, "chair": 302, "other assessor": 403, "candidate": 403, "admin": 302},
    # A candidate's feedback, every criterion on one page: the chair's to write (a form with nothing but its token
    # changes nothing); an admin reads it, and is refused on the page.
    "moderate.candidate_feedback_page": {
        "member": 403,
        "chair": {"GET": 200, "POST": 302},
        "other assessor": 403,
        "candidate": 403,
        "admin": {"GET": 200, "POST": 200},
    },
    # Whose feedback is complete: for the chair (from the board) and admins (from the release step).
    "moderate.feedback_overview": {"member": 403, "chair": 200, "other assessor": 403, "candidate": 403, "admin": 200},
    "moderate.results_page": {"member": 403, "chair": 200, "other assessor": 403, "candidate": 403, "admin": 200},
    # DESIGN §11: the panel quality figures are the chair's and admins' only.
    "moderate.quality_page": {"member": 403, "chair": 200, "other assessor": 403, "candidate": 403, "admin": 200},
    # The sift decision is the admin's (DESIGN §1: admins run the stages); sign-off is the chair's.
    "moderate.decision": {"member": 403, "chair": 403, "other assessor": 403, "candidate": 403, "admin": 302},
    # A GET shows what signing off fixes; only the POST from its button signs off.
    "moderate.sign_off": {
        "member": 403,
        "chair": {"GET": 200, "POST": 302},
        "other assessor": 403,
        "candidate": 403,
        "admin": 403,
    },
    "moderate.finish_presift": {"member": 403, "chair": 302, "other assessor": 403, "candidate": 403, "admin": 302},
}
ROLES = ("member", "chair", "other assessor", "candidate", "admin", "anonymous")


def expected_status(endpoint: str, role: str, method: str):
    if role == "anonymous":
        return SIGN_IN
    wanted = EXPECTED[endpoint][role]
    return wanted[method] if isinstance(wanted, dict) else wanted


def csrf_token(client) -> str:
    """A valid token for this client's session: signed-in pages carry one in the sign-out form."""
    for url in ("/frameworks", "/sign-in"):
        field = parse(client.get(url)).select_one("input[name=csrf_token]")
        if field is not None:
            return field["value"]
    raise AssertionError("no page gave a CSRF token")


def sift_routes(app) -> list[tuple[str, str, object]]:
    """Every (endpoint, method, rule) of the scoring and moderation blueprints."""
    return sorted(
        (
            (rule.endpoint, method, rule)
            for rule in app.url_map.iter_rules()
            if rule.endpoint.split(".")[0] in ("assess", "moderate")
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"})
        ),
        key=lambda r: r[:2],
    )


def test_every_scoring_and_moderation_route_admits_only_the_panel_and_its_chair(app, make_user, count_writes):
    admin = make_user(role="admin")
    setup = sift_campaign(admin, applications=2, members=1, keep_criteria=2)
    other = another_sift(admin)
    campaign, (first, _) = setup.campaign, setup.applications
    criterion = campaign.criteria_at("sift")[0]
    for assessor in setup.assessors:
        score(assessor, setup, first, criterion.code, 5)
    agreement.agree(setup.chair, campaign, first, criterion, "sift", 5, "")
    benchmark = BenchmarkAnswer(
        campaign_id=campaign.id,
        criterion_id=criterion.id,
        label="Benchmark A",
        text="A model answer.",
        created_by_id=admin.id,
    )
    db.session.add(benchmark)
    db.session.commit()

    people = {
        "member": setup.members[0],
        "chair": setup.chair,
        "other assessor": other.members[0],
        "candidate": first.candidate,
        "admin": admin,
    }
    clients = {role: signed_in(app, person).client for role, person in people.items()}
    clients["anonymous"] = app.test_client()
    tokens = {role: csrf_token(client) for role, client in clients.items()}
    values = {
        "campaign_id": campaign.id,
        "stage": "sift",
        "reference": first.reference,
        "code": criterion.code,
        "benchmark_id": benchmark.id,
    }
    adapter = app.url_map.bind("localhost")

    routes = sift_routes(app)
    assert {endpoint for endpoint, _, _ in routes} == set(EXPECTED), "a new route needs its expected access here"
    answers = []
    for endpoint, method, rule in routes:
        url = adapter.build(endpoint, {name: values[name] for name in rule.arguments})
        for role in ROLES:
            with count_writes() as writes:
                if method == "GET":
                    response = clients[role].get(url)
                else:
                    response = clients[role].post(url, data={"csrf_token": tokens[role]})
            wanted = expected_status(endpoint, role, method)
            if wanted == SIGN_IN:
                got = (
                    SIGN_IN if response.status_code == 302 and "/sign-in" in response.location else response.status_code
                )
            else:
                got = response.status_code
                assert not (got == 302 and "/sign-in" in response.location), f"{role} was signed out"
            answers.append((method, url, role, got, wanted))
            if wanted in (SIGN_IN, 403, 404):
                # A refusal is recorded in the audit log (access.denied); nothing else is written.
                assert writes.besides_refusal_log == [], f"{method} {url} as {role} wrote {writes.statements}"
    wrong = [answer for answer in answers if answer[3] != answer[4]]
    assert wrong == [], "\n".join(f"{m} {u} as {r}: got {g}, expected {w}" for m, u, r, g, w in wrong)


def test_no_record_is_reachable_by_changing_an_id_in_the_url(app, make_user):
    admin = make_user(role="admin")
    setup = sift_campaign(admin, applications=1, members=1, keep_criteria=1)
    other = another_sift(admin)
    campaign, application = setup.campaign, setup.applications[0]
    code = campaign.criteria_at("sift")[0].code
    ((_, draft),) = add_applications(campaign, 1, start=50, status="draft")
    ((_, withdrawn),) = add_applications(campaign, 1, start=51, status="withdrawn")
    ((_, foreign),) = add_applications(other.campaign, 1, start=100)
    removed = next(c.code for c in other.campaign.criteria if c.code not in {k.code for k in campaign.criteria})
    base = f"{campaign.id}/sift"
    unreachable = [
        *(f"/assess/{base}/{reference}" for reference in (foreign, draft, withdrawn, "RC-ZZZZZZ", "x" * 30)),
        *(f"/assess/{base}/{reference}/{code}" for reference in (foreign, draft, withdrawn)),
        *(f"/assess/{base}/{reference}/conflict" for reference in (foreign, draft, withdrawn)),
        f"/assess/{base}/{application.reference}/{removed}",
        f"/assess/{campaign.id}/interview",
        f"/assess/{campaign.id}/bogus",
        "/assess/999999/sift",
        *(f"/moderate/{base}/items/{reference}/{code}" for reference in (foreign, draft, withdrawn)),
        *(f"/moderate/{base}/items/{reference}/{code}/history" for reference in (foreign, draft, withdrawn)),
        f"/moderate/{base}/items/{application.reference}/{removed}",
        f"/moderate/{campaign.id}/bogus",
        f"/moderate/{campaign.id}/bogus/results",
        "/moderate/999999/sift",
    ]
    chair = signed_in(app, setup.chair).client
    answers = {url: chair.get(url).status_code for url in unreachable}
    assert answers == dict.fromkeys(unreachable, 404)
    # Not the chair of a stage without a panel: refused like any other stage they do not chair.
    assert chair.get(f"/moderate/{campaign.id}/interview").status_code == 403
    # The chair of the other campaign reaches none of this campaign's moderation.
    other_chair = signed_in(app, other.chair).client
    for url in (
        f"/moderate/{base}",
        f"/moderate/{base}/items/{application.reference}/{code}",
        f"/moderate/{base}/results",
    ):
        assert other_chair.get(url).status_code == 403, url
    dashboard = parse(other_chair.get("/assess"))
    assert [row["data-campaign"] for row in dashboard.select("#panels tr[data-campaign]")] == [other.campaign.reference]
