"""The panel quality page: how far a stage's panel agrees and how each member's scores compare with the rest of the
panel (DESIGN §11), for the stage's chair and admins. It reads; it never changes a score."""

from __future__ import annotations

from flask import render_template, url_for
from flask_login import current_user

from recruit.access import roles
from recruit.moderate import bp
from recruit.moderate.routes import _campaign
from recruit.services.campaigns.stages import is_chair
from recruit.services.reports.content.panel_quality import panel_quality


@bp.get("/<int:campaign_id>/<stage>/quality")
@roles("assessor", "admin")
def quality_page(campaign_id: int, stage: str) -> str:
    campaign = _campaign(campaign_id, stage, admin_may_view=True)
    if is_chair(campaign, stage, current_user):
        back_url, back_text = (
            url_for("moderate.board_view", campaign_id=campaign.id, stage=stage),
            "Back to the moderation board",
        )
    else:
        back_url = url_for("moderate.results_page", campaign_id=campaign.id, stage=stage)
        back_text = "Back to the results"
    return render_template(
        "moderate/quality.html",
        campaign=campaign,
        stage=stage,
        quality=panel_quality(campaign, stage),
        back_url=back_url,
        back_text=back_text,
    )
