"""The candidate's feedback letter: per released stage they took part in, the outcome, and per criterion the
agreed score's label and the feedback written from the moderated record."""

from __future__ import annotations

from recruit.models import Application, Campaign
from recruit.services.assessment import feedback
from recruit.services.assessment.feedback import CriterionFeedback
from recruit.services.errors import Refused
from recruit.services.reports.content.shared import ReportSpec, base_context, candidate_name


def feedback_letter(campaign: Campaign, application: Application) -> ReportSpec:
    if application.campaign_id != campaign.id:
        raise Refused("This application is not for this campaign")
    stages: list[dict[str, object]] = []
    parts: list[tuple[str, list[CriterionFeedback]]] = []
    for stage in feedback.released_stages(application):
        rows = feedback.released_for(application, stage)
        if rows is not None:
            stages.append({"stage": stage, "outcome": feedback.stage_outcome(application, stage), "rows": rows})
            parts.append((stage, rows))
    if not stages:
        raise Refused("Feedback for this application has not been released yet")
    title = f"Feedback – {campaign.reference} – {application.reference}"
    context = base_context(campaign, title, "Feedback on your application", marked=False)
    context.update(
        name=candidate_name(application) if application.personal_details else "candidate",
        reference=application.reference,
        stages=stages,
        without_feedback=feedback.without_feedback(parts),
    )
    return ReportSpec("pdf/feedback.html", title, context)
