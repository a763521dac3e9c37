"""A structure's page, the province and municipality pages, the map, the downloads and the
"report an inaccuracy" form."""

import csv
import io
import json
import re
from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.utils.html import escape

from directory.models import AdministrativeStructure, InaccuracyReport, WorkingHours

SOFIA = ZoneInfo("Europe/Sofia")


def test_every_municipal_administration_has_a_complete_page(client, directory):
    municipal = directory.filter(kind="municipal")
    assert municipal.count() == 69
    for s in municipal:
        html = client.get(f"/directory/{s.slug}/").content.decode()
        assert f"<h1>{s.name}</h1>" in html
        assert 'id="address"' in html and escape(s.address_display) in html
        assert re.search(r'href="tel:\+359\d+"', html), s.name
        assert 'id="coordinates"' in html and 'id="structure-map"' in html
        assert "open-status" in html  # Отворено сега / Затворено


def test_the_page_shows_contacts_hours_services_and_links(client, directory):
    html = client.get("/directory/obshtina-plovdiv/").content.decode()
    assert 'href="tel:+35932656700"' in html and "032 656 700" in html
    assert "mailto:" in html
    assert "09:00–17:30" in html and "почивен ден" in html
    assert "Издаване на удостоверение за наследници" in html
    assert "Район „Тракия“" in html  # a child
    assert "vcard.vcf" in html
    assert "Съобщете за неточност" in html


def test_json_ld_describes_a_government_office_and_no_inline_code_runs(client, directory):
    response = client.get("/directory/obshtina-plovdiv/")
    html = response.content.decode()
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    data = json.loads(block)
    assert data["@type"] == "GovernmentOffice"
    assert data["name"] == "Община Пловдив"
    assert data["telephone"] == ["+35932656700"]
    assert data["openingHoursSpecification"][0]["opens"] == "09:00"
    # Every other script is a file of our own: the policy forbids inline code.
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    assert all("src=" in attrs or "ld+json" in attrs for attrs, _body in scripts)
    assert "style=" not in html
    policy = response.headers.get("Content-Security-Policy", "")
    assert "unsafe-inline" not in policy


def test_opening_status_in_sofia_time(directory):
    mayoralty = directory.filter(kind="mayoralty").prefetch_related("hours").first()
    monday_morning = datetime(2026, 11, 23, 10, 0, tzinfo=SOFIA)
    status = mayoralty.opening_status(monday_morning)
    assert status["open"] and status["closes_at"] == time(12)
    lunch = mayoralty.opening_status(datetime(2026, 11, 23, 12, 30, tzinfo=SOFIA))
    assert not lunch["open"] and lunch["opens_at"] == time(13) and lunch["opens_day"] is None
    friday_evening = mayoralty.opening_status(datetime(2026, 11, 27, 18, 0, tzinfo=SOFIA))
    assert not friday_evening["open"]
    assert friday_evening["opens_at"] == time(8, 30) and friday_evening["opens_day"] == 0
    # 07:30 UTC is 09:30 in Sofia in winter: open.
    utc = datetime(2026, 11, 23, 7, 30, tzinfo=ZoneInfo("UTC"))
    assert mayoralty.is_open_at(utc)


def test_hours_cannot_end_before_they_start(directory):
    from django.core.exceptions import ValidationError

    hours = WorkingHours(structure=directory.first(), weekday=5, opens=time(12), closes=time(9))
    with pytest.raises(ValidationError):
        hours.full_clean()


def test_vcard_download(client, directory):
    response = client.get("/directory/obshtina-plovdiv/vcard.vcf")
    assert response["Content-Type"].startswith("text/vcard")
    text = response.content.decode()
    assert "BEGIN:VCARD" in text and "FN:Община Пловдив" in text
    assert "TEL;TYPE=WORK,VOICE:+35932656700" in text


def test_english_page_shows_the_english_name(client, directory):
    html = client.get("/en/directory/obshtina-plovdiv/").content.decode()
    assert "<h1>Municipality of Plovdiv</h1>" in html


