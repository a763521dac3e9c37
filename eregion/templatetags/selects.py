"""``{% select_options rows %}``: a ``<select>``'s options rendered in one pass.

A facet or filter select has up to a few hundred options (the country's municipalities, the
services); looping over them in the template costs four variable lookups, escapes and
localisations per option — most of a search page's rendering. The rows are those of
``eregion.selects.select_rows`` and ``directory.filters.facet_choices``.
"""

from html import escape

from django import template
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag
def select_options(options, counts=False):
    """``<option value="…" selected>label</option>`` for each row (``counts``: "label (n)")."""
    parts = []
    for o in options:
        # The standard library's escape (what Django's wraps, for lazy strings, per call).
        label = f"{o['label']} ({o['count']})" if counts else str(o["label"])
        selected = " selected" if o["selected"] else ""
        value = escape(str(o["value"]))
        parts.append(f'<option value="{value}"{selected}>{escape(label)}</option>')
    return mark_safe("".join(parts))
