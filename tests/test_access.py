"""Every route declares who may use it; the meta-test fails on any that does not."""

from datetime import timedelta

from flask import Flask

from recruit.access import public, roles, undeclared_endpoints
from recruit.clock import utcnow
from recruit.services.assessment import feedback
from recruit.services.interview import booking, offers
from tests.factories import interview_stage, offer_terms, sift_campaign
from tests.helpers import csrf_token_from, signed_in


def test_every_route_declares_its_access(app):
    assert undeclared_endpoints(app) == []


def test_an_undeclared_route_is_caught():
    app = Flask("test_only")

    @app.get("/declared")
    @public
    def declared():
        return "ok"

    @app.get("/forgotten")
    def forgotten():
        return "oops"

    @app.get("/staff")
    @roles("admin")
    def staff():
        return "ok"

    assert undeclared_endpoints(app) == ["forgotten"]


def test_role_protected_page_refuses_other_roles(forms, client, make_user):
    forms.sign_in(make_user(role="candidate"))
    response = client.get("/admin/users")
    assert response.status_code == 403
    soup_title = response.get_data(as_text=True)
    assert "You do not have permission to see this page" in soup_title


# The offer routes: who gets what. "owner" is the candidate whose application holds the offer; "other" is another
# candidate on the same merit list. A signed-out visitor is sent to sign in.
OFFER_ROUTES = {
    ("GET", "/applications/{reference}/offer"): {
        "anonymous": 302,
        "owner": 200,
        "other": 404,
        "assessor": 403,
        "admin": 403,
    },
    ("POST", "/applications/{reference}/offer"): {
        "anonymous": 302,
        "owner": 200,
        "other": 404,
        "assessor": 403,
        "admin": 403,
    },
    ("GET", "/admin/campaigns/{campaign_id}/offers/{next_reference}"): {
        "anonymous": 302,
        "owner": 403,
        "other": 403,
        "assessor": 403,
        "admin": 200,
    },
    ("POST", "/admin/campaigns/{campaign_id}/offers/{next_reference}"): {
        "anonymous": 302,
        "owner": 403,
        "other": 403,
        "assessor": 403,
        "admin": 200,
    },
}


def test_the_offer_routes_answer_each_kind_of_person_as_the_table_says(app, make_user):
    setup, chair = interview_stage(make_user(role="admin"))
    first, second = setup.applications[:2]
    offers.make_offer(setup.admin, setup.campaign, first, offer_terms())
    missing = feedback.missing_feedback(setup.campaign, "interview").items
    feedback.release(setup.admin, setup.campaign, "interview", missing_confirmed=missing)
    view = offers.merit_view(setup.campaign)
    upcoming = (view.allocation.next_offers or view.allocation.tied_at_cut)[0]
    people = {
        "anonymous": None,
        "owner": first.candidate,
        "other": second.candidate,
        "assessor": chair,
        "admin": setup.admin,
    }
    values = {"reference": first.reference, "campaign_id": setup.campaign.id, "next_reference": upcoming.reference}
    for who, person in people.items():
        browser = signed_in(app, person) if person else None
        client = browser.client if browser else app.test_client()
        token = csrf_token_from(client.get("/sign-in" if person is None else "/account").get_data(as_text=True))
        for (method, template), expected in OFFER_ROUTES.items():
            url = template.format(**values)
            response = client.open(url, method=method, data={"csrf_token": token} if method == "POST" else None)
            assert response.status_code == expected[who], f"{method} {url} as {who}: {response.status_code}"
    assert offers.offer_for(first).status == "offered" and offers.offer_for(upcoming) is None


def test_the_offer_table_covers_every_offer_route(app):
    offer_rules = {
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.endpoint in ("apply.offer", "campaigns.make_offer")
        for method in ("GET", "POST")
        if method in rule.methods
    }
    listed = {
        (method, template.replace("{", "<").replace("}", ">").replace("next_reference", "reference"))
        for method, template in OFFER_ROUTES
    }
    listed = {(method, path.replace("<campaign_id>", "<int:campaign_id>")) for method, path in listed}
    assert offer_rules == listed


