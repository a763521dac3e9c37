"""The trainings box on an organisation's page (shown to its owners)."""

from django import template
from django.utils import timezone

from trainings.models import Enrolment

register = template.Library()


@register.inclusion_tag("trainings/_organisation_trainings.html", takes_context=True)
def organisation_trainings(context, organisation):
    """The enrolments of the organisation's people, newest session first."""
    enrolments = (
        Enrolment.objects.filter(organisation=organisation)
        .exclude(status=Enrolment.Status.CANCELLED, session__starts_at__lt=timezone.now())
        .select_related("user", "session__course")
        .order_by("-session__starts_at", "pk")[:50]
    )
    return {"enrolments": enrolments, "organisation": organisation}
