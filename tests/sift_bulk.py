"""Bulk-made sift data for tests that need 1,000 applications, and a counter of SQL statements."""
from __future__ import annotations

from sqlalchemy import event, insert

from recruit.clock import utcnow
from recruit.extensions import db
from recruit.models import Application, Campaign, PersonalDetails, Score, Statement, User
from recruit.services.applications.submission import unique_references


def add_applications(campaign: Campaign, count: int, start: int, status: str = "submitted") -> list[tuple[int, str]]:
    """`count` more applications (submitted unless told), inserted in bulk: sift_campaign's one-by-one way is too
    slow for 1,000. Candidates are "Candidate N", candidateN@example.org, phone 0770090000N for N from `start`."""
    now = utcnow()
    numbers = range(start, start + count)
    user_ids = db.session.scalars(insert(User).returning(User.id, sort_by_parameter_order=True), [
        {"email": f"candidate{n}@example.org", "name": f"Candidate {n}", "role": "candidate"} for n in numbers]).all()
    references = unique_references(count)
    application_ids = db.session.scalars(insert(Application).returning(Application.id, sort_by_parameter_order=True), [
        {"campaign_id": campaign.id, "candidate_id": user_id, "reference": reference, "status": status,
         "submitted_at": None if status == "draft" else now} for user_id, reference in zip(user_ids, references)]).all()
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
    """A submitted sift score from each assessor for every criterion of these applications, inserted in bulk."""
    now = utcnow()
    db.session.execute(insert(Score), [
        {"application_id": application_id, "criterion_id": criterion.id, "assessor_id": assessor.id, "stage": "sift",
         "value": value, "rationale": "Bulk rationale.", "status": "submitted", "ticked": [], "submitted_at": now,
         "version": 1}
        for application_id in application_ids for criterion in campaign.criteria_at("sift") for assessor in assessors])
    db.session.commit()


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