# The self-service interview-time routes. "owner" has booked a time (and cancels it with the last row); "other" is
# another invited candidate of the same campaign.
INTERVIEW_TIME_ROUTES = {
    ("GET", "/applications/{reference}/interview-times"): {
        "anonymous": 302,
        "owner": 200,
        "other": 404,
        "assessor": 403,
        "admin": 403,
    },
    ("POST", "/applications/{reference}/interview-times"): {
        "anonymous": 302,
        "owner": 200,
        "other": 404,
        "assessor": 403,
        "admin": 403,
    },
    ("GET", "/admin/campaigns/{campaign_id}/interview-times"): {
        "anonymous": 302,
        "owner": 403,
        "other": 403,
        "assessor": 403,
        "admin": 200,
    },
    ("POST", "/admin/campaigns/{campaign_id}/interview-times"): {
        "anonymous": 302,
        "owner": 403,
        "other": 403,
        "assessor": 403,
        "admin": 200,
    },
    ("POST", "/admin/campaigns/{campaign_id}/interview-times/cutoff"): {
        "anonymous": 302,
        "owner": 403,
        "other": 403,
        "assessor": 403,
        "admin": 200,
    },
    ("GET", "/admin/campaigns/{campaign_id}/interview-times/{time_id}/change"): {
        "anonymous": 302,
        "owner": 403,
        "other": 403,
        "assessor": 403,
        "admin": 200,
    },
    ("POST", "/admin/campaigns/{campaign_id}/interview-times/{time_id}/change"): {
        "anonymous": 302,
        "owner": 403,
        "other": 403,
        "assessor": 403,
        "admin": 200,
    },
    ("GET", "/admin/campaigns/{campaign_id}/interview-times/{time_id}/withdraw"): {
        "anonymous": 302,
        "owner": 403,
        "other": 403,
        "assessor": 403,
        "admin": 200,
    },
    ("POST", "/admin/campaigns/{campaign_id}/interview-times/{time_id}/withdraw"): {
        "anonymous": 302,
        "owner": 403,
        "other": 403,
        "assessor": 403,
        "admin": 200,
    },
    ("POST", "/applications/{reference}/interview-times/cancel"): {
        "anonymous": 302,
        "owner": 302,
        "other": 404,
        "assessor": 403,
        "admin": 403,
    },
}


def test_the_interview_time_routes_answer_each_kind_of_person_as_the_table_says(app, make_user):
    setup = sift_campaign(make_user(role="admin"), applications=2)
    chair, _ = setup.to_interview(released=True)
    first, second = setup.applications
    time = booking.publish(
        setup.admin,
        setup.campaign,
        starts_at=utcnow() + timedelta(days=7),
        minutes=30,
        place="Room 1",
        video_link="",
    )
    booking.book(first.candidate, first, time.id)
    people = {
        "anonymous": None,
        "owner": first.candidate,
        "other": second.candidate,
        "assessor": chair,
        "admin": setup.admin,
    }
    values = {"reference": first.reference, "campaign_id": setup.campaign.id, "time_id": time.id}
    for who, person in people.items():
        browser = signed_in(app, person) if person else None
        client = browser.client if browser else app.test_client()
        token = csrf_token_from(client.get("/sign-in" if person is None else "/account").get_data(as_text=True))
        for (method, template), expected in INTERVIEW_TIME_ROUTES.items():
            url = template.format(**values)
            response = client.open(url, method=method, data={"csrf_token": token} if method == "POST" else None)
            assert response.status_code == expected[who], f"{method} {url} as {who}: {response.status_code}"
    assert booking.booked_time(first) is None  # the owner cancelled it, and no one else changed anything
    assert booking.times_of(setup.campaign) == [time]


