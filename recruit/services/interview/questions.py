"""The interview question bank, and the questions a campaign's interview criteria use."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from recruit.extensions import db
from recruit.models import Competency, Criterion, CriterionQuestion, FrameworkLevel, InterviewQuestion, User
from recruit.services.campaigns.rules import require
from recruit.services.errors import Refused
from recruit.services.records import audit
from recruit.services.unit_of_work import unit_of_work


def bank() -> list[InterviewQuestion]:
    return list(
        db.session.scalars(
            select(InterviewQuestion)
            .options(selectinload(InterviewQuestion.competency), selectinload(InterviewQuestion.level))
            .order_by(InterviewQuestion.competency_id, InterviewQuestion.id)
        )
    )


@unit_of_work()
def add(actor: User, text: str, competency: Competency | None, level: FrameworkLevel | None) -> InterviewQuestion:
    if not text.strip():
        raise Refused("Enter the question", "text")
    if level is not None and (competency is None or level.framework_id != competency.framework_id):
        raise Refused("Choose a level of the competency's framework, or no level", "level")
    question = InterviewQuestion(text=text.strip(), competency=competency, level=level, created_by_id=actor.id)
    db.session.add(question)
    db.session.flush()
    audit.record(
        "question.added",
        "interview_question",
        question.id,
        after={
            "text": question.text,
            "competency": competency.slug if competency else None,
            "level": level.number if level else None,
        },
        actor=actor,
    )
    return question


def suitable(criterion: Criterion) -> list[InterviewQuestion]:
    """Questions for this criterion's competency (at its level, or any level), and general ones."""
    query = select(InterviewQuestion)
    if criterion.competency_id is None:
        query = query.where(InterviewQuestion.competency_id.is_(None))
    else:
        query = query.where(
            or_(
                InterviewQuestion.competency_id.is_(None),
                (InterviewQuestion.competency_id == criterion.competency_id)
                & or_(InterviewQuestion.level_id.is_(None), InterviewQuestion.level_id == criterion.level_id),
            )
        )
    return list(db.session.scalars(query.order_by(InterviewQuestion.competency_id.desc(), InterviewQuestion.id)))


def chosen(criterion: Criterion) -> list[InterviewQuestion]:
    return list(
        db.session.scalars(
            select(InterviewQuestion)
            .join(CriterionQuestion)
            .where(CriterionQuestion.criterion_id == criterion.id)
            .order_by(CriterionQuestion.position)
        )
    )


def chosen_for(criteria: Sequence[Criterion]) -> dict[int, list[str]]:
    """The questions chosen for each of these criteria, in their order, by criterion id, in one query: the questions
    the panel were given to ask every candidate. They cannot change once interviews have started."""
    asked: dict[int, list[str]] = {criterion.id: [] for criterion in criteria}
    if asked:
        rows = db.session.execute(
            select(CriterionQuestion.criterion_id, InterviewQuestion.text)
            .join(InterviewQuestion, InterviewQuestion.id == CriterionQuestion.question_id)
            .where(CriterionQuestion.criterion_id.in_(asked))
            .order_by(CriterionQuestion.criterion_id, CriterionQuestion.position, CriterionQuestion.id)
        )
        for criterion_id, text in rows:
            asked[criterion_id].append(text)
    return asked


@unit_of_work()
def choose(actor: User, criterion: Criterion, question_ids: list[int]) -> None:
    require(criterion.campaign, "change_interview_criteria")
    if not criterion.at_interview:
        raise Refused("Questions are for criteria assessed at interview")
    allowed = {q.id for q in suitable(criterion)}
    if not set(question_ids) <= allowed:
        raise Refused("Choose questions from the list", "questions")
    existing = db.session.scalars(select(CriterionQuestion).where(CriterionQuestion.criterion_id == criterion.id))
    for link in existing:
        db.session.delete(link)
    db.session.flush()
    for position, question_id in enumerate(question_ids):
        db.session.add(CriterionQuestion(criterion_id=criterion.id, question_id=question_id, position=position))
    audit.record(
        "criterion.questions_chosen",
        "campaign",
        criterion.campaign_id,
        after={"criterion": criterion.code, "questions": question_ids},
        actor=actor,
    )
