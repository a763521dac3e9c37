"""Filter forms' ``<select>``s as plain data for the templates' own loops.

Django's widgets render every ``<option>`` through a template of its own: on the directory's
map page that was 9.5 of 12 ms, and about 17 ms on the NGO catalogue. The templates loop over
these rows instead.
"""

from django.utils.translation import get_language

from eregion import pagecache


def _options(field) -> list[tuple[str, str]]:
    key = field.to_field_name or "pk"
    return [(str(getattr(obj, key)), str(field.label_from_instance(obj))) for obj in field.queryset]


def select_rows(form, names=None) -> dict[str, dict]:
    """For each choice field of ``form`` (or those in ``names``): its name, id, label and
    options (value, label, selected), the chosen value read from the form's data as given."""
    data = form.data if form.is_bound else {}
    rows = {}
    for name, field in form.fields.items():
        if names is not None and name not in names:
            continue
        if not hasattr(field, "choices"):
            continue
        chosen = str(data.get(form.add_prefix(name), "") or "")
        if hasattr(field, "queryset"):
            pairs = [] if field.empty_label is None else [("", field.empty_label)]
            # The options of a queryset (the country's municipalities: 3 ms to build) are
            # kept while the data version stays (pagecache.memo), per query and language.
            memo_key = ("select", name, get_language(), str(field.queryset.query))
            pairs += pagecache.memo(memo_key, lambda field=field: _options(field))
        else:
            pairs = [(str(value), label) for value, label in field.choices]
        rows[name] = {
            "name": form.add_prefix(name),
            "id": f"id_{form.add_prefix(name)}",
            "label": field.label,
            "options": [
                {"value": value, "label": label, "selected": value == chosen}
                for value, label in pairs
            ],
        }
    return rows
