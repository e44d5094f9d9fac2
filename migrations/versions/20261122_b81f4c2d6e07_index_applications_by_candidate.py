"""Applications indexed by candidate: a candidate's own list, and finding accounts with no applications left

Revision ID: b81f4c2d6e07
Revises: 5c0e7a91d2b4
Create Date: 2026-11-22 17:20:00.000000

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "b81f4c2d6e07"
down_revision = "5c0e7a91d2b4"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_applications_candidate_id"), ["candidate_id"], unique=False)


def downgrade():
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_applications_candidate_id"))
