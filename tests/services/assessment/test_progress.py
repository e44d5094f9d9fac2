"""Where a stage's items stand (services/assessment/progress.py): read for the whole stage from summaries in the
database, it must say of every item what the moderation engine says reading each score (board.load_items), and
lead each person to the next item they moderate, never to one they stand aside from."""

from __future__ import annotations

import copy

import pytest
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from recruit.extensions import db
from recruit.models import Application, Score
from recruit.models.report_data import ReportDataChange, committed_version
from recruit.services.assessment import agreement, moderators, progress, scoring
from recruit.services.assessment.board import load_items
from tests.factories import UserFactory, score, sift_campaign
from tests.helpers import Statements


@pytest.fixture
def stage(admin):
    """Six applications, in reference order A to F, two criteria, the chair and two members:

    A: 3, 6, 5 (discrepant) and 5, 5, 5 (ready); B: the chair declared a conflict, the members gave 4, 4 (ready)
    and 2, 6 (discrepant); C: everyone declared a conflict; D: one member's score is still a draft; E: the first
    criterion agreed, the second agreed and reopened (3, 3, 6: discrepant); F: nothing yet.
    """
    setup = sift_campaign(admin, applications=6, members=2, keep_criteria=2)
    campaign, chair, (first, second) = setup.campaign, setup.chair, setup.members
    a, b, c, d, e, f = sorted(setup.applications, key=lambda application: application.reference)
    c1, c2 = (criterion.code for criterion in campaign.criteria_at("sift"))
    given = {
        (a, c1): (3, 6, 5),
        (a, c2): (5, 5, 5),
        (d, c1): (4, 4, 4),
        (d, c2): (4, 4, None),
        (e, c1): (5, 5, 5),
        (e, c2): (3, 3, 6),
    }
    scoring.declare(chair, campaign, b, "sift", True, "My neighbour.")
    for person in setup.assessors:
        scoring.declare(person, campaign, c, "sift", True, "We worked together.")
    for (application, code), values in given.items():
        for person, value in zip(setup.assessors, values):
            score(person, setup, application, code, value if value is not None else 4, submit=value is not None)
    for code, values in ((c1, (4, 4)), (c2, (2, 6))):
        for person, value in zip((first, second), values):
            score(person, setup, b, code, value)
    criteria = campaign.criteria_at("sift")
    agreement.agree(chair, campaign, e, criteria[0], "sift", 5, "")
    agreed = agreement.agree(chair, campaign, e, criteria[1], "sift", 4, "Settled on the middle.")
    agreement.reopen(chair, campaign, agreed, "Member 2 scored the wrong statement.")
    return setup, (a, b, c, d, e, f)


EXPECTED = {
    "A": ("discrepant", "ready"),
    "B": ("ready", "discrepant"),
    "C": ("without assessors", "without assessors"),
    "D": ("ready", "awaiting"),
    "E": ("agreed", "discrepant"),
    "F": ("awaiting", "awaiting"),
}


def test_every_item_stands_where_the_moderation_engine_puts_it(stage):
    setup, applications = stage
    campaign = setup.campaign
    found = progress.load(campaign, "sift")
    names = dict(zip((a.id for a in applications), "ABCDEF"))
    assert [(names[s.application_id], s.code) for s in found.standings] == [
        (name, criterion.code) for name in "ABCDEF" for criterion in campaign.criteria_at("sift")
    ], "in the board's order: by reference, then the criteria's"
    assert {name: tuple(s.state for s in found.standings if names[s.application_id] == name) for name in "ABCDEF"} == (
        EXPECTED
    )
    # The same, item by item, from every counted score.
    engine = {
        (item.application.id, item.criterion.id): progress.state_key(item.state)
        for item in load_items(campaign, "sift", list(applications))
    }
    assert {s.key: s.state for s in found.standings} == engine
    assert found.counts == {"discrepant": 3, "ready": 3, "awaiting": 3, "without assessors": 2, "agreed": 1}
    assert found.view_counts() == {"all": 12, "discrepant": 3, "ready": 3, "awaiting": 5, "agreed": 1}
    assert [(names[s.application_id], s.state) for s in found.in_view("awaiting")] == [
        ("C", "without assessors"),
        ("C", "without assessors"),
        ("D", "awaiting"),
        ("F", "awaiting"),
        ("F", "awaiting"),
    ]
    assert found.conflicts[applications[1].id] == {setup.chair.id}
    assert found.conflicts[applications[0].id] == frozenset()


