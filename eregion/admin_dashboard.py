"""The staff dashboard on the admin index: what waits, each a link to its filtered list."""

from django.apps import apps
from django.db.models import Case, Value, When
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

# (label, app_label.Model, filter field, value): a row per kind of work that waits.
QUEUES = [
    ("organisations", "ngofamily.Organisation", "status", "pending"),
    ("claims", "ngofamily.ClaimRequest", "status", "pending"),
    ("memberships", "ngofamily.FamilyMembership", "status", "applied"),
    ("reports", "directory.InaccuracyReport", "status", "new"),
    ("emails", "eregion.OutboundEmail", "status", "failed"),
    ("builds", "publications.Build", "status", "failed"),
]


def _labels():
    return {
        "organisations": _("Организации за преглед"),
        "claims": _("Заявки за собственост"),
        "memberships": _("Кандидатури за фамилията НПО"),
        "reports": _("Сигнали за неточност"),
        "emails": _("Неизпратени имейли"),
        "builds": _("Неуспешни PDF издания"),
    }


def waiting(user=None):
    """Rows ``{"key", "label", "count", "url"}`` for the queues that exist (and ``user`` may
    see, when given), in a fixed order."""
    labels = _labels()
    rows = []
    for key, model_path, field, value in QUEUES:
        try:
            model = apps.get_model(model_path)
        except LookupError:  # an app that has not landed yet
            continue
        if not any(f.name == field for f in model._meta.get_fields()):
            continue
        opts = model._meta
        if user is not None and not user.has_perm(f"{opts.app_label}.view_{opts.model_name}"):
            continue
        try:
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        except NoReverseMatch:
            continue
        rows.append(
            {
                "key": key,
                "label": labels[key],
                "count": model.objects.filter(**{field: value}).count(),
                "url": f"{url}?{field}__exact={value}",
            }
        )
    return rows


def waiting_first(field: str, value: str):
    """An ``ordering`` term for a changelist that puts the rows waiting for staff on top."""
    return Case(When(**{field: value}, then=Value(0)), default=Value(1)).asc()
