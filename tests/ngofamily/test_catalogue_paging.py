"""A catalogue search reads its page and the number of its matches in one query
(``eregion.paging.counted_page``), and pages like ``Paginator.get_page``."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ngofamily.models import Organisation

from .factories import OrganisationFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("only_our_organisations")]

INDEX = reverse("ngofamily:index")


@pytest.fixture
def herons(geo):
    for n in range(45):
        OrganisationFactory(name=f"Сдружение „Чапли {n:02d}“", settlement=geo["smolyan"])
    OrganisationFactory(name="Сдружение „Щъркели“")
    names = Organisation.objects.filter(name__contains="Чапли").values_list("name", flat=True)
    return sorted(names)


def shown(html):
    return re.findall(r"Сдружение „Чапли \d\d“", html)


def test_pages_of_a_search_in_order_with_the_count(client, herons):
    first = client.get(INDEX, {"q": "чапли"}).content.decode()
    assert "45 организации" in first
    assert shown(first) == herons[:20]
    third = client.get(INDEX, {"q": "chapli", "page": 3}).content.decode()
    assert shown(third) == herons[40:] and "Страница 3 от 3" in third


@pytest.mark.parametrize(("page", "expected"), [("9", 3), ("x", 1), ("0", 1), ("-2", 1)])
def test_a_page_out_of_range_or_not_a_number_is_the_last_or_the_first(
    client, herons, page, expected
):
    html = client.get(INDEX, {"q": "чапли", "page": page}).content.decode()
    assert f"Страница {expected} от 3" in html
    assert len(shown(html)) == (5 if expected == 3 else 20)


def test_a_search_with_no_match_says_so(client, herons):
    html = client.get(INDEX, {"q": "фламинго"}).content.decode()
    assert "Няма организации" in html and "0 организации" in html


def test_the_count_comes_with_the_page(client, herons):
    with CaptureQueriesContext(connection) as queries:
        client.get(INDEX, {"q": "чапли", "page": 2})
    sql = [q["sql"] for q in queries.captured_queries]
    assert any("COUNT(*) OVER ()" in s for s in sql)
    assert not any('AS "__count"' in s for s in sql)  # no separate COUNT(*)
