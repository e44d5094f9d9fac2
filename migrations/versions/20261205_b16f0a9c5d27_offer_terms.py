"""An offer's terms, shown to the candidate who answers it online: salary, location, start date, the conditions
(pre-employment checks), the last day to answer, and the reason given for a decline

Every new column is empty or has a default, so offers made before keep standing as they were.

Revision ID: b16f0a9c5d27
Revises: a16d7e2b3c41
Create Date: 2026-12-05 21:30:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b16f0a9c5d27"
down_revision = "a16d7e2b3c41"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("offers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("salary", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("location", sa.String(length=200), server_default="", nullable=False))
        batch_op.add_column(sa.Column("starts_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("conditions", sa.Text(), server_default="", nullable=False))
        batch_op.add_column(sa.Column("respond_by", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("decline_reason", sa.Text(), server_default="", nullable=False))
        batch_op.create_check_constraint("salary_positive", "salary IS NULL OR salary > 0")


def downgrade():
    with op.batch_alter_table("offers", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_offers_salary_positive"), type_="check")
        batch_op.drop_column("decline_reason")
        batch_op.drop_column("respond_by")
        batch_op.drop_column("conditions")
        batch_op.drop_column("starts_on")
        batch_op.drop_column("location")
        batch_op.drop_column("salary")