def test_the_next_item_is_one_the_person_moderates_discrepant_first(stage, admin):
    setup, (a, b, c, d, e, f) = stage
    campaign, chair, (first, second) = setup.campaign, setup.chair, setup.members
    found = progress.load(campaign, "sift")
    c1, c2 = (criterion.id for criterion in campaign.criteria_at("sift"))

    def moderated(person):
        return moderators.moderated_among(person, campaign, "sift", found.conflicts)

    # The chair stands aside from B (and C, where everyone declared a conflict): A's discrepancy comes first.
    assert found.next_to_agree(moderated(chair)).key == (a.id, c1)
    # After A's, the next discrepant item is E's second, then round to A's again; never B's.
    assert found.next_to_agree(moderated(chair), ("discrepant",), after=(a.id, c1)).key == (e.id, c2)
    assert found.next_to_agree(moderated(chair), ("discrepant",), after=(e.id, c2)).key == (a.id, c1)
    # An admin moderates only what the chair stands aside from; a deputy chair only their own application.
    assert found.next_to_agree(moderated(admin)).key == (b.id, c2)
    moderators.name_deputy(admin, campaign, "sift", b, first.id)
    assert found.next_to_agree(moderated(first)).key == (b.id, c2)
    assert found.next_to_agree(moderated(second)) is None
    # With no discrepancy left for them, the next ready item.
    assert found.next_to_agree(moderated(first), after=(b.id, c2)).key == (b.id, c1)
    assert found.next_to_agree(moderated(first), ("discrepant",), after=(b.id, c2)) is None


def test_who_moderates_each_application_is_the_rule_for_one_applied_to_all(stage, admin):
    setup, applications = stage
    campaign = setup.campaign
    b = applications[1]
    moderators.name_deputy(admin, campaign, "sift", b, setup.members[0].id)
    # Everyone on the panel declared a conflict with C: no deputy can be named, an admin moderates it.
    conflicts = progress.load(campaign, "sift").conflicts
    people = [setup.chair, *setup.members, admin, UserFactory(role="assessor")]
    db.session.expire_all()
    for person in people:
        expected = {
            application.id
            for application in db.session.query(Application).filter(Application.campaign_id == campaign.id)
            if moderators.refusal(person, campaign, "sift", application, "feedback") is None
        }
        moderated = moderators.moderated_among(person, campaign, "sift", conflicts)
        assert {i for i in conflicts if i in moderated} == expected, person.name
        assert 0 not in moderated, "no application outside the stage"


