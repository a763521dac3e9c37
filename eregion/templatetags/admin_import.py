"""Readable names of import columns for the admin's import errors."""

from django import template
from django.core.exceptions import FieldDoesNotExist

register = template.Library()


@register.filter
def import_field_label(field_name, opts):
    """``„географска ширина“ (lat)`` for a model field; the bare column name otherwise."""
    try:
        label = opts.get_field(field_name).verbose_name
    except (FieldDoesNotExist, AttributeError):
        return f"„{field_name}“"
    return f"„{label}“ ({field_name})"


@register.simple_tag
def import_row_name(result, row) -> str:
    """The name in a bad row (its ``name`` column), so the clerk finds the row in the file."""
    values = dict(zip(result.diff_headers, row.values, strict=False))
    return str(values.get("name") or "").strip()
