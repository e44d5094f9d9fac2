"""The interview record in the interview reports (DESIGN §7), read back from the PDF: for each candidate and criterion,
the questions set for the panel and each member's notes of the evidence heard, beside their scores; notes only where
the score they belong to counts; markup in a note printed as text; long notes running over pages in a tagged PDF."""

from __future__ import annotations

import io

import pikepdf
import pypdf
import pytest
from flask import render_template

from recruit.extensions import db
from recruit.services import change_tokens
from recruit.services.assessment import scoring
from recruit.services.interview import questions
from recruit.services.reports.content.interview import interview_report
from recruit.services.reports.content.shared import candidate_name
from recruit.services.reports.pdf.rendering import render_pdf_parallel
from tests.factories import UserFactory, add_applications, add_scores, sift_campaign, submit_score
from tests.helpers import Statements, check_furniture, flat, pages_text, parse_html, rendered, shows, squeezed

# The questions chosen for the two interview criteria, in the order chosen; the bank's general question is not chosen.
QUESTIONS = [
    [
        "Tell us about a time you changed how your team communicated, and why.",
        "What would you do differently next time?",
    ],
    ["Describe a partnership that did not go to plan & what you learnt."],
]
NOT_CHOSEN = "Why do you want this post?"
# A note with markup, quotes, an ampersand and characters beyond ASCII, over two lines.
MARKUP_NOTE = (
    'She said "<b>we</b> & I" <script>alert("heard")</script> <img src="file:///etc/passwd"> – saved £2,000\n'
    "Second line: the café's rota"
)
DRAFT_NOTE = "Half-written note the member has not submitted"
CONFLICT_REASON = "Managed this candidate until last year"


def note(person, candidate: int, criterion: int) -> str:
    return (
        f"{person.name.split()[0]}'s note of answer {candidate}-{criterion}: described the team, the task, the result."
    )


@pytest.fixture
def record(admin):
    """Three candidates at interview with two criteria, each with questions chosen. Every member submits a score with
    notes, except: candidate 0, criterion 0, the member has only a draft; candidate 1, criterion 1, the member's note
    has markup in it; candidate 2, the member declared a conflict of interest after scoring."""
    setup = sift_campaign(admin, applications=3, keep_criteria=2)
    campaign = setup.campaign
    setup.applications.sort(key=lambda a: a.reference)
    criteria = campaign.criteria_at("interview")
    questions.add(admin, NOT_CHOSEN, None, None)
    for criterion, texts in zip(criteria, QUESTIONS, strict=True):
        chosen = [questions.add(admin, text, criterion.competency, None).id for text in texts]
        questions.choose(admin, criterion, chosen)
    chair, member = setup.to_interview(
        chair=UserFactory(role="assessor", name="Rosalind Interview-Chair"),
        member=UserFactory(role="assessor", name="Tobias Panel-Member"),
    )
    for number, application in enumerate(setup.applications):
        for person in (chair, member):
            scoring.declare(person, campaign, application, "interview", False, "")
            for index, criterion in enumerate(criteria):
                draft = person is member and (number, index) == (0, 0)
                heard = MARKUP_NOTE if person is member and (number, index) == (1, 1) else note(person, number, index)
                submit_score(
                    person,
                    campaign,
                    application,
                    criterion,
                    5,
                    stage="interview",
                    rationale=f"{person.name} scored 5",
                    notes=DRAFT_NOTE if draft else heard,
                    submit=not draft,
                )
    # The member recognises candidate 2 after scoring them: their scores, and their notes, no longer count.
    scoring.declare(member, campaign, setup.applications[2], "interview", True, CONFLICT_REASON)
    return setup, chair, member, criteria


def between(text: str, start: str, end: str | None = None) -> str:
    """The PDF's text (whitespace removed) from `start` up to `end` (or the end of the text)."""
    squeezed_text = squeezed(text)
    begin = squeezed_text.index(squeezed(start))
    return squeezed_text[begin : squeezed_text.index(squeezed(end), begin) if end else len(squeezed_text)]


