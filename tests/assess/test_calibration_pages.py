"""The calibration round's pages (DESIGN §11): the round's page, adding, changing and removing benchmark answers,
scoring them in the scoring screen, the chair's comparison and agreed score, and the chair starting the sift; with
who reaches each page, and what a member who is not the chair never sees."""

from __future__ import annotations

import pytest

from recruit.extensions import db
from recruit.services.assessment import calibration
from recruit.services.assessment.scoring import ScoreInput
from tests.factories import UserFactory, closed_campaign
from tests.helpers import Forms, PageForm, error_messages, parse, signed_in

TEXT = "I planned the office move with the team and checked progress each week."


@pytest.fixture
def setup(admin):
    return closed_campaign(admin)


@pytest.fixture
def benchmark(setup):
    return calibration.add_benchmark(
        setup.admin, setup.campaign, setup.campaign.criteria_at("sift")[0].id, "Benchmark A", TEXT
    )


def mark(person, setup, benchmark, value, rationale="Shows the indicators."):
    calibration.save_score(
        person,
        setup.campaign,
        benchmark,
        ScoreInput(value=value, ticked=[], rationale=rationale),
        submit=True,
        version=None,
        confirmed=True,
    )


def base(setup) -> str:
    return f"/assess/{setup.campaign.id}/calibration"


# -- adding, changing and removing --------------------------------------------------------------------------------


