"""Admin pages and actions are for admins: assessors and candidates are refused every one of them."""

import pytest

from tests.factories import draft_campaign
from tests.helpers import csrf_token_from


def admin_urls(app, campaign, criterion, other_user):
    values = {
        "campaign_id": campaign.id,
        "criterion_id": criterion.id,
        "user_id": other_user.id,
        "stage": "sift",
        "target": "open",
        "direction": "up",
        "reference": "RC-AAAAAA",
        "offer_id": 1,
        "message_id": 1,
        "adjustment_id": 1,
        "application_id": 1,
        "time_id": 1,
    }
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.split(".")[0] in ("admin", "campaigns"):
            url = rule.build({k: values[k] for k in rule.arguments})[1]
            for method in ("GET", "POST") if "POST" in rule.methods else ("GET",):
                if method in rule.methods:
                    found.append((method, url))
    return found


@pytest.mark.parametrize("role", ["assessor", "candidate"])
def test_non_admins_are_refused_every_admin_route(app, forms, client, make_user, role):
    admin = make_user(role="admin")
    campaign = draft_campaign(admin)
    user = make_user(role=role)
    forms.sign_in(user)
    token = csrf_token_from(client.get("/account").get_data(as_text=True))
    routes = admin_urls(app, campaign, campaign.criteria[0], admin)
    assert len(routes) >= 20
    for method, url in routes:
        response = client.open(url, method=method, data={"csrf_token": token} if method == "POST" else None)
        assert response.status_code == 403, f"{method} {url}"


def test_anonymous_visitors_are_sent_to_sign_in(app, client, make_user):
    admin = make_user(role="admin")
    campaign = draft_campaign(admin)
    for method, url in admin_urls(app, campaign, campaign.criteria[0], admin):
        if method == "GET":
            response = client.get(url)
            assert response.status_code == 302 and response.location.startswith("/sign-in"), url


def test_records_that_do_not_exist_or_belong_elsewhere_are_not_found(forms, client, make_user):
    admin = make_user(role="admin")
    forms.sign_in(admin)
    first, second = draft_campaign(admin), draft_campaign(admin)
    assert client.get("/admin/campaigns/999999").status_code == 404
    # A criterion of one campaign cannot be reached through another.
    assert client.get(f"/admin/campaigns/{first.id}/criteria/{second.criteria[0].id}").status_code == 404
    assert client.get(f"/admin/campaigns/{first.id}/panels/lunch").status_code == 404