def test_where_items_stand_is_kept_until_a_change_moves_the_campaigns_data_version_on(stage):
    """The board and every item page read where the whole stage stands; it is read once for each report data
    version, and each kind of change that moves an item is seen by the next page at once."""
    setup, (a, b, c, d, e, f) = stage
    campaign, chair, (first, second) = setup.campaign, setup.chair, setup.members
    criteria = campaign.criteria_at("sift")
    c1, c2 = (criterion.id for criterion in criteria)
    found = progress.load(campaign, "sift", criteria)
    with Statements() as statements:
        assert progress.load(campaign, "sift", criteria) is found
    assert statements.count == 1  # the data version alone
    assert found.in_view("discrepant") is found.in_view("discrepant")

    def states():
        """Where the items stand now, as the pages see them, checked against a fresh read of the database; and the
        board's counts, views and next items, which come from the kept states' numbers, against the standings."""
        now, fresh = progress.load(campaign, "sift", criteria), progress.read(campaign, "sift", criteria)
        assert now.standings == fresh.standings
        assert list(now.codes) == list(fresh.codes)
        assert (now.conflicts, now.agreed, now.places) == (fresh.conflicts, fresh.agreed, fresh.places)
        assert now.counts == {state: sum(s.state == state for s in now.standings) for state in progress.STATES}
        for view, shown in progress.VIEWS.items():
            assert now.in_view(view) == tuple(s for s in now.standings if s.state in shown), view
        everyone = {application.id for application in (a, b, c, d, e, f)}
        for state in progress.STATES:
            first_in_state = next((s for s in now.standings if s.state == state), None)
            assert now.next_to_agree(everyone, (state,)) == first_in_state, state
        return {s.key: s.state for s in now.standings}

    score(second, setup, d, criteria[1].code, 4)  # D's draft submitted: its second criterion is ready
    assert states()[(d.id, c2)] == "ready"
    agreement.agree(chair, campaign, d, criteria[1], "sift", 4, "Agreed at the panel meeting.")
    assert states()[(d.id, c2)] == "agreed"  # and gone with D, when D is withdrawn below
    scoring.declare(first, campaign, f, "sift", True, "My former manager.")
    assert progress.load(campaign, "sift", criteria).conflicts[f.id] == {first.id}
    agreement.agree(chair, campaign, a, criteria[1], "sift", 5, "")
    assert states()[(a.id, c2)] == "agreed"
    # A's 3, 6, 5 on the first criterion: neither 4 apart nor either side of the pass mark any more.
    campaign.discrepancy_threshold, criteria[0].pass_mark = 4, 3
    db.session.commit()
    assert states()[(a.id, c1)] == "ready"
    d.status = "withdrawn"
    db.session.commit()
    assert (d.id, c1) not in states()
    score(first, setup, b, criteria[0].code, 3, submit=False)  # a draft changes nothing, and moves nothing
    kept = progress.load(campaign, "sift", criteria)
    assert progress.load(campaign, "sift", criteria) is kept


@pytest.fixture
def full_reads(monkeypatch):
    """The whole-stage reads (progress.read) the pages make, counted; `fresh` reads the stage without counting."""

    class Reads(list):
        fresh = staticmethod(progress.read)

    reads = Reads()

    def counted(*args):
        reads.append(args)
        return Reads.fresh(*args)

    monkeypatch.setattr(progress, "read", counted)
    return reads


def check_against_a_fresh_read(campaign, criteria, full_reads, *, whole: bool):
    """Where the items stand as the pages see them now: exactly what reading the stage afresh gives (standings,
    conflicts, agreed scores, and everything worked out from them), read whole or brought up to date."""
    before = len(full_reads)
    now = progress.load(campaign, "sift", criteria)
    assert len(full_reads) - before == (1 if whole else 0)
    fresh = full_reads.fresh(campaign, "sift", criteria)
    assert now == fresh
    assert now.counts == fresh.counts
    assert {view: now.in_view(view) for view in progress.VIEWS} == {
        view: fresh.in_view(view) for view in progress.VIEWS
    }
    everyone = set(now.conflicts)
    assert [now.next_to_agree(everyone, after=s.key) for s in fresh.standings] == [
        fresh.next_to_agree(everyone, after=s.key) for s in fresh.standings
    ]
    return now


