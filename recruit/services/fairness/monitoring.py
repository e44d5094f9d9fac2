"""The candidate's diversity monitoring answers (DESIGN §12): reading, saving and removing them.

The questionnaire is optional and can be answered, changed or removed until the application closes: the campaign's
closing time, or the candidate withdrawing. A submitted application can still change its answers before the closing
time, since the answers are not part of what the panel assesses.

Only this module and the aggregate figures read `MonitoringResponse`. The audit log, which admins read, records that
a candidate saved or removed answers and how many questions they answered, never what they answered.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select

from recruit.clock import format_uk, utcnow
from recruit.extensions import db
from recruit.models import Application, User
from recruit.models.monitoring import MonitoringResponse
from recruit.monitoring_questions import QUESTIONS, Question
from recruit.services.campaigns.vacancies import accepting_applications
from recruit.services.errors import Refused
from recruit.services.records import audit
from recruit.services.unit_of_work import unit_of_work

STALE = (
    "Your answers were changed in another window or tab, so nothing was saved. Check your answers below and save "
    "them again"
)
# The version a page shows when the candidate has no answers yet.
NO_ANSWERS = 0


def change_refusal(application: Application) -> str | None:
    """Why the candidate cannot answer, change or remove their answers now; None while they can."""
    if application.withdrawn:
        return "You withdrew this application, so you can no longer answer or change these questions"
    campaign = application.campaign
    if not accepting_applications(campaign):
        if campaign.closes_at is not None and campaign.closes_at <= utcnow():
            closed = f"This vacancy closed on {format_uk(campaign.closes_at)}"
        else:
            # Closed early or withdrawn by the recruiting team: the closing date shown would not have passed.
            closed = "This vacancy is no longer open"
        return f"{closed}, so you can no longer answer or change these questions"
    return None


def response_for(application: Application) -> MonitoringResponse | None:
    """The application's answers, if the candidate gave any. Only the candidate's own pages call this."""
    return db.session.scalar(select(MonitoringResponse).where(MonitoringResponse.application_id == application.id))


def version_of(response: MonitoringResponse | None) -> int:
    return response.version if response is not None else NO_ANSWERS


@dataclass(frozen=True)
class AnsweredQuestion:
    question: Question
    code: str | None

    @property
    def answer(self) -> str:
        return self.question.label(self.code)


def summary(response: MonitoringResponse | None) -> list[AnsweredQuestion]:
    """Every question with the answer given (blank ones named "Not answered"), in the order asked."""
    answers = response.answers() if response is not None else {}
    return [AnsweredQuestion(question, answers.get(question.key)) for question in QUESTIONS]


def _own_and_open(candidate: User, application: Application) -> None:
    if application.candidate_id != candidate.id:
        raise Refused("This is not your application")
    refusal = change_refusal(application)
    if refusal:
        raise Refused(refusal)


def _check_version(response: MonitoringResponse | None, version: int | None) -> None:
    # A page without a version, or one shown before answers were saved, removed or changed elsewhere, is stale.
    if version is None or version != version_of(response):
        raise Refused(STALE)


def unknown_answer(question: Question) -> str:
    # Named by what it asks about, so the error summary says which of the twelve questions is wrong.
    return f"Select one of the answers listed for {question.characteristic.lower()}, or leave it blank"


def _checked(answers: Mapping[str, str | None]) -> dict[str, str | None]:
    checked: dict[str, str | None] = {}
    for question in QUESTIONS:
        code = answers.get(question.key) or None
        if code is not None and code not in question.codes:
            raise Refused(unknown_answer(question), question.key)
        checked[question.key] = code
    return checked


@unit_of_work(STALE)
def save(
    candidate: User, application: Application, answers: Mapping[str, str | None], version: int | None
) -> MonitoringResponse | None:
    """Save the whole questionnaire at once; a question left blank stays blank. Answering nothing at all keeps
    nothing, as skipping does."""
    _own_and_open(candidate, application)
    response = response_for(application)
    _check_version(response, version)
    checked = _checked(answers)
    answered = sum(1 for code in checked.values() if code is not None)
    if answered == 0:
        _remove(candidate, application, response)
        return None
    created = response is None
    if response is None:
        response = MonitoringResponse(application_id=application.id)
        db.session.add(response)
    for key, code in checked.items():
        setattr(response, key, code)
    db.session.flush()
    audit.record(
        "monitoring.saved",
        "application",
        application.id,
        # How many questions, never which answers: admins read the audit log.
        after={"first_time": created, "questions_answered": answered},
        actor=candidate,
    )
    return response


@unit_of_work(STALE)
def remove(candidate: User, application: Application, version: int | None) -> None:
    """Remove the candidate's answers, as if they had never answered; removing none changes nothing."""
    _own_and_open(candidate, application)
    response = response_for(application)
    _check_version(response, version)
    _remove(candidate, application, response)


def _remove(candidate: User, application: Application, response: MonitoringResponse | None) -> None:
    if response is None:
        return
    db.session.delete(response)
    db.session.flush()
    audit.record("monitoring.removed", "application", application.id, actor=candidate)


@dataclass(frozen=True)
class MonitoringEntry:
    """The task list page's link to the questions: where it goes and the status beside it."""

    title: str
    status: str
    answered: bool


def task_list_entry(application: Application) -> MonitoringEntry | None:
    """The link on the candidate's task list page; None once the questions are closed and nothing was answered."""
    answered = response_for(application) is not None
    if not answered and change_refusal(application) is not None:
        return None
    title = "Equality and diversity questions"
    return MonitoringEntry(title, "Answered" if answered else "Not answered", answered)


def for_download(application: Application) -> list[dict[str, str]] | None:
    """The candidate's own answers for their data download, as question and answer; None when they gave none."""
    response = response_for(application)
    if response is None:
        return None
    return [{"question": row.question.text, "answer": row.answer} for row in summary(response)]
