"""The staff dashboard on the admin index (``{% staff_dashboard as rows %}``)."""

from django import template

from eregion.admin_dashboard import waiting

register = template.Library()


@register.simple_tag(takes_context=True)
def staff_dashboard(context):
    return waiting(context["request"].user)