def test_unpublished_structures_are_not_shown(client, directory):
    directory.filter(slug="obshtina-plovdiv").update(is_published=False)
    assert client.get("/directory/obshtina-plovdiv/").status_code == 404


def test_detail_runs_a_fixed_number_of_queries(client, directory, django_assert_max_num_queries):
    for slug in ["obshtina-plovdiv", "rayonen-sad-smolyan"]:
        with django_assert_max_num_queries(6):
            assert client.get(f"/directory/{slug}/").status_code == 200


def test_province_page_groups_structures_by_kind(client, directory, django_assert_max_num_queries):
    with django_assert_max_num_queries(5):
        html = client.get("/directory/provinces/smolyan/").content.decode()
    assert "<h1>Област Смолян</h1>" in html
    headings = re.findall(r'<h2 class="h4" id="kind-(\w+)">', html)
    assert headings == ["regional", "municipal", "territorial", "court", "mayoralty"]
    assert "Районен съд Смолян" in html


def test_municipality_page(client, directory, django_assert_max_num_queries):
    with django_assert_max_num_queries(5):
        html = client.get("/directory/municipalities/plovdiv/").content.decode()
    assert "<h1>Община Пловдив</h1>" in html
    assert "Район „Централен“" in html


def test_export_csv_has_one_row_per_published_structure(client, directory):
    directory.filter(slug="rayonen-sad-smolyan").update(is_published=False)
    response = client.get("/directory/export.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.getvalue().decode("utf-8-sig"))))
    assert len(rows) == AdministrativeStructure.objects.published().count()
    assert "rayonen-sad-smolyan" not in {r["slug"] for r in rows}
    plovdiv = next(r for r in rows if r["slug"] == "obshtina-plovdiv")
    assert plovdiv["phones"] == "+35932656700" and plovdiv["lat"]


def test_export_json_has_the_same_rows(client, directory):
    data = json.loads(client.get("/directory/export.json").getvalue())
    assert len(data["structures"]) == AdministrativeStructure.objects.published().count()
    assert set(data["structures"][0]) == set(data["columns"])


def test_map_points_follow_the_filters(client, directory):
    assert "directory-map" in client.get("/directory/map/?kind=court").content.decode()
    response = client.get("/directory/map/points.json", {"kind": "court"})
    points = json.loads(response.getvalue())["points"]
    assert len(points) == 42
    assert all(p["lat"] and p["lon"] for p in points)
    boundaries = client.get("/directory/map/municipalities.geojson").json()
    assert len(boundaries["features"]) == 69


def test_a_citizen_reports_an_inaccuracy_into_the_staff_queue(client, directory):
    response = client.post(
        "/directory/obshtina-plovdiv/report/",
        {"message": "Телефонът е сменен.", "email": "citizen@example.org", "homepage": ""},
        follow=True,
    )
    assert "Благодарим" in response.content.decode()
    report = InaccuracyReport.objects.get()
    assert report.structure.slug == "obshtina-plovdiv" and report.status == "new"


def test_an_empty_report_shows_the_error_next_to_the_field(client, directory):
    response = client.post("/directory/obshtina-plovdiv/report/", {"message": ""})
    assert response.status_code == 400
    assert 'id="id_message_error"' in response.content.decode()
    assert not InaccuracyReport.objects.exists()


def test_the_honeypot_drops_bot_reports_silently(client, directory):
    response = client.post(
        "/directory/obshtina-plovdiv/report/",
        {"message": "spam", "homepage": "http://spam.example"},
        follow=True,
    )
    assert "Благодарим" in response.content.decode()
    assert not InaccuracyReport.objects.exists()


def test_reports_are_rate_limited(client, directory):
    for _ in range(5):
        client.post("/directory/obshtina-plovdiv/report/", {"message": "грешка"})
    response = client.post("/directory/obshtina-plovdiv/report/", {"message": "грешка"})
    assert response.status_code == 429
    assert InaccuracyReport.objects.count() == 5
