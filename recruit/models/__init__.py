"""Database models, one module per aggregate. Importing this package registers them all."""

from recruit.models.adjustment import AdjustmentRequest
from recruit.models.application import Application, PersonalDetails, Statement
from recruit.models.audit import AccessDenialWindow, AuditEvent, AuditLogIsAppendOnly
from recruit.models.calibration import BenchmarkAnswer, BenchmarkScore
from recruit.models.campaign import Campaign, CampaignWorkingPattern, Criterion, Panel, PanelMember, StatusChange
from recruit.models.disability_confident import DisabilityConfidentClaim
from recruit.models.framework import (
    Cluster,
    Competency,
    CompetencyAlias,
    Framework,
    FrameworkLevel,
    Grade,
    GradeRequirement,
    Indicator,
)
from recruit.models.interview import CriterionQuestion, InterviewQuestion, InterviewSlot, InterviewTime, Offer
from recruit.models.mail import DevelopmentEmail
from recruit.models.monitoring import MonitoringCount, MonitoringResponse
from recruit.models.notification import Notification, NotificationStatus
from recruit.models.public_content import PublicContentVersion
from recruit.models.redaction import StatementRedaction
from recruit.models.report import RenderedReport
from recruit.models.report_data import ReportDataVersion
from recruit.models.role import (
    EssentialCriterion,
    Objective,
    ObjectiveArea,
    ObjectiveAreaCompetency,
    RoleProfile,
    RoleProfileCompetency,
)
from recruit.models.scale import ScalePoint, ScoringScale
from recruit.models.scoring import (
    AgreedScore,
    AgreedScoreVersion,
    Conflict,
    ModerationDeputy,
    Score,
    ScoreVersion,
    StageRecord,
)
from recruit.models.setup_version import SetupVersion
from recruit.models.user import PendingRegistration, RecoveryCode, User, UserToken

__all__ = [
    "AccessDenialWindow",
    "AdjustmentRequest",
    "AgreedScore",
    "AgreedScoreVersion",
    "Application",
    "AuditEvent",
    "AuditLogIsAppendOnly",
    "BenchmarkAnswer",
    "BenchmarkScore",
    "Campaign",
    "CampaignWorkingPattern",
    "Cluster",
    "Competency",
    "CompetencyAlias",
    "Conflict",
    "Criterion",
    "CriterionQuestion",
    "DevelopmentEmail",
    "DisabilityConfidentClaim",
    "EssentialCriterion",
    "Framework",
    "FrameworkLevel",
    "Grade",
    "GradeRequirement",
    "Indicator",
    "InterviewQuestion",
    "InterviewSlot",
    "InterviewTime",
    "ModerationDeputy",
    "MonitoringCount",
    "MonitoringResponse",
    "Notification",
    "NotificationStatus",
    "Objective",
    "ObjectiveArea",
    "ObjectiveAreaCompetency",
    "Offer",
    "Panel",
    "PanelMember",
    "PendingRegistration",
    "PersonalDetails",
    "PublicContentVersion",
    "RecoveryCode",
    "RenderedReport",
    "ReportDataVersion",
    "RoleProfile",
    "RoleProfileCompetency",
    "ScalePoint",
    "Score",
    "ScoreVersion",
    "ScoringScale",
    "SetupVersion",
    "StageRecord",
    "Statement",
    "StatementRedaction",
    "StatusChange",
    "User",
    "UserToken",
]
