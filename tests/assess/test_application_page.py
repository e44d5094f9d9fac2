"""The page that scores a whole application (DESIGN §6, candidate by candidate): every criterion in turn, each with
the candidate's statement, the indicators to tick and the scale, saved one at a time or all together; with the errors
of each criterion said against it, and nothing saved when any is refused.

The rules themselves (what a score needs, stale versions, locks) are the scoring service's, tested with it in
tests/services/assessment/test_answers.py; these tests are about what the assessor sees and does on the page.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from recruit.extensions import db
from recruit.models import AuditEvent, Score, ScoreVersion
from recruit.services.assessment import agreement, results, scoring
from recruit.services.assessment.assessor_views import ordering
from recruit.services.assessment.scoring import LOCKED, STALE
from tests.factories import score, sift_campaign
from tests.helpers import PageForm, banners, error_messages, parse, signed_in


@pytest.fixture
def setup(admin):
    """A Band D sift (criteria at level 3, so each has lower levels to show) with three of its criteria, four
    applications, a chair and two members."""
    return sift_campaign(admin, applications=4, members=2, grade="band-d", keep_criteria=3)


def page_url(setup, application) -> str:
    return f"/assess/{setup.campaign.id}/sift/{application.reference}"


def criteria(setup):
    return setup.campaign.criteria_at("sift")


def in_order(setup, member) -> list:
    """The applications in the member's own shuffled order."""
    by_id = {application.id: application for application in setup.applications}
    return [by_id[i] for i in ordering(member, setup.campaign, "sift").ids]


def fill(form: PageForm, code: str, value: int | None, rationale: str) -> PageForm:
    return form.set(f"{code}-value", None if value is None else str(value)).set(f"{code}-rationale", rationale)


def saved(setup, member, application) -> dict[str, tuple]:
    db.session.expire_all()
    code = {criterion.id: criterion.code for criterion in setup.campaign.criteria}
    return {
        code[criterion_id]: (s.status, s.value, s.rationale)
        for criterion_id, s in scoring.own_scores_for_application(member, application, "sift").items()
    }


def rows() -> tuple[int, int, int]:
    return tuple(
        db.session.scalar(select(func.count()).select_from(model)) for model in (Score, ScoreVersion, AuditEvent)
    )


def test_the_page_shows_each_criterion_with_its_evidence_indicators_scale_and_rationale_side_by_side(app, setup):
    member, application = signed_in(app, setup.members[0]), setup.applications[0]
    page = parse(member.client.get(page_url(setup, application)))
    sections = page.select("section.recruit-criterion")
    assert [s["data-criterion"] for s in sections] == [c.code for c in criteria(setup)]
    points = [str(point.value) for point in setup.campaign.scale.points]
    for section, criterion in zip(sections, criteria(setup), strict=True):
        code = criterion.code
        heading = section.select_one("h2").get_text(" ", strip=True)
        assert heading.endswith(f"{criterion.name}: {criterion.level.name}")
        evidence, scoring_column = section.select(".govuk-grid-row.recruit-scoring > div")
        assert evidence["class"][0] == "govuk-grid-column-two-thirds"
        assert scoring_column["class"][0] == "govuk-grid-column-one-third"
        assert (
            evidence.select_one(".recruit-statement").get_text(strip=True) == application.statement_for(criterion).text
        )
        shown = scoring.indicator_choices(criterion)
        for kind in ("effective", "ineffective"):
            boxes = evidence.select(f"input[name={code}-{kind}]")
            assert [int(box["value"]) for box in boxes] == [i.id for i in shown[kind]]
        lower = evidence.select("details .govuk-details__text h4")
        assert [h.get_text(strip=True) for h in lower] == [setup.campaign.framework.level(n).name for n in (1, 2)], (
            "the lower levels are behind a details element"
        )
        assert [r["value"] for r in scoring_column.select(f"input[name={code}-value]")] == points
        assert scoring_column.select_one(f"textarea[name={code}-rationale]") is not None
        save = scoring_column.select_one("button[name=save]")
        assert (save["value"], save.get_text(" ", strip=True)) == (code, f"Save {criterion.name}")
    buttons = [b.get_text(strip=True) for b in page.select("form#application-scores .govuk-button-group button")]
    assert buttons == ["Submit and go to the next application", "Submit scores", "Save as draft"]
    first_button = page.select_one("form#application-scores button")
    assert (first_button["name"], first_button.has_attr("hidden")) == ("save_draft", True), (
        "Enter in a field saves every criterion as a draft, not the first criterion alone"
    )


