"""Whole-directory downloads and the map's points at any size: streamed, read as plain values,
revalidated with a 304 while nothing changed, with query counts that do not grow with the
data."""

import csv
import io
import json
from datetime import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from directory.models import AdministrativeStructure, Settlement, WorkingHours
from directory.views import EXPORT_COLUMNS

CSV = "/directory/export.csv"
JSON = "/directory/export.json"
POINTS = "/directory/map/points.json"


def csv_rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.getvalue().decode("utf-8-sig"))))


def add_structures(n: int, settlement=None, **values):
    """``n`` published structures with weekday hours (seated in Бачково unless told)."""
    settlement = settlement or Settlement.objects.select_related("municipality").get(ekatte="02974")
    made = []
    for i in range(n):
        structure = AdministrativeStructure.objects.create(
            name=f"Пробна служба {i:02}",
            kind="other",
            province_id=settlement.municipality.province_id,
            municipality=settlement.municipality,
            settlement=settlement,
            phones="0888 123 456",
            **values,
        )
        WorkingHours.objects.create(
            structure=structure, weekday=0, opens=time(9), closes=time(17), break_start=time(12),
            break_end=time(13),
        )  # fmt: skip
        made.append(structure)
    return made


def queries_to_read(client, url, params=None) -> int:
    """Queries of one request, the streamed body read to its end."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
        assert response.status_code == 200
        response.getvalue() if response.streaming else response.content
    return len(ctx.captured_queries)


def revalidated(client, url):
    """The whole file at ``url``, after checking that asking again with its ETag or its
    Last-Modified gets an empty 304."""
    first = client.get(url)
    assert first["Cache-Control"] == "public, no-cache"
    again = client.get(url, headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304 and again.content == b""
    assert client.get(url, headers={"If-Modified-Since": first["Last-Modified"]}).status_code == 304
    return first


def test_the_csv_export_is_streamed_with_every_published_structure(client, directory):
    response = client.get(CSV)
    assert response.streaming  # written while it is read, not built whole in memory
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="e-region-directory.csv"'
    rows = csv_rows(response)
    assert list(rows[0]) == EXPORT_COLUMNS
    assert len(rows) == directory.published().count()

    court = directory.select_related("parent", "settlement").get(slug="rayonen-sad-smolyan")
    row = next(r for r in rows if r["slug"] == court.slug)
    lat, lon = court.coordinates
    assert (row["lat"], row["lon"]) == (f"{lat:.6f}", f"{lon:.6f}")
    assert row["parent_slug"] == court.parent.slug and row["settlement_ekatte"] == "67653"
    assert row["phones"] == " ".join(court.phone_list)
    assert row["hours"] == "; ".join(
        f"{['Mo', 'Tu', 'We', 'Th', 'Fr', 'Sa', 'Su'][h.weekday]} {h.display()}"
        for h in court.hours.all()
    )
    assert row["url"] == f"http://testserver/directory/{court.slug}/"


def test_a_structure_with_a_break_and_no_point_of_its_own(client, directory):
    (structure,) = add_structures(1)
    row = next(r for r in csv_rows(client.get(CSV)) if r["slug"] == structure.slug)
    assert row["hours"] == "Mo 09:00–12:00, 13:00–17:00"
    assert row["phones"] == "+359888123456"
    # Бачково has no point of its own in the data: the structure is not located
    assert (row["lat"], row["lon"]) == ("", "")


def test_the_json_export_is_one_valid_document_with_the_same_rows(client, directory):
    response = client.get(JSON)
    assert response.streaming
    data = json.loads(response.getvalue())
    assert data["columns"] == EXPORT_COLUMNS
    assert data["structures"] == csv_rows(client.get(CSV))


def test_english_exports_link_to_the_english_pages(client, directory):
    rows = csv_rows(client.get("/en" + CSV))
    assert all(r["url"].startswith("http://testserver/en/directory/") for r in rows)


def test_the_whole_directory_files_answer_304_until_something_changes(client, directory):
    for url in (CSV, JSON):
        etag = revalidated(client, url)["ETag"]

    structure = directory.get(slug="rayonen-sad-smolyan")
    structure.name = "Районен съд — Смолян"
    structure.save()
    changed = client.get(CSV, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert "Районен съд — Смолян" in changed.getvalue().decode("utf-8-sig")

    AdministrativeStructure.objects.filter(pk=structure.pk).update(is_published=False)
    assert client.get(CSV, headers={"If-None-Match": changed["ETag"]}).status_code == 200


def test_a_filtered_download_is_not_revalidated(client, directory):
    response = client.get(CSV, {"kind": "court"})
    assert "ETag" not in response and len(csv_rows(response)) == 42


@pytest.mark.parametrize("url", [CSV, JSON, POINTS])
def test_query_counts_stay_the_same_with_1_or_50_more_structures(client, directory, url):
    add_structures(1)
    with_one = queries_to_read(client, url)
    add_structures(49)
    assert queries_to_read(client, url) == with_one
    assert queries_to_read(client, url, {"kind": "other"}) <= with_one


def test_map_points_are_the_located_structures_with_their_own_point_first(client, directory):
    plovdiv = Settlement.objects.select_related("municipality").get(ekatte="56784")
    bachkovo = Settlement.objects.select_related("municipality").get(ekatte="02974")
    assert plovdiv.lat is not None and bachkovo.lat is None
    (own,) = add_structures(1, plovdiv, lat="42.100000", lon="24.700000")
    (town,) = add_structures(1, plovdiv)
    (nowhere,) = add_structures(1, bachkovo)
    response = client.get(POINTS, {"kind": "other"})
    assert response.streaming
    points = {p["url"]: p for p in json.loads(response.getvalue())["points"]}
    assert (points[own.get_absolute_url()]["lat"], points[own.get_absolute_url()]["lon"]) == (
        42.1,
        24.7,
    )
    assert points[town.get_absolute_url()]["lat"] == float(plovdiv.lat)
    assert nowhere.get_absolute_url() not in points
    assert points[own.get_absolute_url()]["kind"] == "друга"
    english = json.loads(client.get("/en" + POINTS, {"kind": "other"}).getvalue())["points"]
    assert {p["name"] for p in english} >= {"Probna sluzhba 00"}
    assert all(p["url"].startswith("/en/directory/") for p in english)
