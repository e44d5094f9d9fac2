"""A scoring scale's points as the scoring and moderation pages read them (services/frameworks/kept_wording.py):
the scale's own, lowest first; kept between requests, and read again as soon as a change to the scale commits."""

from __future__ import annotations

from recruit.extensions import db
from recruit.models import ScalePoint, ScoringScale
from recruit.services.frameworks.kept_wording import Point, scale_points
from tests.factories import sift_campaign
from tests.helpers import recording


def test_the_points_are_the_scales_lowest_first(admin):
    campaign = sift_campaign(admin, applications=1, members=1).campaign
    assert scale_points(campaign.scale_id) == tuple(
        Point(p.value, p.label, p.descriptor) for p in campaign.scale.points
    )
    assert [p.value for p in scale_points(campaign.scale_id)] == sorted(p.value for p in campaign.scale.points)


def test_kept_until_a_change_to_the_scale_commits(admin):
    campaign = sift_campaign(admin, applications=1, members=1).campaign
    scale_id = campaign.scale_id
    db.session.commit()
    first = scale_points(scale_id)
    with recording() as statements:  # from a new session, as the next request's
        assert scale_points(scale_id) is first
        assert len(statements) == 1, statements  # the public content's version alone

    point = db.session.get_one(ScoringScale, scale_id).points[-1]
    point.label = "Outstanding: exceeds the level in every respect"
    db.session.flush()
    # Not committed yet: this transaction sees its own change, and nothing read from it is kept.
    assert scale_points(scale_id)[-1].label == point.label
    db.session.commit()
    assert scale_points(scale_id)[-1].label == "Outstanding: exceeds the level in every respect"

    db.session.add(ScalePoint(scale_id=scale_id, value=first[-1].value + 1, label="Beyond the scale"))
    db.session.commit()
    assert [p.label for p in scale_points(scale_id)][-1] == "Beyond the scale"
