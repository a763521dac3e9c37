from django import template

from eregion import i18n as eregion_i18n
from eregion.validators import format_phone

register = template.Library()


@register.filter
def local_name(obj):
    """The English name on English pages (the Latin one where there is no translation), the
    Bulgarian one otherwise."""
    if eregion_i18n.is_english() and getattr(obj, "english_name", ""):
        return obj.english_name
    return eregion_i18n.local_name(obj)


@register.filter
def phone(e164):
    return format_phone(e164)


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """The current query string with ``changes`` applied (``page`` for pagination links)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.simple_tag(takes_context=True)
def query_without(context, name):
    """The current query string without the filter ``name`` (and back on the first page)."""
    params = context["request"].GET.copy()
    params.pop(name, None)
    params.pop("page", None)
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else ""


@register.filter
def get_item(mapping, key):
    return mapping.get(key, "")