def test_the_interview_time_table_covers_every_interview_time_route(app):
    endpoints = (
        "apply.interview_times",
        "apply.cancel_interview_time",
        "campaigns.interview_times",
        "campaigns.interview_booking_cutoff",
        "campaigns.change_interview_time",
        "campaigns.withdraw_interview_time",
    )
    rules = {
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.endpoint in endpoints
        for method in ("GET", "POST")
        if method in rule.methods
    }
    listed = {
        (
            method,
            template.replace("{reference}", "<reference>")
            .replace("{campaign_id}", "<int:campaign_id>")
            .replace("{time_id}", "<int:time_id>"),
        )
        for method, template in INTERVIEW_TIME_ROUTES
    }
    assert rules == listed


# The reasonable-adjustment routes. "owner" is the candidate who asked; "other" another candidate of the campaign;
# "assessor" chairs the campaign's panels, and sees nothing of a request but the note shared at interview.
ADJUSTMENT_ROUTES = {
    ("GET", "/applications/{reference}/adjustments"): {
        "anonymous": 302,
        "owner": 200,
        "other": 404,
        "assessor": 403,
        "admin": 403,
    },
    ("GET", "/applications/{reference}/adjustments/ask"): {
        "anonymous": 302,
        "owner": 200,
        "other": 404,
        "assessor": 403,
        "admin": 403,
    },
    ("POST", "/applications/{reference}/adjustments/ask"): {
        "anonymous": 302,
        "owner": 200,
        "other": 404,
        "assessor": 403,
        "admin": 403,
    },
    ("GET", "/admin/campaigns/{campaign_id}/adjustments"): {
        "anonymous": 302,
        "owner": 403,
        "other": 403,
        "assessor": 403,
        "admin": 200,
    },
    ("GET", "/admin/campaigns/{campaign_id}/adjustments/{adjustment_id}"): {
        "anonymous": 302,
        "owner": 403,
        "other": 403,
        "assessor": 403,
        "admin": 200,
    },
    ("POST", "/admin/campaigns/{campaign_id}/adjustments/{adjustment_id}"): {
        "anonymous": 302,
        "owner": 403,
        "other": 403,
        "assessor": 403,
        "admin": 200,
    },
}


def test_the_adjustment_routes_answer_each_kind_of_person_as_the_table_says(app, make_user):
    from recruit.services.applications import adjustments

    setup = sift_campaign(make_user(role="admin"), applications=2)
    first, second = setup.applications
    asked = adjustments.ask(first.candidate, first, "extra_time", "Extra time, please")
    people = {
        "anonymous": None,
        "owner": first.candidate,
        "other": second.candidate,
        "assessor": setup.chair,
        "admin": setup.admin,
    }
    values = {"reference": first.reference, "campaign_id": setup.campaign.id, "adjustment_id": asked.id}
    for who, person in people.items():
        browser = signed_in(app, person) if person else None
        client = browser.client if browser else app.test_client()
        token = csrf_token_from(client.get("/sign-in" if person is None else "/account").get_data(as_text=True))
        for (method, template), expected in ADJUSTMENT_ROUTES.items():
            url = template.format(**values)
            response = client.open(url, method=method, data={"csrf_token": token} if method == "POST" else None)
            assert response.status_code == expected[who], f"{method} {url} as {who}: {response.status_code}"
    # The posts were empty: nothing was asked or answered.
    assert [(request.id, request.outcome) for request in adjustments.requests_for(first)] == [(asked.id, None)]
    assert adjustments.requests_for(second) == []


def test_the_adjustment_table_covers_every_adjustment_route(app):
    endpoints = ("apply.adjustments", "apply.ask_adjustment", "campaigns.adjustments", "campaigns.adjustment")
    rules = {
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.endpoint in endpoints
        for method in ("GET", "POST")
        if method in rule.methods
    }
    listed = {
        (
            method,
            template.replace("{reference}", "<reference>")
            .replace("{campaign_id}", "<int:campaign_id>")
            .replace("{adjustment_id}", "<int:adjustment_id>"),
        )
        for method, template in ADJUSTMENT_ROUTES
    }
    assert rules == listed
