"""The indicators the scoring and moderation pages show (services/frameworks/indicator_lists.py): the framework's
own lists, level by level and in source order; kept between requests, and read again as soon as an import or a
seed changes their wording."""

from __future__ import annotations

from sqlalchemy import select

from recruit.extensions import db
from recruit.models import Competency, Framework, Indicator
from recruit.services.frameworks import indicator_lists
from tests.factories import sift_campaign
from tests.helpers import recording, signed_in


def civil_service_competencies() -> list[Competency]:
    framework = db.session.scalar(select(Framework).where(Framework.slug == "civil-service-2012"))
    return list(db.session.scalars(select(Competency).where(Competency.framework_id == framework.id)))


def test_every_competencys_lists_are_the_frameworks_level_by_level_in_source_order():
    competencies = civil_service_competencies()
    found = indicator_lists.of_competencies(c.id for c in competencies)
    assert found.keys() == {c.id for c in competencies}
    for competency in competencies:
        assert found[competency.id].numbers == competency.level_numbers_with_indicators()
        framework = competency.framework
        assert dict(found[competency.id].names) == {n: framework.level(n).name for n in found[competency.id].numbers}
        for number in range(0, 8):
            expected = competency.indicators_at(number)
            assert {
                kind: [(i.id, i.text) for i in items] for kind, items in found[competency.id].at(number).items()
            } == {kind: [(i.id, i.text) for i in items] for kind, items in expected.items()}, (competency.name, number)


def test_the_lists_are_read_once_and_kept_until_the_wording_changes():
    (competency, *_) = civil_service_competencies()
    first = indicator_lists.of_competency(competency.id)
    competency_id = competency.id
    with recording() as statements:  # from a new session, as the next request's
        assert indicator_lists.of_competency(competency_id) is first
        assert len(statements) == 1, statements  # the public content's version alone
        indicator_lists.of_competency(competency_id)
        assert len(statements) == 1, "read once a transaction"
    competency = db.session.get_one(Competency, competency_id)

    number = first.numbers[-1]
    indicator = db.session.get_one(Indicator, first.at(number)["effective"][0].id)
    indicator.text = "Sets out the options and the evidence for each, in plain words"
    db.session.flush()
    # Not committed yet: this transaction sees its own change, and nothing read from it is kept.
    assert indicator_lists.of_competency(competency.id).at(number)["effective"][0].text == indicator.text
    db.session.commit()
    now = indicator_lists.of_competency(competency.id)
    assert now.at(number)["effective"][0].text == "Sets out the options and the evidence for each, in plain words"
    db.session.commit()
    assert indicator_lists.of_competency(competency.id) is now


def test_the_panel_page_shows_the_imported_wording_at_once(app, admin, runner, tmp_path):
    setup = sift_campaign(admin, applications=1, members=1)
    campaign, application = setup.campaign, setup.applications[0]
    criterion = campaign.criteria_at("sift")[0]
    url = f"/assess/{campaign.id}/sift/{application.reference}"
    old = indicator_lists.of_competency(criterion.competency_id).at(criterion.level.number)["effective"][0].text
    client = signed_in(app, setup.chair).client
    assert old in client.get(url).get_data(as_text=True)
    exported = runner.invoke(args=["frameworks", "export", "civil-service-2012"])
    assert exported.exit_code == 0
    path = tmp_path / "civil-service-2012.yaml"
    assert old in exported.output
    path.write_text(exported.output.replace(old, "Weighs each option against the evidence", 1))
    imported = runner.invoke(args=["frameworks", "import", str(path)])
    assert imported.exit_code == 0, imported.output
    page = client.get(url).get_data(as_text=True)
    assert "Weighs each option against the evidence" in page
    assert old not in page