def test_submit_scores_submits_every_criterion_and_stays_on_the_application(app, setup):
    member, application = signed_in(app, setup.members[0]), setup.applications[0]
    url = page_url(setup, application)
    form = PageForm(member.client, url)
    for value, criterion in zip((5, 4, 6), criteria(setup), strict=True):
        fill(form, criterion.code, value, f"Evidence for {value}.")
    response = form.press("submit_scores", "Submit scores")
    assert response.status_code == 302 and response.location == url
    assert saved(setup, setup.members[0], application) == {
        c.code: ("submitted", value, f"Evidence for {value}.") for value, c in zip((5, 4, 6), criteria(setup))
    }
    page = parse(member.client.get(url))
    assert banners(page) == ["Scores submitted."]
    assert [td.get_text(strip=True) for td in page.select("#criteria tbody td:nth-child(2)")] == [
        "Submitted: 5",
        "Submitted: 4",
        "Submitted: 6",
    ]
    # The page shows what was submitted, ready to change until the chair agrees it.
    assert PageForm(member.client, url).value(f"{criteria(setup)[1].code}-value") == ["4"]


def test_submit_and_go_to_the_next_application_follows_the_assessors_own_order(app, setup):
    person = setup.members[0]
    member = signed_in(app, person)
    first, second, third, fourth = in_order(setup, person)
    # The third is done already and the assessor declared a conflict with the fourth: neither comes next.
    for criterion in criteria(setup):
        score(person, setup, third, criterion.code, 4)
    scoring.declare(person, setup.campaign, fourth, "sift", True, "My neighbour.")

    def submit_and_next(application):
        form = PageForm(member.client, page_url(setup, application))
        for criterion in criteria(setup):
            fill(form, criterion.code, 5, "Substantial evidence.")
        return form.press("submit_next", "Submit and go to the next application")

    response = submit_and_next(second)
    assert response.location == page_url(setup, first), "after the last in the order, the first still to score"
    assert banners(parse(member.client.get(response.location))) == [
        f"Scores submitted for {second.reference}. This is your next application."
    ]
    response = submit_and_next(first)
    work = f"/assess/{setup.campaign.id}/sift"
    assert response.location == work
    page = parse(member.client.get(work))
    assert banners(page) == [f"Scores submitted for {first.reference}. You have scored every application."]
    assert page.select_one("#all-scored").get_text(strip=True) == "You have submitted scores for every application."


def test_save_as_draft_saves_what_is_entered_and_passes_over_empty_criteria(app, setup):
    member, application = signed_in(app, setup.members[0]), setup.applications[0]
    url = page_url(setup, application)
    first, second, third = (c.code for c in criteria(setup))
    form = fill(PageForm(member.client, url), first, 3, "")
    form.set(f"{second}-rationale", "Half a thought.")
    response = form.press("save_draft", "Save as draft")
    assert response.location == url
    assert saved(setup, setup.members[0], application) == {
        first: ("draft", 3, ""),
        second: ("draft", None, "Half a thought."),
    }
    assert banners(parse(member.client.get(url))) == ["Draft saved."]
    before = rows()
    assert PageForm(member.client, url).press("save_draft", "Save as draft").location == url
    assert banners(parse(member.client.get(url))) == ["No changes to save."]
    assert rows() == before


def test_a_criterion_saved_on_its_own_keeps_what_is_typed_in_the_others(app, setup):
    member, application = signed_in(app, setup.members[0]), setup.applications[0]
    url = page_url(setup, application)
    first, second, _ = (c.code for c in criteria(setup))
    form = fill(PageForm(member.client, url), first, 6, "Typed, not saved.")
    fill(form, second, 5, "Saved on its own.")
    response = form.press("save", second)
    assert response.status_code == 200, "the page stays, with what is typed in the other criteria"
    page = parse(response)
    assert banners(page) == [f"Draft saved for {criteria(setup)[1].name}."]
    assert saved(setup, setup.members[0], application) == {second: ("draft", 5, "Saved on its own.")}
    assert page.select_one(f"textarea[name={first}-rationale]").get_text() == "Typed, not saved."
    assert page.select_one(f"input[name={first}-value][checked]")["value"] == "6"
    # The page now carries the new version: saving the same criterion again from it is not taken for a stale save.
    assert page.select_one(f"input[name={second}-version]")["value"] == "1"
    again = PageForm(member.client, url, shown=response).set(f"{second}-rationale", "Saved again.")
    response = again.press("save", second)
    assert response.status_code == 200 and error_messages(parse(response)) == []
    assert saved(setup, setup.members[0], application)[second] == ("draft", 5, "Saved again.")


