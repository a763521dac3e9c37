"""Staff keep the directory in the admin: search and filters, inline hours, "mark verified",
history, the report queue, and bulk import that writes all rows or none."""

import re

import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from directory.admin import StructureResource
from directory.models import AdministrativeStructure, InaccuracyReport

HEADER = [
    "slug", "name", "kind", "agency", "parent", "province", "municipality", "settlement",
    "address", "postal_code", "phones", "emails", "website", "head_title", "head_name", "eik",
    "lat", "lon", "hours_note", "last_verified", "is_published",
]  # fmt: skip


def eik(prefix8: str) -> str:
    """A valid 9-digit EIK from its first eight digits."""
    r = sum(i * int(d) for i, d in enumerate(prefix8, 1)) % 11
    if r == 10:
        r = sum((i + 2) * int(d) for i, d in enumerate(prefix8, 1)) % 11
        r = 0 if r == 10 else r
    return prefix8 + str(r)


def rows(bad_eik=False):
    base = {h: "" for h in HEADER}
    data = [
        {**base, "name": "Дирекция „Социално подпомагане“ Смолян", "kind": "territorial",
         "agency": "social", "province": "SML", "municipality": "SML31", "settlement": "67653",
         "address": "бул. „България“ 12", "postal_code": "4700", "phones": "0301 6 22 11",
         "emails": "dsp-smolyan@asp.government.bg", "eik": eik("12003915"), "is_published": "1"},
        {**base, "name": "Бюро по труда Смолян", "kind": "териториално звено на централната власт",
         "agency": "labour", "province": "SML", "municipality": "SML31", "settlement": "67653",
         "address": "бул. „България“ 3", "phones": "+359 301 62 000",
         "eik": "123456788" if bad_eik else eik("17562937"), "is_published": "1"},
        {**base, "name": "Офис на НАП Смолян", "kind": "territorial", "agency": "nap",
         "province": "SML", "municipality": "SML31", "settlement": "67653",
         "address": "ул. „Дичо Петров“ 1", "phones": "0301 6 30 00", "is_published": "1"},
    ]  # fmt: skip
    return tablib.Dataset(*[[r[h] for h in HEADER] for r in data], headers=HEADER)


def import_through_admin(client, dataset):
    url = reverse("admin:directory_administrativestructure_import")
    upload = SimpleUploadedFile("structures.csv", dataset.export("csv").encode("utf-8"))
    response = client.post(url, {"import_file": upload, "format": "0", "resource": "0"})
    assert response.status_code == 200
    confirm = response.context.get("confirm_form")
    if confirm is None:
        return response
    process = reverse("admin:directory_administrativestructure_process_import")
    return client.post(process, {**confirm.initial, "resource": "0"}, follow=True)


def test_one_bad_eik_imports_nothing_and_names_the_row(client, staff_user, directory):
    client.force_login(staff_user)
    before = AdministrativeStructure.objects.count()
    response = import_through_admin(client, rows(bad_eik=True))
    html = response.content.decode()
    assert AdministrativeStructure.objects.count() == before
    assert re.search(r"\b2\b", html)  # the second data row
    assert "123456788" in html and "контролна цифра" in html
    assert "Бюро по труда Смолян" in html


def test_the_fixed_file_imports_every_row(client, staff_user, directory):
    client.force_login(staff_user)
    before = AdministrativeStructure.objects.count()
    import_through_admin(client, rows())
    assert AdministrativeStructure.objects.count() == before + 3
    office = AdministrativeStructure.objects.get(name="Бюро по труда Смолян")
    assert office.kind == "territorial" and office.phone_list == ["+35930162000"]
    assert office.settlement.ekatte == "67653" and office.slug == "byuro-po-truda-smolyan"
    assert client.get(office.get_absolute_url()).status_code == 200


def test_a_bad_row_in_the_middle_rolls_back_the_rows_before_it(directory):
    # Not the admin's dry run: a real import, where the first row is valid and written first.
    before = AdministrativeStructure.objects.count()
    result = StructureResource().import_data(rows(bad_eik=True), dry_run=False)
    assert [row.number for row in result.invalid_rows] == [2]
    assert AdministrativeStructure.objects.count() == before
    assert not AdministrativeStructure.objects.filter(
        name="Дирекция „Социално подпомагане“ Смолян"
    ).exists()


@pytest.mark.parametrize(
    "column, value, reason",
    [
        ("settlement", "67654", "контролната цифра"),
        ("settlement", "12345", "ЕКАТТЕ"),
        ("kind", "министерство", "Непознат вид"),
        ("phones", "12", "телефонен номер"),
    ],
)
def test_each_kind_of_bad_value_is_reported(directory, column, value, reason):
    dataset = rows()
    index = HEADER.index(column)
    dataset[0] = tuple(value if i == index else v for i, v in enumerate(dataset[0]))
    before = AdministrativeStructure.objects.count()
    result = StructureResource().import_data(dataset, dry_run=False, use_transactions=True)
    assert result.has_validation_errors() or result.has_errors()
    assert AdministrativeStructure.objects.count() == before
    messages = " ".join(
        str(m) for row in result.invalid_rows for msgs in row.error_dict.values() for m in msgs
    )
    assert reason in messages
    assert [row.number for row in result.invalid_rows] == [1]


def test_xlsx_export_and_import_round_trip(directory):
    dataset = rows()
    xlsx = dataset.export("xlsx")
    loaded = tablib.Dataset().load(xlsx, format="xlsx")
    result = StructureResource().import_data(loaded, dry_run=False, use_transactions=True)
    assert not result.has_errors() and not result.has_validation_errors()
    exported = StructureResource().export(
        queryset=AdministrativeStructure.objects.filter(municipality__code="SML31")
    )
    assert "Бюро по труда Смолян" in exported.csv


def test_admin_list_search_and_filters(client, staff_user, directory):
    client.force_login(staff_user)
    url = reverse("admin:directory_administrativestructure_changelist")
    html = client.get(url, {"q": "Пловдив", "kind__exact": "municipal"}).content.decode()
    assert "Община Пловдив" in html
    assert client.get(url, {"province__id__exact": "1"}).status_code == 200
    plovdiv = directory.get(slug="obshtina-plovdiv")
    change = client.get(
        reverse("admin:directory_administrativestructure_change", args=[plovdiv.pk])
    )
    assert "hours-0-opens" in change.content.decode()  # the inline working hours


def test_mark_verified_sets_the_date_and_keeps_history(client, staff_user, directory):
    client.force_login(staff_user)
    plovdiv = directory.get(slug="obshtina-plovdiv")
    versions = plovdiv.history.count()
    client.post(
        reverse("admin:directory_administrativestructure_changelist"),
        {"action": "mark_verified", "_selected_action": [plovdiv.pk]},
    )
    plovdiv.refresh_from_db()
    assert plovdiv.last_verified is not None
    assert plovdiv.history.count() == versions + 1
    history = client.get(
        reverse("admin:directory_administrativestructure_history", args=[plovdiv.pk])
    )
    assert history.status_code == 200


def test_reports_reach_the_staff_queue(client, staff_user, directory):
    plovdiv = directory.get(slug="obshtina-plovdiv")
    InaccuracyReport.objects.create(structure=plovdiv, message="Нов телефон: 032 656 701")
    client.force_login(staff_user)
    html = client.get(reverse("admin:directory_inaccuracyreport_changelist")).content.decode()
    assert "Нов телефон" in html and "Община Пловдив" in html
