"""The small things citizens noticed: exports that honour the list's filters, the map saying
what it leaves out, mayoralties' honest contacts, the home page's search box, plurals and
province links, a municipality page's wording, and a print stylesheet."""

import csv
import io
import json
import re

from django.contrib.staticfiles import finders

from ngofamily.models import FamilyMembership
from tests.ngofamily.factories import MemberFactory


def exported(client, **params) -> list[dict]:
    response = client.get("/directory/export.csv", params)
    return list(csv.DictReader(io.StringIO(response.getvalue().decode("utf-8-sig"))))


def test_the_csv_export_honours_the_lists_filters(client, directory):
    rows = exported(client, province="smolyan", kind="court")
    assert len(rows) == 7
    assert {r["province_code"] for r in rows} == {"SML"}
    assert len(exported(client)) == directory.published().count()
    searched = exported(client, q="районен съд смолян")
    assert [r["name"] for r in searched] == ["Районен съд Смолян"]
    assert exported(client, province="zzz") == []


def test_the_json_export_honours_the_filters_too(client, directory):
    data = json.loads(client.get("/directory/export.json", {"kind": "court"}).getvalue())
    assert len(data["structures"]) == 42


def test_the_map_says_how_many_of_the_listed_structures_it_shows(client, directory):
    html = client.get("/directory/map/", {"municipality": "asenovgrad"}).content.decode()
    listed = directory.filter(municipality__slug="asenovgrad").count()
    coverage = re.search(r'id="map-coverage"[^>]*>(.*?)</p>', html, re.S).group(1)
    assert f"от {listed} структури" in coverage
    assert "още не знаем мястото" in coverage
    response = client.get("/directory/map/points.json", {"municipality": "asenovgrad"})
    points = json.loads(response.getvalue())
    assert f"показва {len(points['points'])} от" in coverage


def test_a_mayoralty_gives_its_municipalitys_phone_and_services(client, directory):
    mayoralty = directory.get(name="Кметство Бачково")
    html = client.get(mayoralty.get_absolute_url()).content.decode()
    assert 'id="parent-phone"' in html and "tel:+35933162050" in html
    assert "Издаване на удостоверение за постоянен адрес" in html
    assert 'id="no-coordinates"' in html and "с. Бачково" in html


def test_an_office_without_its_own_point_is_shown_as_approximate(client, directory):
    office = directory.filter(lat__isnull=True, settlement__lat__isnull=False).first()
    html = client.get(office.get_absolute_url()).content.decode()
    assert "приблизително: центърът на населеното място" in html


def test_the_home_page_has_a_search_box_and_province_links(client, region):
    html = client.get("/").content.decode()
    assert re.search(r'<form method="get" action="/directory/" role="search"', html)
    assert 'href="/directory/provinces/plovdiv/"' in html


def test_the_home_page_says_one_member_in_the_singular(client, region):
    FamilyMembership.objects.all().delete()  # rolled back after the test
    MemberFactory()
    assert FamilyMembership.objects.approved().count() == 1
    html = client.get("/").content.decode()
    assert "1 членове" not in html
    assert re.search(
        r'<dt class="fw-normal">член на фамилията НПО</dt><dd [^>]*data-fact="family">1</dd>', html
    )


def test_a_municipality_page_speaks_of_the_municipality(client, directory):
    html = client.get("/directory/municipalities/asenovgrad/").content.decode()
    assert "в тази община" in html and "в тази област" not in html
    assert "в тази област" in client.get("/directory/provinces/plovdiv/").content.decode()


def test_a_print_stylesheet_hides_navigation_filters_and_live_badges():
    css = open(finders.find("css/site.css"), encoding="utf-8").read()
    rules = css[css.index("@media print") :]
    for selector in ["header", ".search-filters", ".open-status", ".btn", ".pagination"]:
        assert selector in rules
