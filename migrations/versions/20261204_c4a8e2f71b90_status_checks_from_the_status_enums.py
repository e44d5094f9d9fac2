"""Every status column accepts only its enum's values: checks for applications (status and the status it was
withdrawn from), the campaign status history and score versions

The existing checks (campaigns, scores, agreed scores, interview slots, offers, rendered reports) already
list the same values as their enums; tests/test_status_enums.py keeps the two equal.

Revision ID: c4a8e2f71b90
Revises: 53cf0defa9bc
Create Date: 2026-12-04 20:20:00.000000

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "c4a8e2f71b90"
down_revision = "53cf0defa9bc"
branch_labels = None
depends_on = None

# Written out rather than imported from the models: a migration keeps meaning what it meant when written.
APPLICATION = (
    "'draft', 'submitted', 'withdrawn', 'presift_failed', 'sift_failed', 'sift_passed', "
    "'did_not_attend', 'interview_withdrawn'"
)
CAMPAIGN = "'draft', 'open', 'closed', 'sift', 'interview', 'complete', 'withdrawn'"
SCORE = "'draft', 'submitted'"


def upgrade():
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.create_check_constraint("status_known", f"status IN ({APPLICATION})")
        batch_op.create_check_constraint("withdrawn_from_known", f"withdrawn_from IN ({APPLICATION})")
    with op.batch_alter_table("campaign_status_changes", schema=None) as batch_op:
        batch_op.create_check_constraint("from_status_known", f"from_status IN ({CAMPAIGN})")
        batch_op.create_check_constraint("to_status_known", f"to_status IN ({CAMPAIGN})")
    with op.batch_alter_table("score_versions", schema=None) as batch_op:
        batch_op.create_check_constraint("status_known", f"status IN ({SCORE})")


def downgrade():
    with op.batch_alter_table("score_versions", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_score_versions_status_known"), type_="check")
    with op.batch_alter_table("campaign_status_changes", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_campaign_status_changes_to_status_known"), type_="check")
        batch_op.drop_constraint(op.f("ck_campaign_status_changes_from_status_known"), type_="check")
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_applications_withdrawn_from_known"), type_="check")
        batch_op.drop_constraint(op.f("ck_applications_status_known"), type_="check")
