"""A campaign's setup kept in the process (services/campaigns/kept_setup.py): served again, with one query for the
setup version, while nothing in it has changed, and read afresh after every kind of change that can touch it."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from recruit.extensions import db
from recruit.models import Campaign, Competency, Criterion, ScoringScale, SetupVersion, User
from recruit.services.accounts import account_changes
from recruit.services.assessment import agreement
from recruit.services.campaigns import criteria as criteria_service
from recruit.services.campaigns import setup as campaigns
from recruit.services.campaigns.kept_setup import load_campaign
from recruit.services.errors import Refused
from recruit.services.unit_of_work import unit_of_work
from tests.factories import UserFactory, draft_campaign, score, sift_campaign
from tests.helpers import recording


def setup_token() -> str:
    db.session.expire_all()
    return db.session.scalar(select(SetupVersion.token))


def seen(campaign_id: int) -> tuple:
    """What a scoring or moderation page reads of the campaign's setup."""
    campaign = load_campaign(campaign_id)
    assert campaign is not None
    return (
        campaign.title,
        campaign.status,
        campaign.scale.name,
        campaign.framework.name,
        [
            (
                c.code,
                c.at_sift,
                c.weight,
                c.competency.name if c.competency else None,
                c.level.name if c.level else None,
            )
            for c in campaign.criteria
        ],
        sorted(
            (p.stage, sorted((m.user.name, m.user.email, m.user.active, m.is_chair) for m in p.members))
            for p in campaign.panels
        ),
    )


def loaded(campaign_id: int) -> tuple[tuple, list[str]]:
    """The setup as a new request sees it, and the statements that request ran for it."""
    with recording() as statements:
        found = seen(campaign_id)
    return found, statements


def fresh(campaign_id: int) -> tuple:
    """The setup read from the database, nothing kept."""
    from recruit.services import change_tokens

    change_tokens.forget_all()
    db.session.remove()
    return seen(campaign_id)


@pytest.fixture
def setup(make_user):
    return sift_campaign(make_user(role="admin"), applications=2, members=2, grade="band-d")


def test_the_setup_is_kept_and_served_with_one_query_for_its_version(setup):
    campaign_id = setup.campaign.id
    first, statements = loaded(campaign_id)
    assert [s for s in statements if " FROM campaigns" in s], "the first request reads the campaign"
    again, statements = loaded(campaign_id)
    assert again == first
    assert len(statements) == 1 and " FROM setup_versions" in statements[0], statements
    assert again == fresh(campaign_id)


def test_the_kept_copy_is_the_sessions_own_and_what_is_changed_through_it_is_saved(setup):
    campaign_id = setup.campaign.id
    loaded(campaign_id)
    db.session.remove()
    campaign = load_campaign(campaign_id)
    assert campaign in db.session
    with unit_of_work():
        campaign.title = "Senior Policy Adviser (renamed)"
    after, statements = loaded(campaign_id)
    assert after[0] == "Senior Policy Adviser (renamed)"
    assert [s for s in statements if " FROM campaigns" in s], "read again under the new version"
    assert after == fresh(campaign_id)


def changes(setup):
    """Every kind of change that can touch what a page reads of a campaign's setup, each made and committed as the
    app makes it."""
    admin_id, campaign_id, chair_id = setup.admin.id, setup.campaign.id, setup.chair.id
    member_ids = [member.id for member in setup.members]

    def campaign() -> Campaign:
        return db.session.get(Campaign, campaign_id)

    def rename_campaign():
        with unit_of_work():
            campaign().title = "Renamed"

    def bulk_update():
        with unit_of_work():
            db.session.execute(update(Campaign).where(Campaign.id == campaign_id).values(title="Renamed in bulk"))

    def panel_changed():
        people = [db.session.get(User, person_id) for person_id in (admin_id, chair_id, member_ids[0])]
        campaigns.set_panel(people[0], campaign(), "interview", people[1], [people[2]])

    def member_renamed():
        with unit_of_work():
            db.session.get(User, member_ids[0]).name = "Member Renamed"

    def member_deactivated():
        with unit_of_work():
            db.session.get(User, member_ids[1]).active = False

    def criterion_changed():
        with unit_of_work():
            criterion = db.session.scalars(select(Criterion).where(Criterion.campaign_id == campaign_id)).first()
            criterion.weight = 3 if criterion.weight != 3 else 2

    def competency_renamed():
        with unit_of_work():
            criterion = db.session.scalars(select(Criterion).where(Criterion.campaign_id == campaign_id)).first()
            db.session.get(Competency, criterion.competency_id).name = "Renamed competency"

    def scale_renamed():
        with unit_of_work():
            db.session.get(ScoringScale, campaign().scale_id).name = "Renamed scale"

    return {
        "the campaign edited": rename_campaign,
        "an UPDATE statement on campaigns": bulk_update,
        "the panel changed": panel_changed,
        "a panel member renamed": member_renamed,
        "a panel member's account deactivated": member_deactivated,
        "a criterion changed": criterion_changed,
        "a competency renamed by a framework import": competency_renamed,
        "the scale renamed": scale_renamed,
    }