def test_each_error_names_its_criterion_and_leads_to_its_field_and_nothing_is_saved(app, setup):
    member, application = signed_in(app, setup.members[0]), setup.applications[0]
    url = page_url(setup, application)
    (first, second, third), names = (c.code for c in criteria(setup)), [c.name for c in criteria(setup)]
    form = fill(PageForm(member.client, url), first, 5, "Good.")
    fill(form, second, None, "A rationale but no score.")
    fill(form, third, 4, "   ")
    before = rows()
    response = form.press("submit_scores", "Submit scores")
    page = parse(response)
    assert response.status_code == 200 and page.title.get_text().startswith("Error: ")
    summary = [(a.get_text(strip=True), a["href"]) for a in page.select(".govuk-error-summary__list a")]
    assert summary == [
        (f"{names[1]}: Select a score", f"#{second}-value"),
        (f"{names[2]}: Enter your rationale for the score", f"#{third}-rationale"),
    ]
    # Each link leads to a field of that criterion, and the message is beside it there.
    for message, href in summary:
        field = page.select_one(href)
        assert field is not None, href
        assert message in field.find_parent("section").select_one(".govuk-error-message").get_text()
    assert rows() == before
    # What was typed is still there to correct.
    assert page.select_one(f"input[name={first}-value][checked]")["value"] == "5"
    assert page.select_one(f"textarea[name={second}-rationale]").get_text() == "A rationale but no score."


def test_the_consistency_prompt_is_asked_of_the_criterion_whose_ticks_contradict_its_score(app, setup):
    member, application = signed_in(app, setup.members[0]), setup.applications[0]
    url = page_url(setup, application)
    (first, second, third), middle = (c.code for c in criteria(setup)), criteria(setup)[1]
    ineffective = [str(i.id) for i in scoring.indicator_choices(middle)["ineffective"][:2]]
    form = PageForm(member.client, url)
    for code, value in ((first, 5), (second, 7), (third, 4)):
        fill(form, code, value, "What I saw.")
    form.set(f"{second}-ineffective", ineffective)
    response = form.press("submit_scores", "Submit scores")
    page = parse(response)
    prompt = (
        f"{middle.name}: You scored 7 but ticked more ineffective indicators (2) than effective ones (0). "
        "Confirm this is the score you mean"
    )
    assert [(a.get_text(strip=True), a["href"]) for a in page.select(".govuk-error-summary__list a")] == [
        (prompt, f"#{second}-confirm")
    ]
    assert [box["name"] for box in page.select("input[type=checkbox][name$='-confirm']")] == [f"{second}-confirm"]
    assert saved(setup, setup.members[0], application) == {}

    confirmed = PageForm(member.client, url, shown=response).set(f"{second}-confirm", "y")
    assert confirmed.press("submit_scores", "Submit scores").status_code == 302
    assert saved(setup, setup.members[0], application)[second] == ("submitted", 7, "What I saw.")


def test_a_stale_criterion_says_so_keeps_what_was_typed_and_can_be_saved_again(app, setup):
    person, application = setup.members[0], setup.applications[0]
    laptop, phone = signed_in(app, person), signed_in(app, person)
    url = page_url(setup, application)
    first, second, _ = (c.code for c in criteria(setup))
    on_laptop, on_phone = PageForm(laptop.client, url), PageForm(phone.client, url)
    assert fill(on_laptop, first, 5, "From the laptop.").press("save", first).status_code == 200
    fill(on_phone, first, 3, "From the phone.")
    fill(on_phone, second, 4, "Only on the phone.")
    response = on_phone.press("save_draft", "Save as draft")
    page = parse(response)
    assert error_messages(page) == [f"{criteria(setup)[0].name}: {STALE}"]
    assert page.select_one(f"textarea[name={first}-rationale]").get_text() == "From the phone."
    assert saved(setup, person, application) == {first: ("draft", 5, "From the laptop.")}
    # Having checked, saving again from the same page replaces the laptop's version.
    assert PageForm(phone.client, url, shown=response).press("save_draft", "Save as draft").status_code == 302
    assert saved(setup, person, application) == {
        first: ("draft", 3, "From the phone."),
        second: ("draft", 4, "Only on the phone."),
    }


