"""What the chair reads on one item's page before agreeing it: the candidate's evidence, each counted score beside
the others with the indicators its assessor ticked (as text), the proposal and how it was reached, and, for a
discrepant item, why, in plain words. Other assessors' scores only on visibility's terms (DESIGN §6)."""

from __future__ import annotations

from dataclasses import dataclass

from recruit.models import Application, Campaign, Criterion, User
from recruit.services.assessment import scoring, visibility
from recruit.services.assessment.board import Item
from recruit.services.fairness import redaction
from recruit.services.frameworks import kept_wording
from recruit.services.interview import questions


@dataclass(frozen=True)
class ScoreCard:
    """One assessor's counted score, as the chair compares it with the others."""

    assessor: User
    value: int
    label: str  # the scale point's label ("Good")
    rationale: str
    notes: str  # the evidence heard, at interview
    effective: list[str]  # the effective indicators ticked, in the framework's order
    ineffective: list[str]


@dataclass(frozen=True)
class ItemDetail:
    evidence: str | None  # the candidate's written statement (the sift), "" when none was given; None at interview
    questions: list[str]  # the questions asked (the interview)
    visible: bool  # whether this person may see the other assessors' scores yet
    cards: list[ScoreCard]  # empty unless visible
    spread: int | None
    proposal: int | None
    proposal_label: str
    proposal_explained: str | None  # "the mean of 3 and 6 is 4.5; halves round up, so it is 5"
    discrepancy: list[str]  # why the item is discrepant: "scores 3 and 6 differ by 3; the threshold is 2"

    @property
    def discrepant(self) -> bool:
        return bool(self.discrepancy)


def read(
    user: User, campaign: Campaign, stage: str, application: Application, criterion: Criterion, item: Item
) -> ItemDetail:
    labels = {point.value: point.label for point in kept_wording.scale_points(campaign.scale_id)}
    visible = visibility.sees_others_scores(user, campaign, stage, application, criterion)
    state = item.state
    if stage == "sift":
        # Redactions applied: the panel never reads what an admin hid (services/fairness/redaction.py).
        evidence: str | None = redaction.panel_text(application.statement_for(criterion))
        asked: list[str] = []
    else:
        evidence, asked = None, [question.text for question in questions.chosen(criterion)]
    cards = []
    if visible:
        lists = scoring.indicator_choices(criterion)
        for score in item.scores:
            ticked = set(score.ticked or ())
            cards.append(
                ScoreCard(
                    assessor=score.assessor,
                    value=score.value if score.value is not None else 0,
                    label=labels.get(score.value, "") if score.value is not None else "",
                    rationale=score.rationale,
                    notes=score.notes or "",
                    effective=[i.text for i in lists["effective"] if i.id in ticked],
                    ineffective=[i.text for i in lists["ineffective"] if i.id in ticked],
                )
            )
    proposal = state.proposal if visible else None
    return ItemDetail(
        evidence=evidence,
        questions=asked,
        visible=visible,
        cards=cards,
        spread=state.spread if visible else None,
        proposal=proposal,
        proposal_label=labels.get(proposal, "") if proposal is not None else "",
        proposal_explained=state.proposal_explained if visible else None,
        discrepancy=state.explanation if visible else [],
    )