@pytest.mark.parametrize(
    "change",
    [
        "the campaign edited",
        "an UPDATE statement on campaigns",
        "the panel changed",
        "a panel member renamed",
        "a panel member's account deactivated",
        "a criterion changed",
        "a competency renamed by a framework import",
        "the scale renamed",
    ],
)
def test_every_kind_of_change_to_a_setup_is_read_afresh(setup, change):
    campaign_id, make_change = setup.campaign.id, changes(setup)[change]
    before, _ = loaded(campaign_id)
    token = setup_token()
    db.session.remove()
    make_change()
    assert setup_token() != token
    after, statements = loaded(campaign_id)
    assert after != before, "the change shows"
    assert after == fresh(campaign_id)


def test_a_removed_criterion_is_gone_from_the_next_request(make_user):
    admin = make_user(role="admin")
    campaign = draft_campaign(admin, "band-d")
    before, _ = loaded(campaign.id)
    db.session.remove()
    criterion = db.session.scalars(select(Criterion).where(Criterion.campaign_id == campaign.id)).first()
    criteria_service.remove_criterion(admin, criterion)
    after, _ = loaded(campaign.id)
    assert len(after[4]) == len(before[4]) - 1
    assert after == fresh(campaign.id)


def test_a_candidates_account_changing_keeps_the_version_and_a_new_assessor_moves_it(setup):
    loaded(setup.campaign.id)
    token = setup_token()
    candidate = UserFactory(role="candidate")
    db.session.commit()
    with unit_of_work():
        candidate.name = "Renamed Candidate"
    assert setup_token() == token, "candidates are in no campaign's setup"
    account_changes.change_role(setup.admin, candidate, "assessor")
    assert setup_token() != token


def test_a_change_rolled_back_keeps_the_version_and_what_was_kept(setup):
    campaign_id = setup.campaign.id
    before, _ = loaded(campaign_id)
    token = setup_token()
    db.session.remove()
    with pytest.raises(Refused), unit_of_work():
        db.session.get(Campaign, campaign_id).title = "Changed, then rolled back"
        db.session.flush()
        # Inside the transaction that changed it, the campaign is read with the change and nothing is kept.
        assert load_campaign(campaign_id).title == "Changed, then rolled back"
        raise Refused("Stopped on purpose")
    assert setup_token() == token
    after, statements = loaded(campaign_id)
    assert after == before
    assert len(statements) == 1, "still the kept setup"


def test_scoring_and_agreeing_leave_the_setup_version_alone(setup):
    campaign, application = setup.campaign, setup.applications[0]
    criterion = campaign.criteria_at("sift")[0]
    token = setup_token()
    for assessor, value in zip(setup.assessors, (4, 4, 5)):
        score(assessor, setup, application, criterion.code, value)
    agreement.agree(setup.chair, campaign, application, criterion, "sift", 4, "Agreed after discussion.")
    assert setup_token() == token


def test_a_campaign_that_does_not_exist_is_none():
    assert load_campaign(999_999) is None


# -- the signed-in person's account, and the stage's record ------------------------------------------------------


def signed_in_as(app, user):
    from tests import helpers

    return helpers.signed_in(app, user).client


def test_a_staff_account_is_kept_and_signed_out_at_once_when_deactivated_or_signed_out_everywhere(app, setup):
    member_id, url = setup.members[0].id, f"/assess/{setup.campaign.id}/sift"
    client = signed_in_as(app, setup.members[0])
    assert client.get(url).status_code == 200
    with recording() as statements:
        assert client.get(url).status_code == 200
    assert not [s for s in statements if " FROM users" in s], "the assessor's account is kept"

    with unit_of_work():
        db.session.get(User, member_id).active = False
    assert client.get(url).status_code == 302, "a deactivated account is signed out on its next request"

    with unit_of_work():
        db.session.get(User, member_id).active = True
    client = signed_in_as(app, db.session.get(User, member_id))
    assert client.get(url).status_code == 200
    with unit_of_work():
        db.session.get(User, member_id).session_version += 1  # signed out everywhere
    assert client.get(url).status_code == 302


def test_a_candidates_account_is_read_on_every_request(app):
    candidate = UserFactory(role="candidate")
    db.session.commit()
    client = signed_in_as(app, candidate)
    assert client.get("/applications").status_code == 200
    with recording() as statements:
        assert client.get("/applications").status_code == 200
    assert [s for s in statements if " FROM users" in s], "candidates' accounts are not kept"


def test_the_stages_record_is_kept_and_read_afresh_once_it_changes(setup):
    from recruit.services.campaigns.stages import recorded, stage_record_to_change

    campaign_id = setup.campaign.id

    def record_now():
        with recording() as statements:
            record = recorded(db.session.get(Campaign, campaign_id), "sift")
            seen = (record.presift_active, record.decided_at) if record is not None else None
        return seen, [s for s in statements if s.startswith("SELECT stage_records.id")]

    before, reads = record_now()
    again, reads = record_now()
    assert again == before and not reads, "kept"
    with unit_of_work():
        stage_record_to_change(db.session.get(Campaign, campaign_id), "sift").presift_active = True
    after, reads = record_now()
    assert after is not None and after[0] is True and reads, "read afresh"