def criterion_sections(candidate_text: str, criteria) -> list[str]:
    """A candidate's part of the report cut at each criterion's heading ("Name Level: …")."""
    starts = [f"{criterion.name} Level:" for criterion in criteria]
    return [between(candidate_text, start, end) for start, end in zip(starts, [*starts[1:], None], strict=True)]


def expected_record(chair, member, criteria, number: int, index: int) -> list[str]:
    """What the PDF shows of a candidate's record for one criterion, in order: the questions, each member's notes of
    the evidence heard under their name, then the members' scores."""
    if (number, index) == (0, 0):
        heard_from_member = "No score submitted."
    elif (number, index) == (1, 1):
        heard_from_member = MARKUP_NOTE
    elif number == 2:
        heard_from_member = "Conflict of interest declared: not counted."
    else:
        heard_from_member = note(member, number, index)
    return [
        f"Questions set for the panel {' '.join(QUESTIONS[index])} Evidence heard",
        f"{chair.name} (chair) {note(chair, number, index)} {member.name} {heard_from_member}",
        f"Scores Panel members' scores for {criteria[index].name}",
    ]


def in_order(pieces: list[str], text: str) -> bool:
    """Whether the text shows each piece, whitespace aside, each after the one before (a page's running header and
    footer may come between them)."""
    at = 0
    for piece in pieces:
        at = text.find(squeezed(piece), at)
        if at < 0:
            return False
    return True


def test_the_campaign_report_carries_each_candidates_questions_and_notes_under_each_criterion(record):
    setup, chair, member, criteria = record
    campaign = setup.campaign
    spec = interview_report(campaign)
    html, reader = rendered(spec)
    check_furniture(reader, campaign.reference, spec.title)
    text = flat(" ".join(pages_text(reader)))

    headings = [f"{candidate_name(a)} ({a.reference})" for a in setup.applications]
    order = sorted(range(3), key=lambda number: squeezed(text).index(squeezed(headings[number])))
    ends = [headings[number] for number in order[1:]] + ["Merit list"]
    for number, end in zip(order, ends, strict=True):
        candidate_text = between(text, headings[number], end)
        for index, section in enumerate(criterion_sections(candidate_text, criteria)):
            assert in_order(expected_record(chair, member, criteria, number, index), section), section
    # Nothing else: no draft, no note of a conflicted member, no question the campaign did not choose; each note once.
    assert not shows(DRAFT_NOTE, text) and not shows(NOT_CHOSEN, text)
    assert not any(shows(note(member, 2, index), text) for index in range(2))
    for number in range(3):
        for index in range(2):
            assert squeezed(text).count(squeezed(note(chair, number, index))) == 1


def test_the_candidates_own_report_carries_their_questions_and_notes_and_no_one_elses(record):
    setup, chair, member, criteria = record
    campaign = setup.campaign
    spec = interview_report(campaign, setup.applications[1])
    html, reader = rendered(spec)
    check_furniture(reader, campaign.reference, spec.title)
    text = flat(" ".join(pages_text(reader)))
    for index, section in enumerate(criterion_sections(text, criteria)):
        assert in_order(expected_record(chair, member, criteria, 1, index), section), section
    for other in (0, 2):
        for index in range(2):
            assert not shows(note(chair, other, index), text)


def test_a_note_with_markup_is_printed_as_text(record):
    setup, chair, member, criteria = record
    html, reader = rendered(interview_report(setup.campaign, setup.applications[1]))
    text = " ".join(pages_text(reader))
    assert squeezed(MARKUP_NOTE) in squeezed(text)
    # Escaped in the HTML: no script, no bold, and the only image is the chart drawn inline.
    assert "<script>" not in html and "<b>we</b>" not in html
    assert [img["src"].split(":", 1)[0] for img in parse_html(html).select("img")] == ["data"]
    # Its line break is kept: the second line starts a line of its own.
    assert any(line.strip().startswith("Second line: the café's rota") for line in text.splitlines())


