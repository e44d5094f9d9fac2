"""A whole sift worked by hand: three assessors, eight applications, three criteria (one weighted, one lead),
a conflict of interest, both kinds of discrepancy, a tie broken by the lead, one broken further down the
chain and one nothing breaks. Every proposal, agreed score, total, pass or fail and rank is written out
below and checked through the services and the chair's pages.
"""

from __future__ import annotations

import pytest

from recruit.extensions import db
from recruit.models import AgreedScore, Application
from recruit.services.assessment import agreement, results, scoring
from recruit.services.assessment.board import load_items
from recruit.services.campaigns import setup as campaigns
from recruit.services.campaigns.criteria import update_criterion
from recruit.services.errors import Refused
from tests.factories import score, sift_campaign
from tests.helpers import Forms, parse, signed_in

LC = "leading-and-communicating"  # weight 1, listed first
CP = "collaborating-and-partnering"  # weight 2
MQ = "managing-a-quality-service"  # weight 1, the lead criterion
CODES = (LC, CP, MQ)
OVERALL_PASS_MARK = 18  # every criterion's pass mark is 4; the discrepancy threshold is 2
SPREAD = "scores 2 apart"
STRADDLE = "scores on both sides of the pass mark"

# Submitted scores as (chair, member 1, member 2). Member 2 scores A7's first criterion, then declares a
# conflict of interest with A7 and scores nothing else for it: A7's items expect two scores, not three.
SCORES = {
    "A1": {LC: (6, 6, 7), CP: (5, 5, 5), MQ: (5, 7, 6)},
    "A2": {LC: (5, 6, 5), CP: (4, 5, 6), MQ: (7, 7, 6)},
    "A3": {LC: (5, 5, 5), CP: (5, 6, 5), MQ: (4, 5, 5)},
    "A4": {LC: (5, 5, 6), CP: (6, 5, 5), MQ: (5, 5, 5)},
    "A5": {LC: (7, 7, 6), CP: (3, 4, 4), MQ: (5, 5, 4)},
    "A6": {LC: (5, 5, 5), CP: (4, 4, 5), MQ: (6, 6, 6)},
    "A7": {LC: (3, 4, 7), CP: (6, 6, None), MQ: (4, 5, None)},
    "A8": {LC: (4, 4, 4), CP: (4, 5, 4), MQ: (3, 5, 4)},
}

# Per item: the scores that count, the proposal (mean rounded half up), and why it is discrepant.
ITEMS = {
    ("A1", LC): ((6, 6, 7), 6, []),  # 19/3 = 6.33 → 6, spread 1
    ("A1", CP): ((5, 5, 5), 5, []),
    ("A1", MQ): ((5, 7, 6), 6, [SPREAD]),  # 18/3 = 6, spread 2
    ("A2", LC): ((5, 6, 5), 5, []),  # 5.33 → 5
    ("A2", CP): ((4, 5, 6), 5, [SPREAD]),  # 5, spread 2, all at or above 4
    ("A2", MQ): ((7, 7, 6), 7, []),  # 6.67 → 7
    ("A3", LC): ((5, 5, 5), 5, []),
    ("A3", CP): ((5, 6, 5), 5, []),  # 5.33 → 5
    ("A3", MQ): ((4, 5, 5), 5, []),  # 4.67 → 5, all at or above 4
    ("A4", LC): ((5, 5, 6), 5, []),
    ("A4", CP): ((6, 5, 5), 5, []),
    ("A4", MQ): ((5, 5, 5), 5, []),
    ("A5", LC): ((7, 7, 6), 7, []),  # 6.67 → 7
    ("A5", CP): ((3, 4, 4), 4, [STRADDLE]),  # 3.67 → 4, spread only 1 but 3 is below the pass mark
    ("A5", MQ): ((5, 5, 4), 5, []),  # 4.67 → 5
    ("A6", LC): ((5, 5, 5), 5, []),
    ("A6", CP): ((4, 4, 5), 4, []),  # 4.33 → 4
    ("A6", MQ): ((6, 6, 6), 6, []),
    ("A7", LC): ((3, 4), 4, [STRADDLE]),  # member 2's 7 excluded: 3.5 → 4 (half up), spread 1
    ("A7", CP): ((6, 6), 6, []),
    ("A7", MQ): ((4, 5), 5, []),  # 4.5 → 5 (half up, not to even), spread 1, both ≥ 4
    ("A8", LC): ((4, 4, 4), 4, []),
    ("A8", CP): ((4, 5, 4), 4, []),  # 4.33 → 4
    ("A8", MQ): ((3, 5, 4), 4, [SPREAD, STRADDLE]),  # 4, spread 2 and 3 is below the pass mark
}
DISCREPANT = sorted(key for key, (_, _, reasons) in ITEMS.items() if reasons)

