"""The pages assessors and chairs use most read in a small, fixed number of queries.

Under load (bench/load.py: 50 campaigns × 2,000 applications, 30 people at once) each query is a round trip
that waits its turn for the database, so these ceilings are what the load benchmark's figures rest on.
The campaign is Band D, whose criteria are at level 3: the scoring page shows the indicators of the levels
below as well, and those must not cost a query per level.
"""

from __future__ import annotations

from sqlalchemy import select

from recruit.extensions import db
from recruit.models import Application, AuditEvent, Campaign, Score, User
from recruit.services.assessment import agreement, scoring
from tests import helpers
from tests.factories import add_applications, score, sift_campaign
from tests.helpers import PageForm, csrf_token_from, parse, recording

CEILINGS = {
    # Every page starts with the versions of the campaign's setup and of the public content, in one query: the
    # signed-in person's staff account, the campaign, its criteria, its panels and the stage's record are kept in the
    # process under the first (services/campaigns/kept_setup.py), the framework's levels and indicators and the
    # scale's points under the second (services/frameworks/kept_wording.py).
    # The assessor's drafts and submitted scores on every application are counted in one query (for the progress,
    # the drafts filter and the next application), which also gives each row's progress.
    "work list": 5,
    # Every criterion of the application, to score on one page: the indicators of all of them in one query; the
    # redactions of all its statements in one more (services/fairness/redaction.py), on every page showing evidence.
    "application page": 6,
    "scoring page": 6,
    # One criterion across every application: the scoring page, with how many answers are scored.
    "one answer of many": 9,
    # The standings and the counted scores behind the agreement figures are kept under the campaign's report data
    # version (services/assessment/kept.py): the version, read once for both, is the query left of them.
    "moderation board": 5,
    # The sift's item page loads the candidate's statements in the same query as the application.
    "moderation item": 10,
    # Submitting every criterion of an application and going to the next one, besides writing the scores themselves:
    # one read of the person's scores, the agreed scores and the ticks offered (not one per criterion), every
    # version in one INSERT and every audit entry in another, the chair's check (whether the person has anything left:
    # whether the chair was told is read only when they have not), the report data version moved on at
    # the commit with the application it changed logged in one more INSERT (models/report_data.py), and the next
    # application found without reading the campaign again: the stage's applications kept under that version (its
    # read, and the changed application's again, rather than all of them), the assessor's conflicts, and their
    # scores on the next few applications in their order (services/assessment/assessor_views.next_reference).
    "application submitted": 15,
}


def statements_run(client, url: str) -> list[str]:
    """The SQL statements one GET runs."""
    assert client.get(url).status_code == 200, url  # warm: templates compiled
    with recording() as statements:
        response = client.get(url)
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    return statements


def signed_in(app, user):
    """The test client of a browser signed in as `user`."""
    return helpers.signed_in(app, user).client


def test_the_pages_assessors_and_chairs_use_most_stay_within_their_query_ceilings(app, make_user):
    setup = sift_campaign(make_user(role="admin"), applications=4, members=2, grade="band-d")
    campaign, chair, member = setup.campaign, setup.chair, setup.members[0]
    first, second = setup.applications[:2]
    codes = [c.code for c in campaign.criteria_at("sift")]
    for assessor, value in zip(setup.assessors, (3, 5, 4)):
        score(assessor, setup, first, codes[0], value)
    score(member, setup, second, codes[1], 6)
    agreement.agree(chair, campaign, first, campaign.criteria_at("sift")[0], "sift", 4, "Agreed after discussion.")
    assert campaign.criteria_at("sift")[1].level.number > 1  # so the scoring page shows lower levels too

    base, board = f"/assess/{campaign.id}/sift", f"/moderate/{campaign.id}/sift"
    urls = {
        "work list": ("member", base),
        "application page": ("member", f"{base}/{second.reference}"),
        "scoring page": ("member", f"{base}/{second.reference}/{codes[1]}"),
        "one answer of many": ("member", f"{base}/{second.reference}/{codes[1]}?by=criterion"),
        "moderation board": ("chair", board),
        "moderation item": ("chair", f"{board}/items/{first.reference}/{codes[0]}"),
    }
    clients = {"member": signed_in(app, member), "chair": signed_in(app, chair)}
    page = parse(clients["member"].get(urls["scoring page"][1]))
    assert page.select("details .recruit-indicators"), "the scoring page shows the lower levels' indicators"

    for name, (who, url) in urls.items():
        statements = statements_run(clients[who], url)
        assert len(statements) <= CEILINGS[name], f"{name} ran {len(statements)} statements:\n" + "\n".join(statements)
        stage_reads = [s for s in statements if s.startswith("SELECT stage_records.id")]
        assert len(stage_reads) <= 1, f"{name} read the stage's record {len(stage_reads)} times"
    # The lower levels' names come with the indicators, and the scale's points are kept too (kept_wording.py).
    statements = statements_run(clients["member"], urls["scoring page"][1])
    assert not [s for s in statements if "FROM framework_levels" in s and "FROM indicators" not in s], statements
    assert not [s for s in statements if "FROM scale_points" in s], statements


