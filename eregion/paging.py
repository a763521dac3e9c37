"""A page of a search and the number of its matches from one query.

``Paginator`` counts the matches (``COUNT(*)``), then reads the page (``ORDER BY … LIMIT``): for
a search both evaluate the same conditions over the same rows, so a broad query ("сдружение",
a third of the catalogue) pays for its matches twice. ``counted_page`` asks once for the page's
ids with ``COUNT(*) OVER ()``: the matches are read once, and only their ids and sort columns
are sorted. Then it reads the page's rows by id, with whatever the queryset selects and
prefetches. It behaves like ``Paginator.get_page``: a number that is not one gives the first
page, one past the end the last.

The matches are read in a subquery the planner may not flatten (``OFFSET 0``): flattened, the
planner of PostgreSQL 15 walks an index in the sort order to skip the sort, not knowing that
the count over the window needs every match first (a third of the catalogue read through the
index, row by row: 180 ms instead of 30).
"""

from django.core.paginator import Page, Paginator
from django.db import connections


def counted_page(queryset, number, per_page: int, order: list[str]) -> Page:
    """``order``: the queryset's ordering as field names (``-`` for descending), the last one
    unique, e.g. ``["name", "pk"]``; annotations may be named."""
    paginator = Paginator(queryset, per_page)
    if connections[queryset.db].vendor != "postgresql":  # the embedded SQLite of `make run`
        return paginator.get_page(number)
    try:
        number = max(int(number), 1)
    except (TypeError, ValueError):
        number = 1
    ids, total = _ids(queryset, number, per_page, order)
    if not ids:  # no matches, or a page past the end (then the last page, as get_page does)
        total = queryset.count()
        last = max(1, -(-total // per_page))
        if number > last and total:
            number = last
            ids, total = _ids(queryset, number, per_page, order)
        else:
            number = min(number, last)
    paginator.count = total  # Paginator.count is a cached property: no second count
    rows = {row.pk: row for row in queryset.filter(pk__in=ids)} if ids else {}
    return Page([rows[pk] for pk in ids if pk in rows], number, paginator)


def _ids(queryset, number, per_page, order):
    """The ids of page ``number`` in ``order`` and the number of matches, in one query."""
    connection = connections[queryset.db]
    quote = connection.ops.quote_name
    pk = queryset.model._meta.pk.column
    fields = [name.lstrip("-") for name in order]
    columns = ["pk", *[f for f in fields if f != "pk"]]
    # The subquery's columns, named for the outer query: the key, then the sort fields (an
    # annotation by its own name).
    names = ", ".join(quote(pk if f == "pk" else f) for f in columns)
    sort = ", ".join(
        f"{quote(pk if f == 'pk' else f)} {'DESC' if name.startswith('-') else 'ASC'}"
        for name, f in zip(order, fields, strict=True)
    )
    sql, params = queryset.order_by().values_list(*columns).query.sql_with_params()
    query = (
        f"SELECT m.{quote(pk)}, COUNT(*) OVER () FROM ({sql} OFFSET 0) m ({names}) "
        f"ORDER BY {sort} LIMIT %s OFFSET %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(query, [*params, per_page, (number - 1) * per_page])
        rows = cursor.fetchall()
    return [row[0] for row in rows], (rows[0][1] if rows else 0)
