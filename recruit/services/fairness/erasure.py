"""What a campaign's monitoring answers contributed to the fairness figures, kept as counts when the answers are
erased with the rest of its personal data (services/records/retention.py)."""

from __future__ import annotations

from recruit.extensions import db
from recruit.models import Campaign, MonitoringCount
from recruit.services.fairness.loader import live_counts
from recruit.services.fairness.stages import campaign_stages


def keep_monitoring_counts(campaign: Campaign) -> int:
    """Add the campaign's live answers to its kept counts, per question, answer and furthest stage reached;
    the caller deletes the answers in the same transaction. Returns how many count rows were added."""
    per = live_counts(campaign_stages([campaign])).get(campaign.id, {})
    rows = [
        MonitoringCount(campaign_id=campaign.id, question=question, answer=answer, stage=stage, count=number)
        for (question, answer), at in sorted(per.items())
        for stage, number in sorted(at.items())
        if number
    ]
    db.session.add_all(rows)
    db.session.flush()
    return len(rows)
