"""A campaign from start to finish in a real browser, as the people who run it and apply to it do it.

An admin invites a panel and builds a campaign from a grade; two candidates register and apply; three
assessors sign in with two-factor authentication and score the sift; the chair moderates a discrepancy
and signs off after the admin's decision; the interview stage runs to a merit list; the reports download;
and a candidate reads the feedback released to them. Every page visited is checked with axe-core.
"""

from __future__ import annotations

import io
import re
from datetime import date, datetime, timedelta
from urllib.parse import urljoin

from bs4 import BeautifulSoup
from playwright.sync_api import expect
from pypdf import PdfReader

from recruit.clock import UK, format_uk
from tests.journeys.flows import Candidate, Staff, accept_invitation, apply, invite_assessor

LC = "Leading and Communicating"
MQ = "Managing a Quality Service"
CODES = {LC: "leading-and-communicating", MQ: "managing-a-quality-service"}
SCALE = {1: "Not demonstrated", 2: "Minimal", 3: "Moderate", 4: "Acceptable", 5: "Good", 6: "Strong", 7: "Outstanding"}
GRADE = "Grade: Civil Service Competency Framework 2012 – Band B"
TITLE = "Benefits Caseworker"

EVIDENCE = {
    "Priya Shah": {
        LC: "When our office moved to a new case system I explained the change to twelve colleagues, "
        "answered their worries in a weekly session and wrote a one page guide. Queries fell by half.",
        MQ: "I noticed letters going out with the wrong appeal dates. I checked a sample, found the template "
        "fault, had it fixed and rechecked every letter sent that month. No appeals were missed.",
    },
    "Tom Evans": {
        LC: "I ran the morning huddle for my team and made sure everyone knew the priorities for the day.",
        MQ: "I keep my cases up to date and follow the checklist so that customers get the right answer.",
    },
}

# Sift scores as (chair, member 1, member 2). Priya's Leading and Communicating is 3 apart (a discrepancy
# the chair settles at 5); everything else is within the threshold and confirmed as proposed.
SIFT = {
    ("Priya Shah", LC): (3, 6, 5),
    ("Priya Shah", MQ): (5, 5, 6),
    ("Tom Evans", LC): (4, 4, 5),
    ("Tom Evans", MQ): (4, 5, 4),
}
# Interview scores as (chair, member 1): all agree, Priya first on the merit list.
INTERVIEW = {
    ("Priya Shah", LC): (6, 6),
    ("Priya Shah", MQ): (6, 6),
    ("Tom Evans", LC): (5, 5),
    ("Tom Evans", MQ): (4, 4),
}
# What the chair writes for Priya at interview, from the draft built from the moderated record.
FEEDBACK = {
    LC: "You explained a difficult change clearly and kept your colleagues with you. Next time, say more "
    "about how you checked that the message had landed.",
    MQ: "A strong example of spotting a fault and putting it right for customers. You could show more of "
    "how you stopped it happening again.",
}