def test_an_agreed_criterion_is_shown_locked_and_the_others_can_still_be_scored(app, setup):
    person, application = setup.members[0], setup.applications[0]
    first, second, third = criteria(setup)
    for assessor in setup.assessors:
        score(assessor, setup, application, first.code, 5, rationale=f"Rationale of {assessor.name}.")
    agreement.agree(setup.chair, setup.campaign, application, first, "sift", 5, "")
    member = signed_in(app, person)
    url = page_url(setup, application)
    page = parse(member.client.get(url))
    locked = page.select_one(f"#criterion-{first.code}")
    assert "Scores are locked" in locked.select_one(".govuk-notification-banner").get_text()
    assert locked.select("input, textarea, button") == []
    assert locked.select_one(f"#own-score-{first.code}").get_text(" ", strip=True) == (
        f"Your score 5 Your rationale Rationale of {person.name}."
    )
    form = PageForm(member.client, url)
    assert form.value(f"{first.code}-version") == []
    fill(form, second.code, 4, "Fair.")
    fill(form, third.code, 6, "Strong.")
    assert form.press("submit_scores", "Submit scores").status_code == 302
    assert saved(setup, person, application) == {
        first.code: ("submitted", 5, f"Rationale of {person.name}."),
        second.code: ("submitted", 4, "Fair."),
        third.code: ("submitted", 6, "Strong."),
    }
    # A page shown before the item was agreed cannot change it now.
    stale_page = [(f"{first.code}-version", "1"), (f"{first.code}-value", "2"), (f"{first.code}-rationale", "Late.")]
    form.fields += stale_page
    response = form.press("submit_scores", "Submit scores")
    assert error_messages(parse(response)) == [f"{first.name}: {LOCKED}"]


@pytest.mark.parametrize(
    "field, value, message, anchor",
    [
        ("value", "x", "Select a valid score", "value"),
        ("value", "9", "Select a valid score", "value"),
        ("rationale", "r" * 10001, "Rationale must be 10000 characters or fewer", "rationale"),
        ("rationale", "nul\x00", "Rationale must not include a null character", "rationale"),
        ("effective", "x", "Select a valid effective indicators evidenced", "effective"),
        ("effective", "other", "Tick only the indicators shown for this criterion", "effective"),
    ],
)
def test_bad_input_is_refused_against_its_criterion_and_writes_nothing(app, setup, field, value, message, anchor):
    member, application = signed_in(app, setup.members[0]), setup.applications[0]
    url = page_url(setup, application)
    first, second, third = criteria(setup)
    if value == "other":  # an indicator of another criterion
        value = str(scoring.indicator_choices(first)["effective"][0].id)
    form = PageForm(member.client, url)
    for criterion in (first, second, third):
        fill(form, criterion.code, 5, "Good.")
    form.set(f"{second.code}-{field}", value)
    before = rows()
    response = form.press("submit_scores", "Submit scores")
    page = parse(response)
    assert response.status_code == 200
    assert [(a.get_text(strip=True), a["href"]) for a in page.select(".govuk-error-summary__list a")] == [
        (f"{second.name}: {message}", f"#{second.code}-{anchor}")
    ]
    assert rows() == before


def test_saving_a_criterion_the_page_did_not_offer_is_a_bad_request(app, setup, count_writes):
    member, application = signed_in(app, setup.members[0]), setup.applications[0]
    form = PageForm(member.client, page_url(setup, application))
    with count_writes() as writes:
        assert form.press("save", "no-such-criterion").status_code == 400
    assert writes.statements == []


def test_with_a_declared_conflict_the_page_offers_no_form_and_a_save_is_refused(app, setup):
    person, application = setup.members[0], setup.applications[0]
    member = signed_in(app, person)
    url = page_url(setup, application)
    held = PageForm(member.client, url)
    scoring.declare(person, setup.campaign, application, "sift", True, "I managed them.")
    page = parse(member.client.get(url))
    assert "You declared a conflict of interest" in page.select_one("#conflict-notice").get_text()
    assert page.select("main form") == [] and page.select("section.recruit-criterion") == []
    before = rows()
    response = fill(held, criteria(setup)[0].code, 5, "Good.").press("submit_scores", "Submit scores")
    assert error_messages(parse(response)) == [
        "You have declared a conflict of interest with this candidate, so you do not score them"
    ]
    assert rows() == before


def test_once_the_sift_is_signed_off_the_page_shows_the_scores_and_offers_no_form(app, setup, admin):
    person, application = setup.members[0], setup.applications[0]
    for candidate in setup.applications:
        for criterion in criteria(setup):
            for assessor in setup.assessors:
                score(assessor, setup, candidate, criterion.code, 5)
    agreement.confirm_all_proposals(setup.chair, setup.campaign, "sift", setup.applications)
    results.decide(admin, setup.campaign, "sift", "all_passing", None)
    results.sign_off(setup.chair, setup.campaign, "sift")
    page = parse(signed_in(app, person).client.get(page_url(setup, application)))
    assert page.select_one("#scoring-closed").get_text(strip=True) == "Scoring for this stage is not open."
    assert page.select("main form") == []
    assert [s.select_one(".recruit-own-score dd").get_text(strip=True) for s in page.select("section")[1:]] == ["5"] * 3