def test_the_admin_adds_a_benchmark_answer_from_the_round_page(app, setup):
    browser = signed_in(app, setup.admin)
    page = parse(browser.client.get(base(setup)))
    assert page.select_one("a#add-benchmark")["href"] == f"{base(setup)}/add"
    criterion = setup.campaign.criteria_at("sift")[1]
    response = browser.submit(
        f"{base(setup)}/add", {"criterion": str(criterion.id), "label": "Benchmark A", "text": TEXT}
    )
    assert response.status_code == 302
    [added] = calibration.benchmarks(setup.campaign)
    assert (added.label, added.criterion_id, added.text) == ("Benchmark A", criterion.id, TEXT)
    page = parse(browser.client.get(base(setup)))
    assert page.select_one(f"table[data-criterion={criterion.code}] tr[data-benchmark='Benchmark A']") is not None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"text": ""}, "Enter the benchmark answer"),
        ({"text": "x" * 10001}, "The benchmark answer must be 10000 characters or fewer"),
        ({"label": ""}, "Enter a label for the benchmark answer"),
        ({"label": "x" * 61}, "The label must be 60 characters or fewer"),
        ({"criterion": "999999"}, "Select a criterion assessed at the sift"),
        ({"criterion": "not a number"}, "Select a criterion assessed at the sift"),
        ({"criterion": ""}, "Select a criterion assessed at the sift"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(app, setup, data, message):
    browser = signed_in(app, setup.chair)
    sent = {"criterion": str(setup.campaign.criteria_at("sift")[0].id), "label": "Benchmark A", "text": TEXT, **data}
    response = browser.submit(f"{base(setup)}/add", sent)
    assert response.status_code == 200
    assert message in error_messages(parse(response))
    assert calibration.benchmarks(setup.campaign) == []


def test_the_chair_changes_and_removes_a_benchmark_answer(app, setup, benchmark):
    browser = signed_in(app, setup.chair)
    form = PageForm(browser.client, f"{base(setup)}/{benchmark.id}/edit").set("label", "Model answer")
    # A select's choice is set as a browser would send it.
    form.set("criterion", str(benchmark.criterion_id))
    assert form.press("submit", "Save benchmark answer").status_code == 302
    assert benchmark.label == "Model answer"
    response = browser.submit(f"{base(setup)}/{benchmark.id}/remove")
    assert response.status_code == 302
    assert calibration.benchmarks(setup.campaign) == []


# -- scoring in the scoring screen --------------------------------------------------------------------------------


def test_a_member_scores_a_benchmark_in_the_scoring_screen(app, setup, benchmark):
    member = setup.members[0]
    browser = signed_in(app, member)
    dashboard = parse(browser.client.get("/assess"))
    assert "Calibration: score 1 benchmark answer before the sift opens" in dashboard.select_one(
        "#calibration"
    ).get_text(" ", strip=True)
    url = f"{base(setup)}/{benchmark.id}/score"
    page = parse(browser.client.get(url))
    assert page.select_one("#statement").get_text(strip=True) == TEXT
    effective = page.select("input[name=effective]")
    assert effective, "the criterion's indicators are offered to tick"
    form = PageForm(browser.client, url).set("value", "5").set("rationale", "").set("effective", effective[0]["value"])
    refused = form.press("submit_score", "Submit score")
    assert "Enter your rationale for the score" in error_messages(parse(refused))
    form = PageForm(browser.client, url, shown=refused).set("rationale", "Clear evidence.")
    assert form.press("submit_score", "Submit score").status_code == 302
    own = calibration.own_score(member, benchmark)
    assert (own.value, own.submitted, own.rationale) == (5, True, "Clear evidence.")
    row = parse(browser.client.get(base(setup))).select_one("tr[data-benchmark='Benchmark A']")
    assert "Submitted: 5" in row.get_text(" ", strip=True)
    assert "of 3" not in row.get_text(" ", strip=True), "a member is not told how many others have scored"


def test_a_member_never_sees_anyone_elses_benchmark_scores(app, setup, benchmark):
    member, other = setup.members
    mark(other, setup, benchmark, 2, rationale="SECRET-RATIONALE-OF-MEMBER-2")
    mark(member, setup, benchmark, 6)
    calibration.agree(setup.chair, setup.campaign, benchmark, 4, "AGREED-NOTES", None)
    browser = signed_in(app, member)
    for url in (base(setup), f"{base(setup)}/{benchmark.id}/score", "/assess"):
        html = browser.client.get(url).get_data(as_text=True)
        assert "SECRET-RATIONALE-OF-MEMBER-2" not in html
        assert "Member 2" not in html
    assert browser.client.get(f"{base(setup)}/{benchmark.id}/compare").status_code == 404


def test_the_chair_compares_and_records_the_agreed_score(app, setup, benchmark):
    mark(setup.members[0], setup, benchmark, 3, rationale="Some evidence.")
    mark(setup.members[1], setup, benchmark, 6, rationale="Strong evidence.")
    browser = signed_in(app, setup.chair)
    url = f"{base(setup)}/{benchmark.id}/compare"
    page = parse(browser.client.get(url))
    rows = [
        [c.get_text(" ", strip=True) for c in row.select("th, td")] for row in page.select("#member-scores tbody tr")
    ]
    assert [row[:2] for row in rows] == [["Chair Person (chair)", "Not started"], ["Member 1", "3"], ["Member 2", "6"]]
    assert rows[2][3] == "Strong evidence."
    spread = {
        r.select_one("dt").get_text(strip=True): r.select_one("dd").get_text(strip=True)
        for r in page.select("#spread .govuk-summary-list__row")
    }
    assert spread == {"Lowest score": "3", "Highest score": "6", "Range": "3"}
    refused = PageForm(browser.client, url).press("submit")
    assert "Select the agreed score" in error_messages(parse(refused))
    assert (
        PageForm(browser.client, url)
        .set("value", "4")
        .set("notes", "Meets most indicators.")
        .press("submit")
        .status_code
        == 302
    )
    assert (benchmark.agreed_value, benchmark.agreed_notes) == (4, "Meets most indicators.")


def test_the_admin_sees_the_comparison_but_only_the_chair_agrees(app, setup, benchmark):
    mark(setup.members[0], setup, benchmark, 3)
    page = parse(signed_in(app, setup.admin).client.get(f"{base(setup)}/{benchmark.id}/compare"))
    assert page.select_one("#member-scores") is not None
    assert page.select_one("input[name=value]") is None


def test_the_chair_starts_the_sift_once_a_required_round_is_done(app, setup, benchmark):
    setup.campaign.calibration_required = True
    db.session.commit()
    browser = signed_in(app, setup.chair)
    page = parse(browser.client.get(f"{base(setup)}/start-sift"))
    problems = [li.get_text(strip=True) for li in page.select("#status-problems li")]
    assert any("benchmark answer" in problem for problem in problems)
    for criterion in setup.campaign.criteria_at("sift")[1:]:
        other = calibration.add_benchmark(setup.admin, setup.campaign, criterion.id, f"For {criterion.code}", TEXT)
        mark(setup.members[0], setup, other, 4)
        calibration.agree(setup.chair, setup.campaign, other, 4, "", None)
    mark(setup.members[0], setup, benchmark, 4)
    calibration.agree(setup.chair, setup.campaign, benchmark, 4, "", None)
    assert parse(browser.client.get(base(setup))).select_one("a#start-sift") is not None
    response = browser.submit(f"{base(setup)}/start-sift")
    assert response.status_code == 302
    assert setup.campaign.status == "sift"


def test_the_admin_task_list_links_to_the_round(app, setup):
    setup.campaign.calibration_required = True
    db.session.commit()
    page = parse(signed_in(app, setup.admin).client.get(f"/admin/campaigns/{setup.campaign.id}"))
    task = page.select_one(".recruit-task--calibration")
    assert task.select_one("a")["href"] == base(setup)
    assert "Add a benchmark answer to the calibration round" in task.get_text(" ", strip=True)
    blockers = page.get_text(" ", strip=True)
    assert "needed before the sift starts" in blockers


# -- who reaches each page ----------------------------------------------------------------------------------------

# Expected answers by person: "chair" and "member" sit on the sift panel; "outsider" is an assessor on no panel of
# the campaign; a candidate is refused by role, a signed-out visitor sent to sign in.
ACCESS = {
    ("GET", ""): {"admin": 200, "chair": 200, "member": 200, "outsider": 404, "candidate": 403, "anonymous": 302},
    ("GET", "/add"): {"admin": 200, "chair": 200, "member": 404, "outsider": 404, "candidate": 403, "anonymous": 302},
    ("POST", "/add"): {"admin": 200, "chair": 200, "member": 404, "outsider": 404, "candidate": 403, "anonymous": 302},
    ("GET", "/{b}/edit"): {
        "admin": 200,
        "chair": 200,
        "member": 404,
        "outsider": 404,
        "candidate": 403,
        "anonymous": 302,
    },
    ("POST", "/{b}/edit"): {
        "admin": 200,
        "chair": 200,
        "member": 404,
        "outsider": 404,
        "candidate": 403,
        "anonymous": 302,
    },
    ("GET", "/{b}/remove"): {
        "admin": 200,
        "chair": 200,
        "member": 404,
        "outsider": 404,
        "candidate": 403,
        "anonymous": 302,
    },
    ("GET", "/{b}/score"): {
        "admin": 403,
        "chair": 200,
        "member": 200,
        "outsider": 404,
        "candidate": 403,
        "anonymous": 302,
    },
    ("POST", "/{b}/score"): {
        "admin": 403,
        "chair": 302,
        "member": 302,
        "outsider": 404,
        "candidate": 403,
        "anonymous": 302,
    },
    ("GET", "/{b}/compare"): {
        "admin": 200,
        "chair": 200,
        "member": 404,
        "outsider": 404,
        "candidate": 403,
        "anonymous": 302,
    },
    ("POST", "/{b}/compare"): {
        "admin": 200,
        "chair": 200,
        "member": 404,
        "outsider": 404,
        "candidate": 403,
        "anonymous": 302,
    },
    ("GET", "/start-sift"): {
        "admin": 403,
        "chair": 200,
        "member": 404,
        "outsider": 404,
        "candidate": 403,
        "anonymous": 302,
    },
}


@pytest.mark.parametrize(("method", "path"), list(ACCESS))
def test_who_reaches_each_page(app, setup, benchmark, method, path):
    people = {
        "admin": setup.admin,
        "chair": setup.chair,
        "member": setup.members[0],
        "outsider": UserFactory(role="assessor"),
        "candidate": UserFactory(role="candidate"),
    }
    db.session.commit()
    url = base(setup) + path.replace("{b}", str(benchmark.id))
    for person, expected in ACCESS[(method, path)].items():
        if person == "anonymous":
            client = app.test_client()
            response = client.get(url) if method == "GET" else Forms(client).submit(url, {}, page="/sign-in")
        else:
            browser = signed_in(app, people[person])
            if method == "GET":
                response = browser.client.get(url)
            else:
                # A form with a valid token and nothing else: refused by the form or the service, not a server error.
                token_page = "/account/password"
                response = browser.submit(url, {}, page=token_page)
        assert response.status_code == expected, f"{method} {url} as {person}: {response.status_code}"


def test_another_campaigns_benchmark_is_not_found(app, setup, benchmark, admin):
    other = closed_campaign(admin, applications=0, members=1)
    browser = signed_in(app, other.chair)
    for path in ("edit", "remove", "compare", "score"):
        assert browser.client.get(f"/assess/{other.campaign.id}/calibration/{benchmark.id}/{path}").status_code == 404