def test_a_campaign_from_a_grade_to_released_feedback(journey):
    server = journey.server
    admin = Staff("Alex Admin", server.admin_email, server.admin_password, journey.person("admin"))
    chair = Staff("Chris Chair", "chris.chair@recruit.example", "Otter-Marble-Violin-58", journey.person("chair"))
    member1 = Staff(
        "Morgan Member", "morgan.member@recruit.example", "Cactus-Harbour-Tulip-73", journey.person("member 1")
    )
    member2 = Staff("Sam Member", "sam.member@recruit.example", "Walnut-Glacier-Piano-16", journey.person("member 2"))
    assessors = (chair, member1, member2)
    priya = Candidate(
        "Priya Shah",
        "priya.shah@example.org",
        "Lemon-Thunder-Parcel-92",
        "07700 900 123",
        journey.person("Priya"),
        EVIDENCE["Priya Shah"],
    )
    tom = Candidate(
        "Tom Evans",
        "tom.evans@example.org",
        "Copper-Meadow-Kettle-35",
        "07700 900 456",
        journey.person("Tom"),
        EVIDENCE["Tom Evans"],
    )
    candidates = (priya, tom)

    with journey.step("admin invites the panel"):
        admin.sign_in()
        links = {staff.email: invite_assessor(admin.person, staff.name, staff.email) for staff in assessors}

    with journey.step("assessors set a password and two-factor authentication"):
        for staff in assessors:
            accept_invitation(staff, links[staff.email], server.clock)
            expect(staff.person.page).to_have_url(re.compile(r"/assess$"))

    with journey.step("admin builds a campaign from a grade"):
        page = admin.person.page
        admin.person.follow("Campaigns")
        admin.person.follow("Create a campaign")
        admin.person.fill("Job title", TITLE)
        admin.person.fill("Organisation or business unit", "Department for Work and Pensions")
        admin.person.fill("Location", "Glasgow")
        admin.person.fill("Number of posts", "1")
        admin.person.fill("Description", "Help people claim the benefits they are owed.\n\nFull time, 37 hours.")
        admin.person.fill("Minimum salary", "26,000")
        admin.person.fill("Maximum salary", "28,500")
        # The length box appears once the contract is fixed term (a GOV.UK conditional reveal).
        expect(page.get_by_label("Contract length in months", exact=True)).to_be_hidden()
        admin.person.choose("Fixed term")
        admin.person.fill("Contract length in months", "12")
        admin.person.choose("Full-time")
        admin.person.choose("Job share")
        admin.person.choose("Baseline Personnel Security Standard (BPSS)")
        admin.person.fill("Contact name", "Morag Finlay")
        admin.person.fill("Contact email address", "recruitment@example.org")
        admin.person.select("Start from", GRADE)
        admin.person.press_button("Continue")
        expect(page.locator(".govuk-notification-banner")).to_contain_text("created with 4 proposed criteria")
        reference = page.locator(".govuk-caption-l").first.inner_text().strip()
        campaign_path = admin.person.path
        criteria = page.locator("#criteria-table tbody th")
        expect(criteria).to_have_text([LC, "Collaborating and Partnering", MQ, "Delivering at Pace"])
        # Two criteria are enough for this vacancy: the admin drops the other two.
        for name in ("Collaborating and Partnering", "Delivering at Pace"):
            # Removing asks first, on a page of its own.
            admin.person.follow(f"Remove {name}")
            admin.person.press_button(f"Remove {name}")
            expect(page.locator(".govuk-notification-banner")).to_contain_text(f"{name} removed")
        expect(criteria).to_have_text([LC, MQ])

        # The vacancy closes a quarter of an hour from now (UK time); the served app's clock is moved on
        # past it once the candidates have applied.
        admin.person.follow("Change closing date")
        closes = (datetime.fromtimestamp(server.clock.now(), UK) + timedelta(minutes=15)).replace(
            second=0, microsecond=0
        )
        admin.person.fill_date("Closing date", closes.day, closes.month, closes.year)
        admin.person.fill("Closing time", f"{closes:%H:%M}")
        admin.person.press_button("Save closing date")
        expect(page.locator("#vacancy-summary")).to_contain_text(f"{format_uk(closes)} (UK time)")

        for stage, members in (("sift", (member1, member2)), ("interview", (member1,))):
            admin.person.follow(f"Change {stage} panel")
            admin.person.select("Chair", f"{chair.name} ({chair.email})")
            for member in members:
                admin.person.choose(f"{member.name} ({member.email})")
            admin.person.press_button("Save panel")
        expect(page.locator("#panels-summary")).to_contain_text(
            "Sift panel Chair: Chris Chair. Members: Morgan Member, Sam Member"
        )
        expect(page.locator("#panels-summary")).to_contain_text(
            "Interview panel Chair: Chris Chair. Members: Morgan Member"
        )

        admin.person.follow("Open for applications")
        admin.person.press_button("Open for applications")
        expect(page.locator("#campaign-status")).to_have_text("Open for applications")

    for candidate in candidates:
        with journey.step(f"{candidate.name} registers and applies"):
            apply(candidate, TITLE, reference)

    with journey.step("the closing time passes and the admin starts the sift"):
        server.clock.advance(closes.timestamp() - server.clock.now() + 60)
        admin.person.goto(campaign_path)
        for action, status in (("Close applications", "Closed for applications"), ("Start the sift", "Sift")):
            admin.person.follow(action)
            admin.person.press_button(action)
            expect(page.locator("#campaign-status")).to_have_text(status)

    for staff in assessors:
        with journey.step(f"{staff.name} scores the sift"):
            score_stage(staff, "sift", candidates, SIFT, assessors.index(staff))

    with journey.step("the chair moderates the sift"):
        board = chair.person.page
        chair.person.follow("Moderation board")
        rows = {
            (candidate.name, criterion): board.locator(
                f'#board tr[data-item="{candidate.reference}/{CODES[criterion]}"]'
            )
            for candidate in candidates
            for criterion in (LC, MQ)
        }
        discrepant = rows[("Priya Shah", LC)]
        expect(discrepant.locator("td").nth(2)).to_contain_text("3, 6, 5")
        expect(discrepant.locator("td").nth(3)).to_have_text("3")
        expect(discrepant.locator("td").nth(4)).to_have_text("5")
        expect(discrepant.locator("td").nth(5)).to_have_text("Discrepant")
        chair.person.press_button("Confirm every proposal that is not discrepant")
        # What confirming will do, before it is done.
        expect(board.locator("#confirm-summary")).to_have_text(
            "3 proposed scores, in 2 applications, will be confirmed as agreed scores."
        )
        expect(board.locator("#not-included [data-left=discrepant]")).to_contain_text("1 discrepant item")
        chair.person.press_button("Confirm the proposed scores")
        expect(board.locator(".govuk-notification-banner")).to_contain_text("3 proposed scores confirmed")
        for key, row in rows.items():
            if key != ("Priya Shah", LC):
                expect(row.locator("td").nth(5)).to_have_text(re.compile(r"Agreed \d"))
        expect(board.locator("#counts [data-view=discrepant] .govuk-summary-list__value")).to_have_text("1")
        chair.person.press_button("Next item to agree")
        # The evidence, every score and why the item is discrepant, on the page where the chair agrees it.
        expect(board.locator("#statement")).to_have_text(priya.evidence[LC])
        expect(board.locator("#scores [data-assessor]")).to_have_count(3)
        expect(board.locator("#discrepancy-reasons li")).to_have_text(
            [
                "Scores range from 3 to 6, a difference of 3; the threshold is 2.",
                "3 is below the pass mark of 4, while 5 and 6 are at or above it.",
            ]
        )
        chair.person.choose("5 – Good")
        chair.person.fill("Rationale", "The example shows the change explained well; the panel settled on good.")
        chair.person.press_button("Agree score")
        expect(board.locator(".govuk-notification-banner")).to_contain_text(
            f"Agreed score recorded for {priya.reference}, {LC}"
        )

    with journey.step("the admin records the sift decision and the chair signs off"):
        admin.person.goto(campaign_path)
        admin.person.follow("Sift results")
        results = page.locator("#results")
        expect(results.locator(f'tr[data-reference="{priya.reference}"] td').last).to_have_text("Pass")
        expect(results.locator(f'tr[data-reference="{tom.reference}"] td').last).to_have_text("Pass")
        admin.person.choose("Everyone who passes")
        admin.person.press_button("Record the decision")
        expect(page.locator(".govuk-notification-banner")).to_contain_text("2 applications go on to interview")
        chair.person.follow("Results, decision and sign-off")
        expect(chair.person.page.locator("#decision")).to_contain_text("everyone who passes")
        chair.person.press_button("Sign off the sift")
        expect(chair.person.page.locator("#sign-off-fixes")).to_contain_text(
            "2 applications go on to interview and 0 do not"
        )
        expect(chair.person.page.locator("#sign-off-warning")).to_contain_text("You cannot undo a sign-off.")
        chair.person.press_button("Sign off the sift")
        expect(chair.person.page.locator("#signed-off")).to_contain_text("Signed off by Chris Chair")

    with journey.step("the admin starts the interview stage and invites both candidates"):
        admin.person.goto(campaign_path)
        admin.person.follow("Start the interview stage")
        admin.person.press_button("Start the interview stage")
        expect(page.locator("#campaign-status")).to_have_text("Interview")
        admin.person.follow("Interviews")
        day = date.fromtimestamp(server.clock.now()) + timedelta(days=7)
        for hour, candidate in zip((10, 11), candidates):
            admin.person.follow(candidate.name)
            admin.person.fill_date("Date", day.day, day.month, day.year)
            admin.person.fill("Time", f"{hour}am")
            admin.person.fill("Length in minutes", "45")
            admin.person.fill("Place (optional if there is a video link)", "Room 4, 1 Atlantic Quay, Glasgow")
            admin.person.press_button("Send invitation")
            expect(page.locator(f'#interviews tr[data-reference="{candidate.reference}"]')).to_contain_text(
                f"{day.day} {day:%B %Y} at {hour}:00am"
            )

    for candidate in candidates:
        with journey.step(f"{candidate.name} accepts the interview"):
            candidate.person.follow("Your applications")
            candidate.person.follow(TITLE)
            candidate.person.choose("Yes, I can come at this time")
            candidate.person.press_button("Send reply")
            expect(candidate.person.page.locator(".govuk-notification-banner")).to_contain_text(
                "You have accepted your interview"
            )

    for staff in (chair, member1):
        with journey.step(f"{staff.name} scores the interviews"):
            score_stage(staff, "interview", candidates, INTERVIEW, (chair, member1).index(staff))

    with journey.step("the chair agrees the interview scores, writes feedback and signs off"):
        board = chair.person.page
        chair.person.follow("Your panels")
        chair.person.follow(f"{reference} – {TITLE}", within=board.locator('#panels tr[data-stage="interview"]'))
        chair.person.follow("Moderation board")
        chair.person.press_button("Confirm every proposal that is not discrepant")
        expect(board.locator("#confirm-summary")).to_have_text(
            "4 proposed scores, in 2 applications, will be confirmed as agreed scores."
        )
        chair.person.press_button("Confirm the proposed scores")
        expect(board.locator(".govuk-notification-banner")).to_contain_text("4 proposed scores confirmed")
        # From one of Priya's items to every criterion's feedback for her, on one page, at that criterion.
        chair.person.follow(within=board.locator(f'#board tr[data-item="{priya.reference}/{CODES[LC]}"]'))
        expect(board.locator("#questions")).to_be_visible()
        expect(board.locator("#scores .recruit-notes")).to_have_text(
            [f"Priya Shah answered the {LC.lower()} question."] * 2
        )
        chair.person.follow("Write the candidate’s feedback")
        expect(board).to_have_url(re.compile(rf"/feedback/{priya.reference}#criterion-{CODES[LC]}$"))
        for criterion in (LC, MQ):
            chair.person.fill(f"Feedback on {criterion}", FEEDBACK[criterion])
        chair.person.press_button("Save feedback")
        expect(board.locator(".govuk-notification-banner")).to_contain_text(f"Feedback saved for {priya.reference}")
        expect(board.locator(f'#feedback-overview tr[data-reference="{priya.reference}"] .govuk-tag')).to_have_text(
            "Complete"
        )
        expect(board.locator(f'#feedback-overview tr[data-reference="{tom.reference}"] .govuk-tag')).to_have_text(
            "Not started"
        )
        chair.person.follow("Back")
        chair.person.follow("Results, decision and sign-off")
        chair.person.press_button("Sign off the interview")
        expect(board.locator("#sign-off-fixes")).to_contain_text("2 applications with every criterion agreed")
        chair.person.press_button("Sign off the interview")
        expect(board.locator("#signed-off")).to_contain_text("Signed off by Chris Chair")

    with journey.step("the admin offers the post down the merit list and releases the outcomes"):
        admin.person.goto(campaign_path)
        admin.person.follow("Merit list and offers")
        merit = page.locator("#merit tbody tr")
        expect(merit).to_have_count(2)
        expect(merit.nth(0)).to_contain_text(priya.name)
        expect(merit.nth(0).locator("td").nth(2)).to_have_text("12")
        expect(merit.nth(1)).to_contain_text(tom.name)
        expect(merit.nth(1).locator("td").nth(2)).to_have_text("9")
        expect(merit.nth(1)).to_contain_text("Reserve list")
        admin.person.press_button(f"Make an offer to {priya.reference}")
        admin.person.fill("Salary in pounds a year", "31000")
        admin.person.fill_date("Proposed start date", 1, 3, 2031)
        admin.person.press_button("Continue")
        expect(page.locator("#offer-to")).to_have_text(f"{priya.name} (application {priya.reference})")
        admin.person.press_button("Make the offer")
        expect(merit.nth(0)).to_contain_text("Offered")
        admin.person.choose("Accepted")
        admin.person.press_button("Record the answer")
        expect(merit.nth(0)).to_contain_text("Accepted")
        for stage in ("sift", "interview"):
            admin.person.press_button(f"Release the {stage} outcomes and feedback")
            if stage == "interview":
                # Whose feedback is complete, from the release step and back to it.
                admin.person.follow("See whose feedback is complete, candidate by candidate")
                expect(page.locator("#feedback-summary")).to_have_text(
                    "1 of 2 candidates have feedback on every criterion."
                )
                admin.person.follow("Release the interview outcomes and feedback")
            expect(page.locator("#release-summary")).to_have_text(f"2 candidates will be told their {stage} outcome.")
            # Nobody wrote sift feedback, and only Priya's interview feedback was written.
            expect(page.locator("#missing-summary")).to_contain_text("no feedback for 1 or more criteria")
            admin.person.choose("Release these outcomes without that feedback")
            admin.person.press_button("Release outcomes and feedback")
            expect(page.locator(f'[data-released="{stage}"]')).to_be_visible()

    with journey.step("the reports download"):
        campaign_id = campaign_path.rsplit("/", 1)[1]
        admin.person.goto(f"/reports/{campaign_id}")
        links = {
            "Download the sift report (PDF)": f"/reports/{campaign_id}/sift.pdf",
            "Download the interview report (PDF)": f"/reports/{campaign_id}/interview.pdf",
            "Download the merit list (PDF)": f"/reports/{campaign_id}/merit.pdf",
            f"Download the interview report for {priya.reference} (PDF)": f"/reports/{campaign_id}/interview/{priya.reference}.pdf",
            f"Download the feedback letter for {priya.reference} (PDF)": f"/reports/{campaign_id}/feedback/{priya.reference}.pdf",
        }
        for name, url in links.items():
            expect(page.get_by_role("link", name=name, exact=True)).to_have_attribute("href", url)
            assert_pdf(admin.person, url, reference)
        # The chair reaches the reports from the board, every candidate's letter among them, and goes back.
        chair.person.goto(f"/moderate/{campaign_id}/interview")
        chair.person.follow("Reports", within=chair.person.page.locator("#board-links"))
        for candidate in candidates:
            expect(
                chair.person.page.get_by_role(
                    "link", name=f"Download the feedback letter for {candidate.reference} (PDF)"
                )
            ).to_have_attribute("href", f"/reports/{campaign_id}/feedback/{candidate.reference}.pdf")
        chair.person.follow("Back to the moderation board")
        expect(chair.person.page.locator("h1")).to_have_text("Moderation board: interview")

    with journey.step("Priya reads her released feedback"):
        person = priya.person
        person.follow("Your applications")
        person.follow(f"Outcome and feedback for {TITLE}")
        outcome = person.page.locator("#outcome-interview")
        for criterion in (LC, MQ):
            card = outcome.locator(".recruit-criterion-feedback", has_text=criterion)
            expect(card.locator(".recruit-score-label")).to_contain_text("Strong")
            expect(card.locator(".recruit-feedback")).to_have_text(FEEDBACK[criterion])
        expect(person.page.locator("#sift-outcome")).to_have_text("Invited to interview")
        expect(person.page.locator("#interview-outcome")).to_have_text("Offer")
        letter = person.page.get_by_role("link", name="Download your feedback letter (PDF)")
        expect(letter).to_have_attribute("href", f"/applications/{priya.reference}/feedback.pdf")
        text = assert_pdf(person, f"/applications/{priya.reference}/feedback.pdf", reference)
        assert FEEDBACK[LC].split(".")[0] in " ".join(text.split())

    with journey.step("Tom reads that he is on the reserve list"):
        tom.person.follow("Your applications")
        tom.person.follow(f"Outcome and feedback for {TITLE}")
        expect(tom.person.page.locator("#interview-outcome")).to_have_text("Appointable – reserve")