def test_submitting_a_score_reads_the_campaign_once_and_not_the_scores_history(app, make_user):
    setup = sift_campaign(make_user(role="admin"), applications=2, members=1, grade="band-d")
    campaign, member, application = setup.campaign, setup.members[0], setup.applications[0]
    criterion = campaign.criteria_at("sift")[0]
    url = f"/assess/{campaign.id}/sift/{application.reference}/{criterion.code}"
    client = signed_in(app, member)
    form = {"value": "5", "rationale": "Clear example at the level.", "submit_score": "Submit score"}

    for value, version in (("5", "0"), ("6", "1")):  # a new score, then a change to it (with a version to read)
        token = csrf_token_from(client.get(url).get_data(as_text=True))
        with recording() as statements:
            response = client.post(url, data={**form, "value": value, "version": version, "csrf_token": token})
        assert response.status_code == 302, "the score was saved"
        assert response.location.endswith(f"/assess/{campaign.id}/sift/{application.reference}")
        reads = [s for s in statements if s.startswith("SELECT")]
        # The campaign's setup is the one kept since the page was shown (services/campaigns/kept_setup.py): the
        # setup version is read once, the campaign not at all.
        assert not [s for s in reads if " FROM campaigns" in s], "\n".join(reads)
        assert len([s for s in reads if " FROM setup_versions" in s]) == 1, "\n".join(reads)
        assert not [s for s in reads if "FROM score_versions" in s], "\n".join(reads)
        # Nor the signed-in person, whose staff account is kept with the setup, nor again once the commit has expired
        # them (the response's no-store check).
        assert not [s for s in reads if " FROM users" in s], "\n".join(reads)
        # 22 with the check that the assessor did not apply to the campaign (one indexed read); 25 with the check
        # that tells the chair once every score is in (whether they were told, and this assessor's part left); 26
        # with the campaign's report data version moved on at the commit (models/report_data.py).
        assert len(statements) <= 26, f"{len(statements)} statements:\n" + "\n\n".join(statements)

    versions = [(v.version, v.value) for v in scoring.own_score(member, application, criterion, "sift").history]
    assert versions == [(1, 5), (2, 6)], "every saved state is kept, in order"


def test_agreeing_an_item_reads_it_once(app, make_user):
    """The item page reads the item (its scores, conflicts and agreed score) to show it; agreeing it checks that
    same reading, in the same transaction, rather than reading the item again."""
    setup = sift_campaign(make_user(role="admin"), applications=2, members=2, grade="band-d")
    campaign, application = setup.campaign, setup.applications[0]
    criterion = campaign.criteria_at("sift")[0]
    for assessor, value in zip(setup.assessors, (4, 4, 5)):
        score(assessor, setup, application, criterion.code, value)
    url = f"/moderate/{campaign.id}/sift/items/{application.reference}/{criterion.code}"
    client = signed_in(app, setup.chair)
    token = csrf_token_from(client.get(url).get_data(as_text=True))
    with recording() as statements:
        response = client.post(url, data={"csrf_token": token, "value": "4", "rationale": "", "next_item": "1"})
    assert response.status_code == 302, "the score was agreed"
    item_reads = [
        s for s in statements if s.startswith("SELECT scores.application_id, scores.criterion_id, scores.assessor_id")
    ]
    assert len(item_reads) == 1, "\n".join(item_reads)
    # Finding the next discrepant item after the commit uses the campaign as the page loaded it, and the response's
    # no-store check the chair as signed in: neither is loaded again. The campaign's setup is the one kept since the
    # page was shown (services/campaigns/kept_setup.py), as are the chair's account and the stage's record: its version
    # is read at the start and, for the stage's record, once more after the commit; the rest not at all.
    for table, times in (("users", 0), ("setup_versions", 2), ("campaigns", 0), ("criteria", 0), ("panels", 0)):
        reads = [s for s in statements if s.startswith("SELECT") and f" FROM {table} " in f"{s} "]
        assert len(reads) == times, f"{table} read {len(reads)} times:\n" + "\n".join(reads)
    assert not [s for s in statements if s.startswith("SELECT stage_records.id")], "\n".join(statements)
    agreed = agreement.item_for(campaign, "sift", application, criterion).agreed
    assert agreed is not None and agreed.value == 4


