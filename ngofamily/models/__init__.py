"""The NGO catalogue (organisations, their moderation and claims) and the NGO family (membership,
areas of joint work, work plan)."""

import secrets


def _invite_token():
    """A random token for a co-editor invitation link (referenced by migration 0001)."""
    return secrets.token_urlsafe(24)


from .catalogue import (  # noqa: E402
    CatalogueWord,
    ClaimRequest,
    CoEditorInvite,
    FieldOfActivity,
    Organisation,
    OrganisationQuerySet,
    TargetGroup,
)
from .family import (  # noqa: E402
    FamilyCharter,
    FamilyMembership,
    ProgressUpdate,
    WorkArea,
    WorkPlanItem,
)
from .survey import Answer, Question, Response, Section, Survey  # noqa: E402

__all__ = [
    "Answer",
    "CatalogueWord",
    "ClaimRequest",
    "CoEditorInvite",
    "FamilyCharter",
    "FamilyMembership",
    "FieldOfActivity",
    "Organisation",
    "OrganisationQuerySet",
    "ProgressUpdate",
    "Question",
    "Response",
    "Section",
    "Survey",
    "TargetGroup",
    "WorkArea",
    "WorkPlanItem",
]
