"""Saving several criteria of an application at once (scoring.save_answers, the page for a whole application): the
same rules as one criterion at a time, every answer or none, and the refusals said criterion by criterion."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from recruit.extensions import db
from recruit.models import AuditEvent, Score, ScoreVersion
from recruit.services.assessment import agreement, scoring
from recruit.services.assessment.scoring import LOCKED, STALE, Answer, AnswersRefused, ScoreInput
from recruit.services.errors import Refused
from tests.factories import score, sift_campaign


@pytest.fixture
def setup(admin):
    """Chair, member 1 and member 2; applications A and B; three criteria."""
    return sift_campaign(admin, applications=2, members=2, keep_criteria=3)


def answers(setup, entries: dict[int, ScoreInput], versions: dict[int, int] | None = None, confirmed=()):
    """Answers for the criteria at these positions, with the versions the page showed (0 unless given)."""
    criteria = setup.campaign.criteria_at("sift")
    return [Answer(criteria[i], entry, (versions or {}).get(i, 0), i in confirmed) for i, entry in entries.items()]


def saved(setup, user, application) -> dict[str, tuple]:
    """The person's scores for the application, by criterion code: status, value, rationale and version."""
    db.session.expire_all()
    code = {criterion.id: criterion.code for criterion in setup.campaign.criteria}
    return {
        code[criterion_id]: (s.status, s.value, s.rationale, s.version)
        for criterion_id, s in scoring.own_scores_for_application(user, application, "sift").items()
    }


def rows() -> tuple[int, int, int]:
    return tuple(
        db.session.scalar(select(func.count()).select_from(model)) for model in (Score, ScoreVersion, AuditEvent)
    )


def codes(setup) -> list[str]:
    return [c.code for c in setup.campaign.criteria_at("sift")]


def test_submitting_every_criterion_at_once_submits_each_with_its_version_and_audit_entry(setup):
    member, application = setup.members[0], setup.applications[0]
    first, second, third = codes(setup)
    written = scoring.save_answers(
        member,
        setup.campaign,
        application,
        "sift",
        answers(setup, {0: ScoreInput(5, [], "Good."), 1: ScoreInput(4, [], "Fair."), 2: ScoreInput(6, [], "Strong.")}),
        submit=True,
    )
    assert len(written) == 3
    assert saved(setup, member, application) == {
        first: ("submitted", 5, "Good.", 1),
        second: ("submitted", 4, "Fair.", 1),
        third: ("submitted", 6, "Strong.", 1),
    }
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.record_type == "score")).all()
    assert actions == ["score.submitted"] * 3


def test_one_refused_answer_saves_none_and_each_refusal_names_its_criterion(setup):
    member, application = setup.members[0], setup.applications[0]
    first, second, third = codes(setup)
    before = rows()
    with pytest.raises(AnswersRefused) as refused:
        scoring.save_answers(
            member,
            setup.campaign,
            application,
            "sift",
            answers(
                setup, {0: ScoreInput(5, [], "Good."), 1: ScoreInput(None, [], "No score."), 2: ScoreInput(6, [], " ")}
            ),
            submit=True,
        )
    assert {code: (r.message, r.field) for code, r in refused.value.refusals.items()} == {
        second: ("Select a score", "value"),
        third: ("Enter your rationale for the score", "rationale"),
    }
    db.session.rollback()
    assert rows() == before
    assert saved(setup, member, application) == {}


def test_a_draft_passes_over_criteria_with_nothing_entered_and_a_submit_does_not(setup):
    member, application = setup.members[0], setup.applications[0]
    first, second, third = codes(setup)
    empty = ScoreInput(None, [], "")
    written = scoring.save_answers(
        member,
        setup.campaign,
        application,
        "sift",
        answers(setup, {0: ScoreInput(3, [], ""), 1: empty, 2: empty}),
        submit=False,
    )
    assert [s.criterion_id for s in written] == [setup.campaign.criteria_at("sift")[0].id]
    assert saved(setup, member, application) == {first: ("draft", 3, "", 1)}
    with pytest.raises(AnswersRefused) as refused:
        scoring.save_answers(
            member,
            setup.campaign,
            application,
            "sift",
            answers(setup, {0: ScoreInput(3, [], "Why."), 1: empty, 2: empty}, {0: 1}),
            submit=True,
        )
    assert {code: r.message for code, r in refused.value.refusals.items()} == {
        second: "Select a score",
        third: "Select a score",
    }


