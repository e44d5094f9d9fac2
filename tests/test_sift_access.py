"""The sift stays blind and stays with its panel (DESIGN §6, §8), in a fixed number of queries.

Blindness: no candidate's name, email or phone on any page an assessor or the chair can reach,
and no other assessor's score before one's own is in. Access: a walk over every scoring and
moderation route, as everyone who might try it. Query counts: the same for 10 and 1,000 applications.
"""
from __future__ import annotations

from collections import deque

from bs4 import BeautifulSoup
from sqlalchemy import event, insert

from recruit.clock import utcnow
from recruit.extensions import db
from recruit.models import Application, Campaign, PersonalDetails, Score, Statement, User
from recruit.services import agreement
from tests.conftest import Forms, parse
from tests.sift_helpers import score, sift_campaign


# -- helpers ---------------------------------------------------------------------------------------

def add_applications(campaign: Campaign, count: int, start: int) -> list[tuple[int, str]]:
    """`count` more submitted applications, inserted in bulk: the helpers' one-by-one way is too slow for 1,000.

    Candidates are "Candidate N", candidateN@example.org, phone 0770090000N for N from `start`.
    """
    from recruit.services.applications import unique_references

    now = utcnow()
    numbers = range(start, start + count)
    user_ids = db.session.scalars(insert(User).returning(User.id, sort_by_parameter_order=True), [
        {"email": f"candidate{n}@example.org", "name": f"Candidate {n}", "role": "candidate"} for n in numbers]).all()
    references = unique_references(count)
    application_ids = db.session.scalars(insert(Application).returning(Application.id, sort_by_parameter_order=True), [
        {"campaign_id": campaign.id, "candidate_id": user_id, "reference": reference, "status": "submitted",
         "submitted_at": now} for user_id, reference in zip(user_ids, references)]).all()
    db.session.execute(insert(PersonalDetails), [
        {"application_id": application_id, "full_name": f"Candidate {n}", "email": f"candidate{n}@example.org",
         "phone": f"0770090000{n}"} for application_id, n in zip(application_ids, numbers)])
    db.session.execute(insert(Statement), [
        {"application_id": application_id, "criterion_id": criterion.id, "word_count": 8,
         "text": f"Evidence {n} for {criterion.name}: I led a project."}
        for application_id, n in zip(application_ids, numbers) for criterion in campaign.criteria_at("sift")])
    db.session.commit()
    return list(zip(application_ids, references))


def add_scores(campaign: Campaign, application_ids: list[int], assessors: list[User], value: int = 5) -> None:
    now = utcnow()
    db.session.execute(insert(Score), [
        {"application_id": application_id, "criterion_id": criterion.id, "assessor_id": assessor.id, "stage": "sift",
         "value": value, "rationale": "Bulk rationale.", "status": "submitted", "ticked": [], "submitted_at": now,
         "version": 1}
        for application_id in application_ids for criterion in campaign.criteria_at("sift") for assessor in assessors])
    db.session.commit()


def signed_in(app, user: User) -> Forms:
    forms = Forms(app.test_client())
    forms.sign_in(user)
    return forms


class Statements:
    """Count every SQL statement run inside a block."""

    def __enter__(self):
        self.count = 0
        event.listen(db.engine, "before_cursor_execute", self._record)
        return self

    def __exit__(self, *exc):
        event.remove(db.engine, "before_cursor_execute", self._record)

    def _record(self, *args):
        self.count += 1


def statements_for(client, url: str) -> int:
    """Statements for one GET, from an empty session as a real request starts (the test's app context,
    which test-client requests share, would otherwise keep yesterday's objects in the identity map)."""
    db.session.remove()
    client.get(url)  # warm: templates compiled, nothing else kept
    db.session.remove()
    with Statements() as counter:
        response = client.get(url)
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    db.session.remove()
    return counter.count


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
        "work list": ("member", f"/assess/{campaign.id}/sift"),
        "moderation board": ("chair", f"/moderate/{campaign.id}/sift"),
    }
    clients = {"member": signed_in(app, member).client, "chair": signed_in(app, chair).client}
    ids = campaign.id, chair.id, member.id, setup.members[1].id
    small = {name: statements_for(clients[who], url) for name, (who, url) in urls.items()}

    campaign, chair, member, other = (db.session.get(kind, id_) for kind, id_ in zip((Campaign, User, User, User), ids))
    added = add_applications(campaign, 990, start=11)
    add_scores(campaign, [application_id for application_id, _ in added[:600]], [member])
    add_scores(campaign, [application_id for application_id, _ in added[:300]], [chair, other], value=4)
    large = {name: statements_for(clients[who], url) for name, (who, url) in urls.items()}

    print(f"statements for 10 applications: {small}; for 1,000: {large}")
    assert large == small
