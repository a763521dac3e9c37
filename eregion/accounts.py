"""A person's own data: everything the portal holds about them, and deleting their account.

Deleting never deletes an organisation: one the person alone owned loses its owner and is
marked for staff review, so staff take it over. Records the project must keep for its reports
(training enrolments and attendance) stay, with the account anonymised instead of deleted.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _


def _iso(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


def _rows(queryset, fields):
    return [
        {f: _iso(v) for f, v in zip(fields, row, strict=True)}
        for row in queryset.values_list(*fields)
    ]


def export_user_data(user) -> dict:
    """All personal data about ``user``, as JSON-ready data (the right of access)."""
    from directory.models import InaccuracyReport
    from ngofamily.models import ClaimRequest, CoEditorInvite, FamilyMembership, Organisation
    from trainings.models import Enrolment

    return {
        "exported_at": timezone.now().isoformat(),
        "account": {
            "email": user.email,
            "full_name": user.full_name,
            "phone": user.phone,
            "language": user.language,
            "email_verified": user.email_verified,
            "date_joined": _iso(user.date_joined),
            "last_login": _iso(user.last_login),
        },
        "organisations": _rows(
            Organisation.objects.owned_by(user).order_by("name"),
            ["name", "eik", "status", "emails", "phones", "website", "created_at"],
        ),
        "claims": _rows(
            ClaimRequest.objects.filter(user=user).order_by("created_at"),
            ["organisation__name", "role", "message", "status", "note", "created_at"],
        ),
        "family_applications": _rows(
            FamilyMembership.objects.filter(applied_by=user).order_by("applied_at"),
            ["organisation__name", "status", "motivation", "applied_at"],
        ),
        "invitations": _rows(
            CoEditorInvite.objects.filter(email__iexact=user.email).order_by("created_at"),
            ["organisation__name", "created_at", "accepted_at"],
        ),
        "enrolments": _rows(
            Enrolment.objects.filter(user=user).order_by("created_at"),
            ["session__course__title", "session__starts_at", "status", "attended", "created_at"],
        ),
        "inaccuracy_reports": _rows(
            InaccuracyReport.objects.filter(email__iexact=user.email).order_by("created_at"),
            ["structure__name", "message", "status", "created_at"],
        ),
    }


@transaction.atomic
def delete_account(user) -> dict:
    """Delete ``user``'s account; returns what happened (organisations handed to staff and
    whether the account had to be anonymised rather than deleted)."""
    from ngofamily.models import CoEditorInvite, Organisation
    from trainings.models import Enrolment

    handed = []
    for organisation in Organisation.objects.owned_by(user).select_for_update():
        organisation.owners.remove(user)
        if not organisation.owners.exists():
            organisation.review_reason = _(
                "Собственикът изтри профила си на %(date)s: организацията се поддържа от "
                "служител, докато някой не я заяви."
            ) % {"date": timezone.localdate().strftime("%d.%m.%Y")}
            organisation.save(update_fields=["review_reason"])
            handed.append(organisation)
    CoEditorInvite.objects.filter(email__iexact=user.email, accepted_at=None).delete()
    keep = Enrolment.objects.filter(user=user).exists()
    if keep:
        # Attendance is reported to the funder: keep the record, drop the person.
        user.email = f"deleted-{user.pk}-{get_random_string(8).lower()}@invalid"
        user.full_name = ""
        user.phone = ""
        user.is_active = False
        user.is_staff = False
        user.is_superuser = False
        user.set_unusable_password()
        user.save()
        user.groups.clear()
        user.user_permissions.clear()
    else:
        user.delete()
    return {"organisations": handed, "anonymised": keep}