# The chair's agreed scores for the five discrepant items; A7's first criterion goes below its proposal.
AGREED_DISCREPANT = {
    ("A1", MQ): (6, "Strong evidence of service standards once the panel discussed it."),
    ("A2", CP): (5, "Member 1's reading of the partnership example is the fairest."),
    ("A5", CP): (4, "The example meets the level, just."),
    ("A7", LC): (3, "No example of communicating a vision; below the level."),
    ("A8", MQ): (4, "Meets the level on quality, with gaps."),
}

# Agreed scores (LC, CP, MQ); total = LC + 2×CP + MQ; pass = every score ≥ 4 and total ≥ 18.
# Ranking: total, then the lead (MQ), then LC, then CP.
EXPECTED = {
    #      agreed      total  passes per criterion  passed  rank
    "A1": ((6, 5, 6), 22, (True, True, True), True, "2"),  # ties A2 on 22; lead 6 < 7
    "A2": ((5, 5, 7), 22, (True, True, True), True, "1"),  # lead 7 breaks the tie with A1
    "A3": ((5, 5, 5), 20, (True, True, True), True, "=4"),  # identical to A4: nothing breaks the tie
    "A4": ((5, 5, 5), 20, (True, True, True), True, "=4"),
    "A5": ((7, 4, 5), 20, (True, True, True), True, "3"),  # 20 and lead 5 like A3, A4; LC 7 > 5
    "A6": ((5, 4, 6), 19, (True, True, True), True, "6"),  # after the shared 4th place comes 6th
    "A7": ((3, 6, 5), 20, (False, True, True), False, ""),  # fails LC despite a total of 20
    "A8": ((4, 4, 4), 16, (True, True, True), False, ""),  # every criterion passes; 16 < 18
}


def configure(admin):
    """Before the campaign opens: the second criterion counts double, the third is the lead, pass mark 18."""

    def change(campaign):
        by_code = {c.code: c for c in campaign.criteria}
        for code, weight, lead in ((CP, 2, False), (MQ, 1, True)):
            criterion = by_code[code]
            update_criterion(
                admin,
                criterion,
                level=None,
                at_sift=True,
                at_interview=criterion.at_interview,
                weight=weight,
                pass_mark=criterion.pass_mark,
                word_limit=criterion.word_limit,
                is_lead=lead,
            )
        campaigns.update_settings(
            admin,
            campaign,
            scale=campaign.scale,
            discrepancy_threshold=2,
            overall_pass_mark=OVERALL_PASS_MARK,
            presift_threshold=None,
        )

    return change


def board_rows(browser: Forms, campaign, view: str) -> dict[str, list[str]]:
    response = browser.client.get(f"/moderate/{campaign.id}/sift?view={view}")
    assert response.status_code == 200
    return {
        row["data-item"]: [cell.get_text(" ", strip=True) for cell in row.select("td")]
        for row in parse(response).select("#board tbody tr[data-item]")
    }


