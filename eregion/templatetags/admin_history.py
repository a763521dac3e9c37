"""History that reads as sentences in the admin: "Публикувана от Мария Петрова на 1 декември
2026, 15:36", with the status's label as the verb (see eregion/admin_history.py for the changes)."""

import datetime

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

register = template.Library()


def readable_value(field, value) -> str:
    """A stored value as a person reads it: choice labels, local dates, yes/no, names."""
    if value is None or value == "":
        return "—"
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("да") if value else _("не")
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return date_format(value, "DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return date_format(value, "DATE_FORMAT")
    if field is not None and field.is_relation and field.related_model is not None:
        related = field.related_model._default_manager.filter(pk=value).first()
        if related is not None:
            return str(related)
    return str(value)


@register.simple_tag
def history_sentence(record) -> str:
    """ "Публикувана от … на …" when the status changed, else "Променен/Създаден/Изтрит от …"."""
    verb = {"+": _("Създаден"), "~": _("Променен"), "-": _("Изтрит")}.get(
        record.history_type, record.get_history_type_display()
    )
    for change in getattr(record, "history_delta_changes", None) or []:
        if change.get("name") == "status":
            label = str(change["new"])  # already the choice's label
            verb = label[:1].upper() + label[1:]
    when = date_format(timezone.localtime(record.history_date), "DATETIME_FORMAT")
    if record.history_user_id:
        return _("%(verb)s от %(user)s на %(when)s") % {
            "verb": verb,
            "user": record.history_user,
            "when": when,
        }
    return _("%(verb)s на %(when)s") % {"verb": verb, "when": when}