def test_the_chairs_board_item_and_feedback_pages_run_the_same_queries_for_10_and_600_applications(app, make_user):
    """The board (filtered), a discrepant item with the agree form and the next discrepancy named, the overview of
    every candidate's feedback, one candidate's feedback page and the panel quality page: a fixed number of
    queries, however many items the stage has in each state."""
    from sqlalchemy import func, insert, select

    from recruit.models import AgreedScore, Application, Campaign, User
    from recruit.services.assessment import feedback
    from tests.factories import add_applications, add_scores
    from tests.helpers import statements_for

    setup = sift_campaign(make_user(role="admin"), applications=10, members=1, keep_criteria=2)
    campaign, chair, member = setup.campaign, setup.chair, setup.members[0]
    one, two = campaign.criteria_at("sift")
    first, second, third = sorted(setup.applications, key=lambda a: a.reference)[:3]
    for application, values in ((first, (3, 6)), (second, (2, 5))):
        for person, value in zip(setup.assessors, values):
            score(person, setup, application, one.code, value)
    for person in setup.assessors:
        score(person, setup, third, one.code, 5)
        score(person, setup, third, two.code, 5)
    for criterion in (one, two):
        agreed = agreement.agree(chair, campaign, third, criterion, "sift", 5, "")
        feedback.save(chair, campaign, agreed, "Clear.")

    base = f"/moderate/{campaign.id}/sift"
    urls = {
        "board": f"{base}?view=discrepant",
        "item": f"{base}/items/{first.reference}/{one.code}",
        "feedback overview": f"{base}/feedback?view=incomplete",
        "candidate feedback": f"{base}/feedback/{third.reference}",
        "panel quality": f"{base}/quality",
    }
    client = signed_in(app, chair)
    page = parse(client.get(urls["item"]))
    assert page.select_one("#next-discrepant") is not None and page.select_one("#discrepancy-reasons") is not None
    ids = campaign.id, chair.id, member.id
    small = {name: statements_for(client, url) for name, url in urls.items()}

    campaign, chair, member = (db.session.get(kind, id_) for kind, id_ in zip((Campaign, User, User), ids))
    added = [application_id for application_id, _ in add_applications(campaign, 590, start=11)]
    add_scores(campaign, added[:400], [member], value=6)
    add_scores(campaign, added[:200], [chair], value=2)
    add_scores(campaign, added[200:400], [chair], value=6)
    db.session.execute(
        insert(AgreedScore),
        [
            {
                "application_id": application_id,
                "criterion_id": criterion_id,
                "stage": "sift",
                "value": 6,
                "proposal": 6,
                "discrepant": False,
                "agreed_by_id": chair.id,
                "feedback": "Bulk feedback." if application_id % 2 else "",
            }
            for application_id in added[200:400]
            for criterion_id in (c.id for c in campaign.criteria_at("sift"))
        ],
    )
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Application)) >= 600
    large = {name: statements_for(client, url) for name, url in urls.items()}

    assert large == small, f"statements for 10 applications: {small}; for 600: {large}"
    # Full pages of them, so that a query a row would have shown.
    assert len(parse(client.get(urls["board"])).select("#board tbody tr[data-item]")) == 50
    assert len(parse(client.get(urls["feedback overview"])).select("#feedback-overview tbody tr[data-reference]")) == 50


