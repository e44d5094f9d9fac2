"""The unit of work: it commits what a service did or rolls all of it back, tells the person when a write lost a race
with someone else's, and inside another unit joins that one's transaction."""

from __future__ import annotations

import pytest
from sqlalchemy import event, func, inspect, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from recruit.extensions import db
from recruit.models import User
from recruit.services.errors import Refused
from recruit.services.unit_of_work import (
    CHANGED_ELSEWHERE,
    after_commit,
    discard,
    in_unit_of_work,
    keeping_loaded,
    unit_of_work,
)

MESSAGE = "This item has just been agreed by someone else; the agreed score is shown below"


def person(email: str = "ada@example.org", **values) -> User:
    return User(name="Ada", email=email, role="candidate", **values)


def stored(email: str = "ada@example.org") -> bool:
    """Whether the row is in the database as another request would see it: what the session holds uncommitted
    is rolled back first."""
    db.session.rollback()
    return db.session.scalar(select(func.count(User.id)).where(User.email == email)) == 1


@pytest.fixture
def commits():
    """How many times the session commits."""
    counted: list[int] = []
    session = db.session()

    def count(_session):
        counted.append(1)

    event.listen(session, "after_commit", count)
    yield counted
    event.remove(session, "after_commit", count)


def test_a_unit_that_ends_commits_what_it_did(commits):
    with unit_of_work():
        db.session.add(person())

    assert len(commits) == 1
    assert stored()


def test_a_unit_that_fails_rolls_back_and_the_error_goes_on():
    with pytest.raises(ValueError, match="broken"), unit_of_work():
        db.session.add(person())
        db.session.flush()
        raise ValueError("broken")

    assert not stored()


def test_a_refusal_rolls_back_and_reaches_the_caller_as_it_was():
    with pytest.raises(Refused) as refused, unit_of_work():
        db.session.add(person())
        db.session.flush()
        raise Refused("Enter your full name", "name")

    assert (refused.value.message, refused.value.field) == ("Enter your full name", "name")
    assert not stored()


def test_a_row_changed_by_someone_else_since_it_was_read_is_refused_with_the_callers_message():
    with unit_of_work():
        db.session.add(person())
    ada = db.session.scalar(select(User).where(User.email == "ada@example.org"))
    # Someone else removes the row after this request read it.
    db.session.execute(text("DELETE FROM users WHERE id = :id"), {"id": ada.id})

    with pytest.raises(Refused) as refused, unit_of_work(MESSAGE, "value"):
        ada.name = "Ada Lovelace"
        db.session.flush()

    assert (refused.value.message, refused.value.field) == (MESSAGE, "value")
    assert refused.value.__cause__ is None and refused.value.__suppress_context__


def test_a_stale_data_error_at_the_commit_is_refused_too(monkeypatch):
    def stale():
        raise StaleDataError("UPDATE statement on table 'users' expected to update 1 row(s); 0 were matched.")

    with unit_of_work():
        db.session.add(person())
    monkeypatch.setattr(db.session(), "commit", stale)

    with pytest.raises(Refused, match="agreed by someone else"), unit_of_work(MESSAGE):
        db.session.scalar(select(User).where(User.email == "ada@example.org")).name = "Ada Lovelace"
    monkeypatch.undo()

    assert db.session.scalar(select(User.name).where(User.email == "ada@example.org")) == "Ada"


def test_a_unique_row_written_first_by_someone_else_is_refused_with_the_default_message():
    with unit_of_work():
        db.session.add(person())

    with pytest.raises(Refused) as refused, unit_of_work():
        db.session.add(person())

    assert refused.value.message == CHANGED_ELSEWHERE
    assert refused.value.field is None
    assert db.session.scalar(select(func.count(User.id)).where(User.email == "ada@example.org")) == 1


def test_a_broken_check_constraint_is_a_fault_not_a_race_and_stays_an_integrity_error():
    with pytest.raises(IntegrityError), unit_of_work():
        db.session.add(person("NOT-LOWER-CASE@example.org"))

    assert not stored("NOT-LOWER-CASE@example.org")


def test_as_a_decorator_each_call_is_a_unit_of_its_own(commits):
    @unit_of_work(MESSAGE)
    def add(email: str) -> User:
        user = person(email)
        db.session.add(user)
        return user

    assert add.__name__ == "add"
    add("ada@example.org")
    add("grace@example.org")
    with pytest.raises(Refused, match="agreed by someone else"):
        add("grace@example.org")

    assert len(commits) == 2
    assert stored("ada@example.org") and stored("grace@example.org")


def test_an_inner_unit_joins_the_outer_one_and_only_the_outermost_commits(commits):
    with unit_of_work():
        with unit_of_work():
            db.session.add(person())
        assert commits == [], "the inner unit does not commit"
        db.session.add(person("grace@example.org"))

    assert len(commits) == 1
    assert stored() and stored("grace@example.org")


