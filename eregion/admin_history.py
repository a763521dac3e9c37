"""Change history in the admin that reads as sentences: choice labels instead of codes, local
dates instead of ISO timestamps, names instead of ids. Admins of audited models inherit
``ReadableHistoryAdmin`` instead of simple-history's ``SimpleHistoryAdmin``."""

from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from .templatetags.admin_history import readable_value


class ReadableContextHelper(HistoricalRecordContextHelper):
    def prepare_delta_change_value(self, change, value):
        field = self.model._meta.get_field(change.field)
        if field.many_to_many:
            return super().prepare_delta_change_value(change, value)
        return readable_value(field, getattr(value, "pk", value))

    def context_for_delta_changes(self, delta):
        rows = super().context_for_delta_changes(delta)
        for row, change in zip(rows, delta.changes, strict=True):
            row["name"] = change.field  # the raw field name, for the sentence's verb
        return rows


class ReadableHistoryAdmin(SimpleHistoryAdmin):
    def get_historical_record_context_helper(self, request, historical_record):
        return ReadableContextHelper(self.model, historical_record)