LONG_NOTE = "\n\n".join(
    f"Paragraph {number}: the candidate described how the service was redesigned with its users, what the team "
    "measured before and after, how the budget was kept, and what they would change if they did it again."
    for number in range(1, 61)
)


def test_long_notes_run_over_pages_in_a_tagged_pdf(record):
    setup, chair, member, criteria = record
    campaign, candidate = setup.campaign, setup.applications[1]
    scoring.save(
        chair,
        campaign,
        candidate,
        criteria[0],
        "interview",
        scoring.ScoreInput(value=5, ticked=[], rationale="Scored 5", notes=LONG_NOTE),
        submit=True,
        version=None,
        confirmed=True,
    )
    spec = interview_report(campaign, candidate)
    html = render_template(spec.template, **spec.context)
    for reader in (
        rendered(spec)[1],
        pypdf.PdfReader(io.BytesIO(render_pdf_parallel(html, title=spec.title, workers=2))),
    ):
        check_furniture(reader, campaign.reference, spec.title)
        pages = pages_text(reader)
        assert len(pages) >= 4
        text = squeezed(" ".join(pages))
        # Every paragraph once and in order, between the chair's name and the member's note.
        places = [text.index(squeezed(f"Paragraph {number}:")) for number in range(1, 61)]
        assert places == sorted(places) and all(text.count(squeezed(f"Paragraph {n}:")) == 1 for n in (1, 10, 60))
        assert text.index(squeezed(f"{chair.name} (chair)")) < places[0]
        assert places[-1] < text.index(squeezed(note(member, 1, 0)))
        # The note starts on the page its member's heading is on, and runs over more than one page.
        starts = [n for n, page in enumerate(pages) if shows("Paragraph 1:", page)]
        ends = [n for n, page in enumerate(pages) if shows("Paragraph 60:", page)]
        assert shows(f"{chair.name} (chair) Paragraph 1:", flat(pages[starts[0]])) and ends[0] > starts[0]

    with pikepdf.open(io.BytesIO(render_pdf_parallel(html, title=spec.title, workers=1))) as document:
        tags = []

        def walk(element):
            tags.append(str(element.S))
            for kid in element.get("/K", []):
                if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/StructElem":
                    walk(kid)

        walk(document.Root.StructTreeRoot.K[0])
        # Per criterion: three headings (questions, evidence heard, scores) and one for each member's notes.
        assert tags.count("/H4") == 3 * len(criteria) and tags.count("/H5") == 2 * len(criteria)
        # The outline keeps to the report, the candidate and the criteria.
        with document.open_outline() as outline:
            titles = [item.title for item in outline.root]
            below = [child.title for item in outline.root for child in item.children]
            deeper = [grand.title for item in outline.root for child in item.children for grand in child.children]
            deepest = [
                leaf.title
                for item in outline.root
                for child in item.children
                for grand in child.children
                for leaf in grand.children
            ]
        assert [criterion.name for criterion in criteria] == deeper and deepest == []
        assert not any("Evidence heard" in title or "Questions" in title for title in titles + below)


def test_the_report_reads_its_candidates_in_a_fixed_number_of_queries(record):
    setup, chair, member, criteria = record
    campaign = setup.campaign

    def statements() -> int:
        db.session.expire_all()
        change_tokens.forget_all()  # the stage's record read each time, not kept from before the candidates were added
        with Statements() as counter:
            spec = interview_report(campaign)
        records = spec.context["candidates"]
        assert all(len(c.criteria) == 2 and c.criteria[0].questions == QUESTIONS[0] for c in records)
        return counter.count

    three = statements()
    added = add_applications(campaign, 4, start=100, status="sift_passed")
    add_scores(campaign, [i for i, _ in added], [chair, member], stage="interview", notes="Heard in bulk.")
    assert statements() == three
    spec = interview_report(campaign)
    heard = [m.heard for c in spec.context["candidates"] for r in c.criteria for m in r.members]
    assert heard.count("Heard in bulk.") == 4 * 2 * 2