def test_a_hand_worked_sift_from_scores_to_sign_off(app, make_user):
    admin = make_user(role="admin")
    setup = sift_campaign(admin, applications=8, members=2, keep_criteria=3, configure=configure(admin))
    campaign, chair = setup.campaign, setup.chair
    member1, member2 = setup.members
    assessors = (chair, member1, member2)
    apps = {f"A{n}": application for n, application in enumerate(setup.applications, start=1)}
    label = {application.id: name for name, application in apps.items()}
    criteria = {c.code: c for c in campaign.criteria}
    assert [(c.code, c.weight, c.pass_mark, c.is_lead) for c in campaign.criteria] == [
        (LC, 1, 4, False),
        (CP, 2, 4, False),
        (MQ, 1, 4, True),
    ]
    assert (campaign.discrepancy_threshold, campaign.overall_pass_mark) == (2, OVERALL_PASS_MARK)

    # Everyone scores, except member 1 on A8 (done later through the pages).
    for name, by_code in SCORES.items():
        for code, values in by_code.items():
            for assessor, value in zip(assessors, values):
                if value is not None and not (name == "A8" and assessor is member1):
                    score(assessor, setup, apps[name], code, value, rationale=f"{name} {code}: {value}")

    # Before the conflict, member 2's 7 counts and A7's other items wait for member 2.
    before = {(label[i.application.id], i.criterion.code): i for i in load_items(campaign, "sift", [apps["A7"]])}
    assert before[("A7", LC)].state.scores == (3, 4, 7)
    assert (before[("A7", LC)].state.proposal, before[("A7", LC)].state.spread) == (5, 4)
    assert [(before[("A7", c)].state.status, before[("A7", c)].state.expected) for c in (CP, MQ)] == [
        ("awaiting scores", 3),
        ("awaiting scores", 3),
    ]

    scoring.declare(member2, campaign, apps["A7"], "sift", True, "I used to manage this candidate.")
    with pytest.raises(Refused, match="declared a conflict of interest"):
        score(member2, setup, apps["A7"], CP, 6)

    # Every item's counted scores, proposal and discrepancy, as the board service reads them.
    items = {(label[i.application.id], i.criterion.code): i for i in load_items(campaign, "sift", list(apps.values()))}
    assert set(items) == set(ITEMS)
    for key, (counted, proposal, reasons) in ITEMS.items():
        item = items[key]
        if key[0] == "A8":  # member 1 has still to score A8
            assert (item.state.status, item.state.expected, item.state.proposal) == ("awaiting scores", 3, None), key
            assert item.state.scores == tuple(
                v for v, who in zip(SCORES["A8"][key[1]], assessors) if who is not member1
            ), key
            continue
        assert item.state.scores == counted, key
        assert item.state.expected == len(counted), key
        assert item.state.status == "ready", key
        assert item.state.proposal == proposal, key
        assert item.state.spread == max(counted) - min(counted), key
        assert item.state.discrepant == bool(reasons), key
        assert item.state.reasons == reasons, key
    a7_first = items[("A7", LC)]
    assert list(a7_first.excluded) == [member2.id]  # member 2's 7 was submitted and does not count
    assert list(a7_first.conflicted) == [member2.id]
    assert [s.assessor_id for s in a7_first.scores] == [chair.id, member1.id]

    # The chair's board, filtered.
    chair_pages = signed_in(app, chair)
    ref = {name: application.reference for name, application in apps.items()}
    everything = board_rows(chair_pages, campaign, "all")
    assert set(everything) == {f"{ref[n]}/{c}" for n, c in ITEMS}
    assert set(board_rows(chair_pages, campaign, "awaiting")) == {f"{ref['A8']}/{c}" for c in CODES}
    assert set(board_rows(chair_pages, campaign, "discrepant")) == {f"{ref[n]}/{c}" for n, c in DISCREPANT if n != "A8"}
    assert board_rows(chair_pages, campaign, "agreed") == {}
    a7_row = everything[f"{ref['A7']}/{LC}"]
    assert a7_row[2] == "3, 4 1 conflict declared"
    assert a7_row[3:] == ["1", "4", "Discrepant"]
    assert everything[f"{ref['A8']}/{MQ}"][5] == "Awaiting 1"

    # Member 1 scores A8 through the scoring pages.
    member_pages = signed_in(app, member1)
    for code in CODES:
        value = SCORES["A8"][code][1]
        response = member_pages.submit(
            f"/assess/{campaign.id}/sift/{ref['A8']}/{code}",
            {"value": str(value), "rationale": f"A8 {code}: {value}", "version": "0", "submit_score": "Submit score"},
        )
        assert response.status_code == 302, parse(response).select(".govuk-error-summary")

    everything = board_rows(chair_pages, campaign, "all")
    for (name, code), (counted, proposal, reasons) in ITEMS.items():
        row = everything[f"{ref[name]}/{code}"]
        assert row[2].startswith(", ".join(map(str, counted))), (name, code, row)
        assert row[3:] == [
            str(max(counted) - min(counted)),
            str(proposal),
            "Discrepant" if reasons else "Ready to confirm",
        ], (
            name,
            code,
            row,
        )
    assert board_rows(chair_pages, campaign, "awaiting") == {}
    assert set(board_rows(chair_pages, campaign, "discrepant")) == {f"{ref[n]}/{c}" for n, c in DISCREPANT}

    # Nothing can be decided or signed off yet.
    with pytest.raises(Refused, match="Agree every score first: 24 still to agree"):
        results.decide(admin, campaign, "sift", "all_passing", None)
    with pytest.raises(Refused, match="Every item must be agreed before sign-off: 24 still to agree"):
        results.sign_off(chair, campaign, "sift")

    # Bulk confirmation through the board agrees the 19 items that are not discrepant.
    response = chair_pages.submit(
        f"/moderate/{campaign.id}/sift/confirm-all", page=f"/moderate/{campaign.id}/sift", follow_redirects=True
    )
    assert "19 proposed scores confirmed." in parse(response).select_one(".govuk-notification-banner").get_text()
    agreed_rows = board_rows(chair_pages, campaign, "agreed")
    assert set(agreed_rows) == {f"{ref[n]}/{c}" for (n, c), (_, _, reasons) in ITEMS.items() if not reasons}
    for (name, code), (_, proposal, reasons) in ITEMS.items():
        if not reasons:
            assert agreed_rows[f"{ref[name]}/{code}"][5] == f"Agreed {proposal}"
    assert set(board_rows(chair_pages, campaign, "discrepant")) == {f"{ref[n]}/{c}" for n, c in DISCREPANT}

    with pytest.raises(Refused, match="Every item must be agreed before sign-off: 5 still to agree"):
        results.sign_off(chair, campaign, "sift")

    # The discrepant items: A7's on the item page (3, below the proposal of 4), the rest through the service.
    value, rationale = AGREED_DISCREPANT[("A7", LC)]
    item_url = f"/moderate/{campaign.id}/sift/items/{ref['A7']}/{LC}"
    page = parse(chair_pages.client.get(item_url))
    assert page.select_one("#proposal").get_text(strip=True) == "4"
    assert page.select_one("#item-summary dd").get_text(strip=True) == "Discrepant"
    assert [li.get_text(strip=True) for li in page.select("#discrepancy-reasons li")] == [
        "3 is below the pass mark of 4, while 4 is at or above it."
    ]
    # The chair decides with the candidate's evidence on the same page.
    assert page.select_one("#statement").get_text(strip=True) == apps["A7"].statement_for(criteria[LC]).text
    assert page.select_one("#conflicts").get_text(strip=True) == (
        "1 panel member declared a conflict of interest; their scores are not counted (1 excluded)."
    )
    assert [card["data-assessor"] for card in page.select(".govuk-summary-card")] == [chair.email, member1.email]
    response = chair_pages.submit(item_url, {"value": str(value), "rationale": rationale})
    assert response.status_code == 302
    for (name, code), (value, rationale) in AGREED_DISCREPANT.items():
        if (name, code) != ("A7", LC):
            agreement.agree(chair, campaign, apps[name], criteria[code], "sift", value, rationale)

    agreed = {
        (label[a.application_id], a.criterion.code): a
        for a in db.session.scalars(db.select(AgreedScore).where(AgreedScore.stage == "sift"))
    }
    assert set(agreed) == set(ITEMS)
    for key, (_, proposal, reasons) in ITEMS.items():
        row = agreed[key]
        expected_value = AGREED_DISCREPANT[key][0] if reasons else proposal
        assert (row.value, row.proposal, row.discrepant, row.status) == (
            expected_value,
            proposal,
            bool(reasons),
            "agreed",
        ), key
        assert row.rationale == (AGREED_DISCREPANT[key][1] if reasons else ""), key
        assert EXPECTED[key[0]][0][CODES.index(key[1])] == row.value, key

    # Results: every agreed score, total, pass or fail and rank.
    outcome = results.compute(campaign, "sift")
    assert outcome.complete and outcome.unagreed == 0
    by_name = {label[r.key.id]: r for r in outcome.results}
    assert set(by_name) == set(EXPECTED)
    for name, (scores, total, passes, passed, rank) in EXPECTED.items():
        result = by_name[name]
        assert result.agreed == dict(zip(CODES, scores)), name
        assert result.total == total, name
        assert result.passes == dict(zip(CODES, passes)), name
        assert result.passed is passed, name
        assert result.rank_label == rank, name
    ranked = [label[r.key.id] for r in outcome.results if r.rank is not None]
    assert ranked[:3] == ["A2", "A1", "A5"] and set(ranked[3:5]) == {"A3", "A4"} and ranked[5:] == ["A6"]

    # The results page shows the same table.
    page = parse(chair_pages.client.get(f"/moderate/{campaign.id}/sift/results"))
    headers = [th.get_text(" ", strip=True) for th in page.select("#results thead th")]
    assert headers[2:5] == [
        "Leading and Communicating",
        "Collaborating and Partnering (×2)",
        "Managing a Quality Service (lead)",
    ]
    rows = [[td.get_text(" ", strip=True) for td in tr.select("td")] for tr in page.select("#results tbody tr")]
    name_of = {application.reference: name for name, application in apps.items()}
    shown = {name_of[row[1]]: row for row in rows}
    assert [name_of[row[1]] for row in rows][:6] == ranked
    for name, (scores, total, passes, passed, rank) in EXPECTED.items():
        row = shown[name]
        assert row[0] == rank, name
        assert [cell.split(" ")[0] for cell in row[2:5]] == [str(s) for s in scores], name
        assert ["below the pass mark" in cell for cell in row[2:5]] == [not p for p in passes], name
        assert row[5:] == [str(total), "Pass" if passed else "Fail"], name
    assert page.select_one("#progress").get_text(strip=True) == ("8 applications fully agreed; 0 items still to agree.")

    # The sift decision: the top 4 by rank take both who share 4th place; then everyone who passes.
    def statuses():
        db.session.expire_all()
        return {name: db.session.get(Application, a.id).status for name, a in apps.items()}

    chosen = results.decide(admin, campaign, "sift", "top_n", 4)
    assert sorted(label[a.id] for a in chosen) == ["A1", "A2", "A3", "A4", "A5"]
    assert statuses() == {
        "A1": "sift_passed",
        "A2": "sift_passed",
        "A3": "sift_passed",
        "A4": "sift_passed",
        "A5": "sift_passed",
        "A6": "sift_failed",
        "A7": "sift_failed",
        "A8": "sift_failed",
    }
    chosen = results.decide(admin, campaign, "sift", "all_passing", None)
    assert sorted(label[a.id] for a in chosen) == ["A1", "A2", "A3", "A4", "A5", "A6"]
    assert statuses() == {
        **dict.fromkeys(("A1", "A2", "A3", "A4", "A5", "A6"), "sift_passed"),
        "A7": "sift_failed",
        "A8": "sift_failed",
    }

    # Sign-off, through the results page, now that everything is agreed and decided.
    response = chair_pages.submit(
        f"/moderate/{campaign.id}/sift/sign-off", page=f"/moderate/{campaign.id}/sift/results", follow_redirects=True
    )
    assert "Signed off by Chair Person" in parse(response).select_one("#signed-off").get_text()
    with pytest.raises(Refused, match="has been signed off"):
        results.decide(admin, campaign, "sift", "top_n", 1)
