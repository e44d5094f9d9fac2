"""An application whose personal data has been erased is no longer linked to the candidate's account

Revision ID: 5c0e7a91d2b4
Revises: 97f495dc55bf
Create Date: 2026-11-22 16:40:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "5c0e7a91d2b4"
down_revision = "97f495dc55bf"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.alter_column("candidate_id", existing_type=sa.Integer(), nullable=True)


def downgrade():
    # Erased applications have no account to go back to. Refuse rather than delete their anonymous scores.
    erased = op.get_bind().execute(sa.text("SELECT count(*) FROM applications WHERE candidate_id IS NULL")).scalar()
    if erased:
        raise RuntimeError(
            f"{erased} applications have had their personal data erased and belong to no account; "
            "this revision cannot be undone while they exist."
        )
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.alter_column("candidate_id", existing_type=sa.Integer(), nullable=False)