def test_when_the_outer_unit_fails_what_the_inner_one_did_is_rolled_back_too(commits):
    with pytest.raises(Refused), unit_of_work():
        with unit_of_work():
            db.session.add(person())
        raise Refused("Select a score", "value")

    assert commits == []
    assert not stored()


def test_an_inner_failure_fails_the_whole_unit_even_when_a_caller_in_between_catches_it(commits):
    with pytest.raises(Refused) as refused, unit_of_work():
        db.session.add(person())
        try:
            with unit_of_work():
                db.session.add(person("grace@example.org"))
                db.session.flush()
                raise Refused(MESSAGE)
        except Refused as inner:
            assert inner.message == MESSAGE
        db.session.add(person("hopper@example.org"))

    assert refused.value.message == MESSAGE, "the inner failure is what the caller hears"
    assert commits == []
    assert not stored() and not stored("grace@example.org") and not stored("hopper@example.org")


def test_an_inner_unit_that_lost_a_race_refuses_with_its_own_message_and_the_outer_one_rolls_back(commits):
    with unit_of_work():
        db.session.add(person())
    ada = db.session.scalar(select(User).where(User.email == "ada@example.org"))
    db.session.execute(text("DELETE FROM users WHERE id = :id"), {"id": ada.id})

    with pytest.raises(Refused) as refused, unit_of_work("Something else"), unit_of_work(MESSAGE):
        ada.name = "Ada Lovelace"
        db.session.flush()

    assert refused.value.message == MESSAGE
    assert len(commits) == 1, "only the first unit committed"
    assert stored(), "the removal the failed unit saw was rolled back with it"


def test_after_a_failed_unit_the_next_one_starts_afresh(commits):
    with pytest.raises(ValueError), unit_of_work(), unit_of_work():
        raise ValueError("broken")

    with unit_of_work():
        db.session.add(person())

    assert len(commits) == 1
    assert stored()


def test_one_unit_cannot_be_opened_twice_at_once():
    unit = unit_of_work()
    with unit, pytest.raises(RuntimeError, match="already open"), unit:
        pass


def test_discard_throws_away_what_no_unit_committed_and_is_refused_inside_a_unit():
    db.session.add(person())
    db.session.flush()
    discard()
    assert not stored()

    with pytest.raises(RuntimeError, match="inside a unit of work"), unit_of_work():
        discard()


def test_work_after_the_commit_runs_once_the_outermost_unit_has_committed(commits):
    ran = []
    with unit_of_work():
        with unit_of_work():
            after_commit("wake", lambda: ran.append(len(commits)))
            after_commit("wake", lambda: ran.append("a second callback under the same key"))
        assert ran == []  # the inner unit's end commits nothing
    assert ran == [1]

    with unit_of_work():
        pass
    assert ran == [1], "each callback runs once, after the commit it was registered in"


def test_work_after_the_commit_is_dropped_when_the_unit_rolls_back():
    ran = []
    with pytest.raises(RuntimeError), unit_of_work():
        after_commit("wake", lambda: ran.append(True))
        raise RuntimeError
    with unit_of_work():
        pass
    assert ran == []


def test_work_after_the_commit_needs_a_unit_to_wait_for():
    with pytest.raises(RuntimeError, match="outside a unit of work"):
        after_commit("wake", lambda: None)
    assert in_unit_of_work() is False
    with unit_of_work():
        assert in_unit_of_work() is True


def test_keeping_loaded_a_commit_leaves_what_was_loaded_to_be_read_without_loading_it_again(commits):
    with unit_of_work():
        db.session.add(person())
    ada = db.session.scalar(select(User).where(User.email == "ada@example.org"))

    with keeping_loaded(), unit_of_work():
        ada.name = "Ada Lovelace"
    assert len(commits) == 2
    assert not inspect(ada).expired_attributes, "nothing of it is to be loaded again"
    db.session.rollback()
    assert db.session.scalar(select(User.name).where(User.email == "ada@example.org")) == "Ada Lovelace"

    ada = db.session.scalar(select(User).where(User.email == "ada@example.org"))
    with unit_of_work():  # outside the block, a commit expires what is loaded, as before
        ada.name = "Ada King"
    assert "name" in inspect(ada).expired_attributes


def test_keeping_loaded_a_rollback_still_expires_what_was_loaded():
    with unit_of_work():
        db.session.add(person())
    ada = db.session.scalar(select(User).where(User.email == "ada@example.org"))

    with pytest.raises(Refused), keeping_loaded(), unit_of_work():
        ada.name = "Ada Lovelace"
        raise Refused("No")
    assert "name" in inspect(ada).expired_attributes
    assert ada.name == "Ada"