def test_an_answer_exactly_as_saved_is_not_saved_again(setup):
    member, application = setup.members[0], setup.applications[0]
    entries = {0: ScoreInput(5, [], "Good."), 1: ScoreInput(4, [], "Fair.")}
    scoring.save_answers(member, setup.campaign, application, "sift", answers(setup, entries), submit=False)
    before = rows()
    # The same page saved again (a double click, or the page sent with the versions it first showed).
    assert (
        scoring.save_answers(member, setup.campaign, application, "sift", answers(setup, entries), submit=False) == []
    )
    assert rows() == before
    # Submitting them writes each once more, as submitted.
    written = scoring.save_answers(
        member, setup.campaign, application, "sift", answers(setup, entries, {0: 1, 1: 1}), submit=True
    )
    assert [(s.status, s.version) for s in written] == [("submitted", 2), ("submitted", 2)]


def test_a_stale_answer_is_refused_for_its_criterion_alone(setup):
    member, application = setup.members[0], setup.applications[0]
    first, second, _ = codes(setup)
    # Another tab saved the first criterion after this page was shown.
    score(member, setup, application, first, 6, rationale="From the other tab.", submit=False)
    with pytest.raises(AnswersRefused) as refused:
        scoring.save_answers(
            member,
            setup.campaign,
            application,
            "sift",
            answers(setup, {0: ScoreInput(4, [], "From this page."), 1: ScoreInput(4, [], "Fair.")}),
            submit=False,
        )
    assert {code: r.message for code, r in refused.value.refusals.items()} == {first: STALE}
    db.session.rollback()
    assert saved(setup, member, application) == {first: ("draft", 6, "From the other tab.", 1)}
    # Saved again with the version now shown, it replaces the other tab's.
    scoring.save_answers(
        member,
        setup.campaign,
        application,
        "sift",
        answers(setup, {0: ScoreInput(4, [], "From this page."), 1: ScoreInput(4, [], "Fair.")}, {0: 1}),
        submit=False,
    )
    assert saved(setup, member, application)[first] == ("draft", 4, "From this page.", 2)


def test_the_consistency_prompt_asks_for_the_criterion_whose_ticks_contradict_its_score(setup):
    member, application = setup.members[0], setup.applications[0]
    first, second, _ = codes(setup)
    criterion = setup.campaign.criteria_at("sift")[1]
    ineffective = [i.id for i in scoring.indicator_choices(criterion)["ineffective"][:2]]
    entries = {0: ScoreInput(5, [], "Good."), 1: ScoreInput(7, ineffective, "Outstanding?")}
    with pytest.raises(AnswersRefused) as refused:
        scoring.save_answers(member, setup.campaign, application, "sift", answers(setup, entries), submit=True)
    [(code, prompt)] = refused.value.refusals.items()
    assert code == second and isinstance(prompt, scoring.NeedsConfirmation)
    assert prompt.message.startswith("You scored 7 but ticked more ineffective indicators (2) than effective ones (0)")
    db.session.rollback()
    assert saved(setup, member, application) == {}
    scoring.save_answers(
        member, setup.campaign, application, "sift", answers(setup, entries, confirmed={1}), submit=True
    )
    assert saved(setup, member, application)[second] == ("submitted", 7, "Outstanding?", 1)


def test_an_agreed_criterion_is_locked_but_unchanged_it_does_not_stop_the_others(setup):
    member, application = setup.members[0], setup.applications[0]
    first, second, _ = codes(setup)
    for assessor in setup.assessors:
        score(assessor, setup, application, first, 5)
    agreement.agree(setup.chair, setup.campaign, application, setup.campaign.criteria_at("sift")[0], "sift", 5, "")
    locked_as_saved = ScoreInput(5, [], "Meets the indicators.")
    scoring.save_answers(
        member,
        setup.campaign,
        application,
        "sift",
        answers(setup, {0: locked_as_saved, 1: ScoreInput(3, [], "Some.")}, {0: 1}),
        submit=True,
    )
    assert saved(setup, member, application)[second] == ("submitted", 3, "Some.", 1)
    with pytest.raises(AnswersRefused) as refused:
        scoring.save_answers(
            member,
            setup.campaign,
            application,
            "sift",
            answers(setup, {0: ScoreInput(6, [], "Changed.")}, {0: 1}),
            submit=True,
        )
    assert {code: r.message for code, r in refused.value.refusals.items()} == {first: LOCKED}


def test_the_application_wide_rules_refuse_the_whole_save(setup):
    member, (application, other) = setup.members[0], setup.applications
    scoring.declare(member, setup.campaign, application, "sift", True, "I know them.")
    outsider = sift_campaign(setup.admin, applications=0, members=1).members[0]
    before = rows()
    with pytest.raises(Refused, match="^You have declared a conflict of interest with this candidate"):
        scoring.save_answers(
            member, setup.campaign, application, "sift", answers(setup, {0: ScoreInput(5, [], "Good.")}), submit=True
        )
    db.session.rollback()
    with pytest.raises(Refused, match="^You are not on this stage's panel$"):
        scoring.save_answers(
            outsider, setup.campaign, other, "sift", answers(setup, {0: ScoreInput(5, [], "Good.")}), submit=True
        )
    db.session.rollback()
    assert rows() == before