def score_stage(staff: Staff, stage: str, candidates, scores, position: int) -> None:
    """An assessor scores every candidate on every criterion at a stage, an application to a page, from their list of
    work: Continue with the next application, then Submit and go to the next application, in their own order.

    At the sift they see only references and the evidence; at interview they declare any conflict of interest first
    and note the evidence heard.
    """
    person, page = staff.person, staff.person.page
    person.follow("Your panels")
    person.follow(within=page.locator(f'#panels tr[data-stage="{stage}"]'))
    person.press_button("Continue with the next application")
    for count in range(len(candidates)):
        if stage == "interview":
            candidate = next(c for c in candidates if c.name == person.heading())
            person.choose("No")
            person.press_button("Continue")
            expect(page.get_by_role("heading", level=1)).to_have_text(f"{candidate.reference}: {candidate.name}")
        else:
            candidate = next(c for c in candidates if c.reference == person.heading())
            expect(page.locator("main")).not_to_contain_text(candidate.name)
        for criterion in (LC, MQ):
            value = scores[(candidate.name, criterion)][position]
            section = page.locator(f"#criterion-{CODES[criterion]}")
            if stage == "sift":
                expect(section.locator(".recruit-statement")).to_have_text(candidate.evidence[criterion])
            else:
                person.fill(
                    f"Evidence heard for {criterion}",
                    f"{candidate.name} answered the {criterion.lower()} question.",
                    within=section,
                )
            kind = "Effective" if value >= 4 else "Ineffective"
            ticks = section.get_by_role("group", name=f"{kind} indicators evidenced for {criterion}")
            ticks.get_by_role("checkbox").first.check()
            person.choose(f"{value} – {SCALE[value]}", within=section)
            person.fill(
                f"Rationale for {criterion}", f"{kind} evidence against the indicators: {value}.", within=section
            )
        person.press_button("Submit and go to the next application")
        expect(page.locator(".govuk-notification-banner")).to_contain_text(
            f"Scores submitted for {candidate.reference}."
        )
    expect(page.locator("#all-scored")).to_have_text("You have submitted scores for every application.")
    for candidate in candidates:
        row = page.locator(f'#work-list tr[data-reference="{candidate.reference}"]')
        expect(row.locator("td").nth(1)).to_have_text("2 of 2 submitted")


def assert_pdf(person, url: str, campaign_reference: str) -> str:
    """Download a report with the person's own session, as their browser would, and read its text. When no kept
    version matches the data, the address leads to a page whose button prepares one: that is pressed too."""
    response = person.context.request.get(url)
    if response.headers["content-type"].startswith("text/html"):
        form = BeautifulSoup(response.text(), "html.parser").select_one("form#prepare-report")
        assert form is not None, f"{url} led to a page with no button to prepare the report"
        token = form.select_one("input[name=csrf_token]")["value"]
        response = person.context.request.post(
            urljoin(response.url, form.get("action") or response.url), form={"csrf_token": token}
        )
    assert response.status == 200, f"{url} answered {response.status}"
    assert response.headers["content-type"].startswith("application/pdf"), response.headers["content-type"]
    body = response.body()
    assert body.startswith(b"%PDF"), f"{url} is not a PDF"
    text = "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(body)).pages)
    assert campaign_reference in text, f"{url} does not name the campaign {campaign_reference}"
    return text