def test_the_page_for_a_whole_application_reads_the_same_for_any_number_of_criteria_and_applications(app, make_user):
    """Every criterion's evidence, indicators (and those of the levels below), scale and the assessor's own score:
    the statements do not grow with the criteria on the page, nor with the applications in the campaign."""
    admin_id = make_user(role="admin").id
    counts = {}
    for keep, start in ((1, 100), (5, 200)):
        setup = sift_campaign(
            db.session.get(User, admin_id), applications=0, members=1, grade="band-d", keep_criteria=keep
        )
        campaign_id, member = setup.campaign.id, setup.members[0]
        [(application_id, reference)] = add_applications(setup.campaign, 10, start=start)[:1]
        application = db.session.get(Application, application_id)
        codes = [c.code for c in setup.campaign.criteria_at("sift")]
        for code, value in zip(codes, (5, 3), strict=False):
            score(member, setup, application, code, value, submit=value == 5)
        client = signed_in(app, member)
        url = f"/assess/{campaign_id}/sift/{reference}"
        page = parse(client.get(url))
        assert len(page.select("section.recruit-criterion")) == keep
        assert len(page.select("section.recruit-criterion details .recruit-indicators")) == 2 * keep
        counts[(keep, 10)] = len(statements_run(client, url))
        if keep == 5:
            add_applications(db.session.get(Campaign, campaign_id), 990, start=1000)
            counts[(keep, 1000)] = len(statements_run(client, url))
    assert len(set(counts.values())) == 1, counts
    assert counts[(5, 1000)] <= CEILINGS["application page"]


def test_submitting_a_whole_application_writes_its_scores_versions_and_audit_entries_in_a_few_statements(
    app, make_user
):
    """Submit and go to the next application, with every criterion scored, first as new scores and then changed:
    the statements do not grow with the criteria, but for the scores themselves (each change checks the version it
    replaces; SQLite, unlike PostgreSQL, inserts new rows one at a time when their ids are needed back). Every saved
    state is kept and every change audited, as before."""
    setup = sift_campaign(make_user(role="admin"), applications=3, members=1, grade="band-d")
    campaign, member, application = setup.campaign, setup.members[0], setup.applications[0]
    codes = [criterion.code for criterion in campaign.criteria_at("sift")]
    assert len(codes) > 3
    campaign_id, reference = campaign.id, application.reference
    url = f"/assess/{campaign_id}/sift/{reference}"
    client = signed_in(app, member)
    postgresql = db.engine.dialect.name == "postgresql"

    for value in ("5", "6"):  # new scores, then a change to each of them
        form = PageForm(client, url)
        for code in codes:
            form.set(f"{code}-value", value).set(f"{code}-rationale", "Clear example at the level.")
        with recording() as statements:
            response = form.press("submit_next", "Submit and go to the next application")
        assert response.status_code == 302, "the scores were saved"
        assert response.location.startswith(f"/assess/{campaign_id}/sift/")
        assert not response.location.endswith(reference), "on to the next application"
        inserted = [s for s in statements if s.startswith("INSERT INTO scores ")]
        updated = [s for s in statements if s.startswith("UPDATE scores ")]
        if value == "5":
            assert (len(inserted), len(updated)) == (1 if postgresql else len(codes), 0), "\n".join(statements)
        else:
            assert (len(inserted), len(updated)) == (0, len(codes)), "\n".join(statements)
        for table in ("score_versions", "audit_events"):
            assert len([s for s in statements if s.startswith(f"INSERT INTO {table} ")]) == 1, "\n".join(statements)
        # The rows read once, whatever the number of criteria, and the versions (the setup's and the public content's)
        # not again after the commit; the campaign, the stage's record and the indicators, kept in the process since the
        # page was shown (services/campaigns/kept_setup.py, services/frameworks/indicator_lists.py), not at all.
        for read, times in (
            ("campaigns.id", 0),
            ("scores.id", 1),
            ("agreed_scores.id", 1),
            ("stage_records.id", 0),
        ):
            found = [s for s in statements if s.startswith(f"SELECT {read}")]
            assert len(found) == times, f"{read} read {len(found)} times:\n" + "\n".join(found)
        versions = [s for s in statements if " FROM setup_versions " in s]  # with the public content's, in one query
        assert len(versions) == 1, "\n".join(statements)
        assert not [s for s in statements if " FROM indicators" in s], "\n".join(statements)
        others = len(statements) - len(inserted) - len(updated)
        assert others <= CEILINGS["application submitted"], f"{others} statements:\n" + "\n\n".join(statements)

    scores = db.session.scalars(select(Score).where(Score.assessor_id == member.id)).all()
    assert len(scores) == len(codes)
    for saved in scores:
        assert [(v.version, v.value, v.status) for v in saved.history] == [(1, 5, "submitted"), (2, 6, "submitted")]
        entries = db.session.scalars(
            select(AuditEvent).where(AuditEvent.record_type == "score", AuditEvent.record_id == str(saved.id))
        ).all()
        assert [(e.action, e.actor_id, e.after["value"], e.after["application"]) for e in entries] == [
            ("score.submitted", member.id, 5, reference),
            ("score.changed", member.id, 6, reference),
        ]
