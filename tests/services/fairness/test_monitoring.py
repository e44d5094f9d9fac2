"""The candidate's diversity monitoring answers (services/fairness/monitoring.py): saving the whole questionnaire,
changing and removing it, every bad input refused with nothing changed, closed once the vacancy closes or the
application is withdrawn, the audit trail without the answers, and the candidate's data download."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from recruit.clock import utcnow
from recruit.extensions import db
from recruit.models import AuditEvent
from recruit.models.monitoring import MonitoringResponse
from recruit.monitoring_questions import QUESTIONS
from recruit.services.applications import submission as applications
from recruit.services.campaigns import status as campaign_status
from recruit.services.errors import Refused
from recruit.services.fairness import monitoring
from recruit.services.records.personal_data import everything_about
from tests.factories import UserFactory, open_campaign

DISTINCTIVE = {
    "sex": "female",
    "gender_identity": "different",
    "age_band": "55_59",
    "ethnicity": "white_gypsy_traveller",
    "disability": "yes",
    "sexual_orientation": "bisexual",
    "religion": "sikh",
    "caring_children": "yes",
    "caring_others": "50_hours_or_more",
    "parent_occupation": "long_term_unemployed",
    "school_type": "independent_bursary",
    "free_school_meals": "dont_know_meals",
}


@pytest.fixture
def application(make_user):
    campaign = open_campaign(make_user(role="admin"))
    return applications.start(UserFactory(role="candidate"), campaign)


def rows() -> int:
    return db.session.scalar(select(func.count(MonitoringResponse.id))) or 0


def audit_rows(application) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.record_type == "application", AuditEvent.record_id == str(application.id))
            .where(AuditEvent.action.like("monitoring.%"))
            .order_by(AuditEvent.id)
        )
    )


def save(application, answers, version=monitoring.NO_ANSWERS):
    return monitoring.save(application.candidate, application, answers, version)


def test_a_candidate_answers_every_question_and_it_is_audited_without_the_answers(application):
    response = save(application, DISTINCTIVE)
    assert response.answers() == DISTINCTIVE
    assert monitoring.response_for(application).id == response.id
    [entry] = audit_rows(application)
    assert entry.action == "monitoring.saved" and entry.actor_id == application.candidate_id
    assert entry.after == {"first_time": True, "questions_answered": 12}
    logged = json.dumps([entry.before, entry.after])
    for code in DISTINCTIVE.values():
        assert code not in logged


def test_blank_questions_stay_blank_and_prefer_not_to_say_is_an_answer(application):
    response = save(application, {"sex": "prefer_not_to_say", "religion": "", "ethnicity": None})
    answers = response.answers()
    assert answers["sex"] == "prefer_not_to_say"
    assert all(answers[key] is None for key in answers if key != "sex")
    labels = {row.question.key: row.answer for row in monitoring.summary(response)}
    assert labels["sex"] == "Prefer not to say" and labels["religion"] == "Not answered"


def test_changing_replaces_the_whole_questionnaire(application):
    first = save(application, DISTINCTIVE)
    first_id, first_version = first.id, first.version
    changed = save(application, {"religion": "none"}, version=first_version)
    assert changed.id == first_id and changed.version == first_version + 1
    assert changed.answers() == {key: ("none" if key == "religion" else None) for key in DISTINCTIVE}
    assert [e.after for e in audit_rows(application)][-1] == {"first_time": False, "questions_answered": 1}


def test_answering_nothing_keeps_nothing(application):
    first = save(application, DISTINCTIVE)
    assert save(application, {}, version=first.version) is None
    assert rows() == 0
    assert [e.action for e in audit_rows(application)] == ["monitoring.saved", "monitoring.removed"]
    # With no answers kept, answering nothing again changes nothing and logs nothing.
    assert save(application, dict.fromkeys(DISTINCTIVE, "")) is None
    assert len(audit_rows(application)) == 2


def test_removing_the_answers_deletes_the_row(application):
    response = save(application, DISTINCTIVE)
    monitoring.remove(application.candidate, application, response.version)
    assert rows() == 0 and monitoring.response_for(application) is None
    assert audit_rows(application)[-1].action == "monitoring.removed"
    assert audit_rows(application)[-1].after is None


@pytest.mark.parametrize("question", QUESTIONS, ids=lambda q: q.key)
def test_an_unknown_answer_to_any_question_is_refused(application, question):
    save(application, {"sex": "male"})
    version = monitoring.response_for(application).version
    with pytest.raises(Refused) as refused:
        save(application, {**DISTINCTIVE, question.key: "not-an-answer"}, version=version)
    assert refused.value.field == question.key
    assert refused.value.message == (
        f"Select one of the answers listed for {question.characteristic.lower()}, or leave it blank"
    )
    db.session.expire_all()
    assert monitoring.response_for(application).answers()["sex"] == "male"
    assert monitoring.response_for(application).answers()["religion"] is None


@pytest.mark.parametrize("version", [None, 0, 2, 99])
def test_a_stale_or_missing_version_is_refused(application, version):
    save(application, {"sex": "male"})
    with pytest.raises(Refused) as refused:
        save(application, DISTINCTIVE, version=version)
    assert refused.value.message == monitoring.STALE
    with pytest.raises(Refused):
        monitoring.remove(application.candidate, application, version)
    db.session.expire_all()
    assert monitoring.response_for(application).answers()["sex"] == "male"


def test_a_first_save_from_a_page_shown_before_answers_existed_elsewhere_is_stale(application):
    save(application, {"sex": "male"})
    with pytest.raises(Refused, match="changed in another window"):
        save(application, DISTINCTIVE, version=monitoring.NO_ANSWERS)


def test_someone_elses_application_is_refused(application):
    stranger = UserFactory(role="candidate")
    with pytest.raises(Refused, match="not your application"):
        monitoring.save(stranger, application, DISTINCTIVE, monitoring.NO_ANSWERS)
    assert rows() == 0


def test_a_submitted_application_can_still_change_its_answers_until_the_closing_time(application):
    applications.save_personal_details(
        application.candidate, application, full_name="Ann Candidate", email="ann@example.org", phone="", version=None
    )
    application.status = "submitted"
    db.session.commit()
    response = save(application, DISTINCTIVE)
    assert monitoring.change_refusal(application) is None
    with time_machine.travel(application.campaign.closes_at + timedelta(minutes=1)):
        refusal = monitoring.change_refusal(application)
        assert refusal.startswith("This vacancy closed on ")
        with pytest.raises(Refused, match="This vacancy closed"):
            save(application, {"sex": "male"}, version=response.version)
        with pytest.raises(Refused, match="This vacancy closed"):
            monitoring.remove(application.candidate, application, response.version)
        # What was answered is still shown to the candidate, read-only.
        entry = monitoring.task_list_entry(application)
        assert (entry.status, entry.answered) == ("Answered", True)
    db.session.expire_all()
    assert monitoring.response_for(application).answers() == DISTINCTIVE


def test_nothing_changes_once_the_application_is_withdrawn(application):
    response = save(application, DISTINCTIVE)
    applications.withdraw(application.candidate, application)
    with pytest.raises(Refused, match="You withdrew this application"):
        save(application, {"sex": "male"}, version=response.version)
    with pytest.raises(Refused, match="You withdrew this application"):
        monitoring.remove(application.candidate, application, response.version)
    assert monitoring.response_for(application).answers() == DISTINCTIVE


def test_the_task_list_entry(application):
    entry = monitoring.task_list_entry(application)
    assert (entry.title, entry.status, entry.answered) == ("Equality and diversity questions", "Not answered", False)
    save(application, {"sex": "male"})
    assert monitoring.task_list_entry(application).status == "Answered"
    with time_machine.travel(utcnow() + timedelta(days=30)):
        assert monitoring.task_list_entry(application).status == "Answered"
    monitoring.remove(application.candidate, application, monitoring.response_for(application).version)
    with time_machine.travel(utcnow() + timedelta(days=30)):
        # Closed with nothing answered: nothing to show.
        assert monitoring.task_list_entry(application) is None


def test_the_data_download_has_each_answer_as_question_and_label(application):
    assert everything_about(application.candidate)["applications"][0]["equality_and_diversity_answers"] is None
    save(application, {"ethnicity": "white_gypsy_traveller", "religion": "sikh"})
    [entry] = everything_about(application.candidate)["applications"]
    answers = {row["question"]: row["answer"] for row in entry["equality_and_diversity_answers"]}
    assert len(answers) == len(QUESTIONS)
    assert answers["What is your ethnic group?"] == "Gypsy or Irish Traveller"
    assert answers["What is your religion?"] == "Sikh"
    assert answers["What is your sex?"] == "Not answered"
    # Nobody else's answers are in anyone's download.
    other = applications.start(UserFactory(role="candidate"), application.campaign)
    assert everything_about(other.candidate)["applications"][0]["equality_and_diversity_answers"] is None


def test_a_vacancy_withdrawn_before_its_closing_time_is_no_longer_open(application, make_user):
    response = save(application, DISTINCTIVE)
    admin = make_user(role="admin")
    campaign_status.move(admin, application.campaign, "withdrawn", "The post is no longer needed")
    assert monitoring.change_refusal(application) == (
        "This vacancy is no longer open, so you can no longer answer or change these questions"
    )
    with pytest.raises(Refused, match="no longer open"):
        monitoring.remove(application.candidate, application, response.version)