def test_after_a_change_to_one_application_only_its_items_are_read_again(stage, full_reads):
    """A submitted score, a conflict, an agreed score or a withdrawal changes one application's items: the board
    reads that application again, not the stage; a change to the campaign's settings or panel reads the stage."""
    setup, (a, b, c, d, e, f) = stage
    campaign, chair, (first, second) = setup.campaign, setup.chair, setup.members
    criteria = campaign.criteria_at("sift")
    c1, c2 = (criterion.code for criterion in criteria)
    kept = progress.load(campaign, "sift", criteria)
    assert len(full_reads) == 1

    def seen(*, whole: bool = False):
        return check_against_a_fresh_read(campaign, criteria, full_reads, whole=whole)

    score(first, setup, f, c1, 3, submit=False)  # a draft moves nothing
    assert progress.load(campaign, "sift", criteria) is kept
    as_read = copy.deepcopy(kept)
    score(second, setup, d, c2, 4)  # D's draft submitted
    now = seen()
    assert {s.key: s.state for s in now.standings}[(d.id, criteria[1].id)] == "ready"
    assert kept == as_read, "the value other pages may hold is left as it was"
    score(first, setup, a, c2, 1)  # a submitted score changed: A's second criterion is now discrepant
    assert {s.key: s.state for s in seen().standings}[(a.id, criteria[1].id)] == "discrepant"
    withdrawn = db.session.scalar(select(Score).where(Score.application_id == f.id, Score.assessor_id == first.id))
    db.session.delete(withdrawn)  # the draft on F, gone
    db.session.commit()
    seen()
    db.session.delete(db.session.scalar(select(Score).where(Score.application_id == a.id, Score.value == 1)))
    db.session.commit()  # a submitted score taken away
    seen()
    scoring.declare(first, campaign, a, "sift", True, "My former manager.")
    assert seen().conflicts[a.id] == {first.id}
    agreed = agreement.agree(chair, campaign, a, criteria[1], "sift", 5, "")
    assert {s.key: s.state for s in seen().standings}[(a.id, criteria[1].id)] == "agreed"
    agreement.reopen(chair, campaign, agreed, "Member 2 scored the wrong statement.")
    assert {s.key: s.state for s in seen().standings}[(a.id, criteria[1].id)] == "ready"
    d.status = "withdrawn"
    db.session.commit()
    now = seen()
    assert d.id not in now.conflicts and all(s.application_id != d.id for s in now.standings)
    # The campaign's settings and panel move every item: the stage is read whole.
    campaign.discrepancy_threshold = 4
    db.session.commit()
    seen(whole=True)
    criteria[0].pass_mark = 3
    db.session.commit()
    seen(whole=True)
    panel = campaign.panel("sift")
    panel.members.remove(next(member for member in panel.members if member.user_id == second.id))
    db.session.commit()
    seen(whole=True)
    score(first, setup, f, c2, 5)  # and the next change to one application is read alone again
    seen()


def test_the_stage_is_read_whole_unless_every_version_since_changed_only_a_few_known_applications(stage, full_reads):
    setup, (a, b, c, d, e, f) = stage
    campaign, (first, second) = setup.campaign, setup.members
    criteria = campaign.criteria_at("sift")
    c1, c2 = (criterion.code for criterion in criteria)
    progress.load(campaign, "sift", criteria)

    def seen(*, whole: bool):
        return check_against_a_fresh_read(campaign, criteria, full_reads, whole=whole)

    # A score and a change to the campaign in one commit.
    campaign.location = "Leeds"
    score(second, setup, d, c2, 4)
    seen(whole=True)
    # Two commits, one of them to the campaign.
    score(first, setup, f, c1, 4)
    campaign.location = "York"
    db.session.commit()
    seen(whole=True)
    # Two commits to one application each: both are read again.
    score(first, setup, f, c2, 4)
    score(second, setup, f, c1, 6)
    seen(whole=False)
    # The changes of a version no longer logged (pruned).
    score(second, setup, f, c2, 3)
    version = committed_version(db.session(), campaign.id)
    db.session.execute(delete(ReportDataChange).where(ReportDataChange.version == version))
    db.session.commit()
    seen(whole=True)
    # More than a quarter of the stage's applications changed (two of six).
    score(first, setup, e, c2, 3)
    score(first, setup, b, c2, 3)
    seen(whole=True)
    # An application that joins the stage: its place in the board's order is the database's to say.
    f.status = "withdrawn"
    db.session.commit()
    seen(whole=False)
    f.status = "submitted"
    db.session.commit()
    assert f.id in seen(whole=True).conflicts


def test_a_change_committed_by_another_session_is_seen(stage, full_reads):
    setup, (a, b, c, d, e, f) = stage
    campaign = setup.campaign
    criteria = campaign.criteria_at("sift")
    progress.load(campaign, "sift", criteria)
    # D's last draft submitted through a session of its own, as another request's would be.
    other = Session(bind=db.session.get_bind(), join_transaction_mode="create_savepoint")
    try:
        draft = other.scalar(select(Score).where(Score.application_id == d.id, Score.status == "draft"))
        draft.status, draft.value, draft.rationale = "submitted", 4, "Shows most indicators."
        other.commit()
    finally:
        other.close()
    now = check_against_a_fresh_read(campaign, criteria, full_reads, whole=False)
    assert {s.key: s.state for s in now.standings}[(d.id, criteria[1].id)] == "ready"
