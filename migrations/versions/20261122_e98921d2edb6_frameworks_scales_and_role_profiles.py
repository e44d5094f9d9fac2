"""Frameworks, levels, clusters, competencies, indicators, grades, scoring scales and role profiles.

Revision ID: e98921d2edb6
Revises:
Create Date: 2026-11-22 10:43:46.107571

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "e98921d2edb6"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "frameworks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("licence", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.CheckConstraint("length(slug) > 0", name=op.f("ck_frameworks_slug_not_empty")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_frameworks")),
        sa.UniqueConstraint("slug", name=op.f("uq_frameworks_slug")),
    )
    op.create_table(
        "scoring_scales",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("is_default", sa.Boolean(), nullable=False),
        sa.CheckConstraint("length(slug) > 0", name=op.f("ck_scoring_scales_slug_not_empty")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scoring_scales")),
        sa.UniqueConstraint("slug", name=op.f("uq_scoring_scales_slug")),
    )
    op.create_table(
        "clusters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("framework_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["framework_id"], ["frameworks.id"], name=op.f("fk_clusters_framework_id_frameworks"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clusters")),
        sa.UniqueConstraint("framework_id", "name", name=op.f("uq_clusters_framework_id_name")),
        sa.UniqueConstraint("id", "framework_id", name="uq_clusters_id_framework"),
    )
    op.create_table(
        "framework_levels",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("framework_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.CheckConstraint("number >= 0", name=op.f("ck_framework_levels_number_not_negative")),
        sa.ForeignKeyConstraint(
            ["framework_id"],
            ["frameworks.id"],
            name=op.f("fk_framework_levels_framework_id_frameworks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_framework_levels")),
        sa.UniqueConstraint("framework_id", "number", name=op.f("uq_framework_levels_framework_id_number")),
    )
    op.create_table(
        "grades",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("framework_id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.CheckConstraint("length(slug) > 0", name=op.f("ck_grades_slug_not_empty")),
        sa.ForeignKeyConstraint(
            ["framework_id"], ["frameworks.id"], name=op.f("fk_grades_framework_id_frameworks"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grades")),
        sa.UniqueConstraint("framework_id", "slug", name=op.f("uq_grades_framework_id_slug")),
    )
    op.create_table(
        "scale_points",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scale_id", sa.Integer(), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=100), nullable=False),
        sa.Column("descriptor", sa.Text(), nullable=False),
        sa.CheckConstraint("length(label) > 0", name=op.f("ck_scale_points_label_not_empty")),
        sa.ForeignKeyConstraint(
            ["scale_id"],
            ["scoring_scales.id"],
            name=op.f("fk_scale_points_scale_id_scoring_scales"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scale_points")),
        sa.UniqueConstraint("scale_id", "value", name=op.f("uq_scale_points_scale_id_value")),
    )
    op.create_table(
        "competencies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("framework_id", sa.Integer(), nullable=False),
        sa.Column("cluster_id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.CheckConstraint("length(slug) > 0", name=op.f("ck_competencies_slug_not_empty")),
        sa.ForeignKeyConstraint(
            ["cluster_id", "framework_id"],
            ["clusters.id", "clusters.framework_id"],
            name="fk_competencies_cluster_framework",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["framework_id"],
            ["frameworks.id"],
            name=op.f("fk_competencies_framework_id_frameworks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_competencies")),
        sa.UniqueConstraint("framework_id", "slug", name=op.f("uq_competencies_framework_id_slug")),
    )
    op.create_table(
        "role_profiles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=100), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("organisation", sa.String(length=200), nullable=False),
        sa.Column("framework_id", sa.Integer(), nullable=False),
        sa.Column("grade_id", sa.Integer(), nullable=True),
        sa.Column("grade_name", sa.String(length=200), nullable=False),
        sa.Column("level_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.CheckConstraint("length(slug) > 0", name=op.f("ck_role_profiles_slug_not_empty")),
        sa.ForeignKeyConstraint(
            ["framework_id"],
            ["frameworks.id"],
            name=op.f("fk_role_profiles_framework_id_frameworks"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["grade_id"], ["grades.id"], name=op.f("fk_role_profiles_grade_id_grades"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["level_id"],
            ["framework_levels.id"],
            name=op.f("fk_role_profiles_level_id_framework_levels"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_role_profiles")),
        sa.UniqueConstraint("slug", name=op.f("uq_role_profiles_slug")),
    )
    op.create_table(
        "competency_aliases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("competency_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.CheckConstraint("length(name) > 0", name=op.f("ck_competency_aliases_name_not_empty")),
        sa.ForeignKeyConstraint(
            ["competency_id"],
            ["competencies.id"],
            name=op.f("fk_competency_aliases_competency_id_competencies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_competency_aliases")),
        sa.UniqueConstraint("competency_id", "name", name=op.f("uq_competency_aliases_competency_id_name")),
    )
    op.create_table(
        "essential_criteria",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("role_profile_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "category IN ('knowledge', 'skills', 'experience', 'qualifications')",
            name=op.f("ck_essential_criteria_category_known"),
        ),
        sa.CheckConstraint("length(trim(text)) > 0", name=op.f("ck_essential_criteria_text_not_empty")),
        sa.ForeignKeyConstraint(
            ["role_profile_id"],
            ["role_profiles.id"],
            name=op.f("fk_essential_criteria_role_profile_id_role_profiles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_essential_criteria")),
        sa.UniqueConstraint("role_profile_id", "position", name=op.f("uq_essential_criteria_role_profile_id_position")),
    )
    op.create_table(
        "grade_requirements",
        sa.Column("grade_id", sa.Integer(), nullable=False),
        sa.Column("competency_id", sa.Integer(), nullable=False),
        sa.Column("level_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["competency_id"],
            ["competencies.id"],
            name=op.f("fk_grade_requirements_competency_id_competencies"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["grade_id"], ["grades.id"], name=op.f("fk_grade_requirements_grade_id_grades"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["level_id"],
            ["framework_levels.id"],
            name=op.f("fk_grade_requirements_level_id_framework_levels"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("grade_id", "competency_id", name=op.f("pk_grade_requirements")),
    )
    op.create_table(
        "indicators",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("competency_id", sa.Integer(), nullable=False),
        sa.Column("level_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.CheckConstraint("kind IN ('effective', 'ineffective')", name=op.f("ck_indicators_kind_known")),
        sa.CheckConstraint("length(trim(text)) > 0", name=op.f("ck_indicators_text_not_empty")),
        sa.ForeignKeyConstraint(
            ["competency_id"],
            ["competencies.id"],
            name=op.f("fk_indicators_competency_id_competencies"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["level_id"],
            ["framework_levels.id"],
            name=op.f("fk_indicators_level_id_framework_levels"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicators")),
        sa.UniqueConstraint(
            "competency_id",
            "level_id",
            "kind",
            "position",
            name=op.f("uq_indicators_competency_id_level_id_kind_position"),
        ),
    )
    op.create_table(
        "objective_areas",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("role_profile_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["role_profile_id"],
            ["role_profiles.id"],
            name=op.f("fk_objective_areas_role_profile_id_role_profiles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_objective_areas")),
        sa.UniqueConstraint("role_profile_id", "position", name=op.f("uq_objective_areas_role_profile_id_position")),
    )
    op.create_table(
        "role_profile_competencies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("role_profile_id", sa.Integer(), nullable=False),
        sa.Column("competency_id", sa.Integer(), nullable=False),
        sa.Column("source_name", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["competency_id"],
            ["competencies.id"],
            name=op.f("fk_role_profile_competencies_competency_id_competencies"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["role_profile_id"],
            ["role_profiles.id"],
            name=op.f("fk_role_profile_competencies_role_profile_id_role_profiles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_role_profile_competencies")),
        sa.UniqueConstraint(
            "role_profile_id", "position", name=op.f("uq_role_profile_competencies_role_profile_id_position")
        ),
    )
    op.create_table(
        "objective_area_competencies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("objective_area_id", sa.Integer(), nullable=False),
        sa.Column("competency_id", sa.Integer(), nullable=False),
        sa.Column("source_name", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["competency_id"],
            ["competencies.id"],
            name=op.f("fk_objective_area_competencies_competency_id_competencies"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["objective_area_id"],
            ["objective_areas.id"],
            name=op.f("fk_objective_area_competencies_objective_area_id_objective_areas"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_objective_area_competencies")),
        sa.UniqueConstraint(
            "objective_area_id", "position", name=op.f("uq_objective_area_competencies_objective_area_id_position")
        ),
    )
    op.create_table(
        "objectives",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("objective_area_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.CheckConstraint("length(trim(text)) > 0", name=op.f("ck_objectives_text_not_empty")),
        sa.ForeignKeyConstraint(
            ["objective_area_id"],
            ["objective_areas.id"],
            name=op.f("fk_objectives_objective_area_id_objective_areas"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_objectives")),
        sa.UniqueConstraint("objective_area_id", "position", name=op.f("uq_objectives_objective_area_id_position")),
    )


def downgrade():
    op.drop_table("objectives")
    op.drop_table("objective_area_competencies")
    op.drop_table("role_profile_competencies")
    op.drop_table("objective_areas")
    op.drop_table("indicators")
    op.drop_table("grade_requirements")
    op.drop_table("essential_criteria")
    op.drop_table("competency_aliases")
    op.drop_table("role_profiles")
    op.drop_table("competencies")
    op.drop_table("scale_points")
    op.drop_table("grades")
    op.drop_table("framework_levels")
    op.drop_table("clusters")
    op.drop_table("scoring_scales")
    op.drop_table("frameworks")
