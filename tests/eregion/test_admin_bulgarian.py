"""The admin in Bulgarian: import errors a clerk can read (every bad row, field, value and what
is expected; nothing written), Bulgarian dates and numbers accepted, export labels, history as
sentences, the CSP-safe templates and the favicon."""

import datetime
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from directory.models import AdministrativeStructure
from ngofamily import services
from ngofamily.models import Organisation
from tests.directory.test_admin import HEADER, rows
from tests.ngofamily.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

IMPORT = reverse("admin:directory_administrativestructure_import")


def upload(client, dataset):
    csv = SimpleUploadedFile("structures.csv", dataset.export("csv").encode("utf-8"))
    return client.post(IMPORT, {"import_file": csv, "format": "0", "resource": "0"})


def with_values(dataset, index, **values):
    row = list(dataset[index])
    for column, value in values.items():
        row[HEADER.index(column)] = value
    dataset[index] = tuple(row)


def bad_rows():
    """Three rows, each wrong in its own way: a word for the latitude, an impossible date, a
    wrong EIK check digit; one more row is fine."""
    dataset = rows()
    with_values(dataset, 0, lat="север", lon="24,7125")
    with_values(dataset, 1, last_verified="31.02.2026", eik="123456788")
    with_values(dataset, 2, kind="министерство")
    dataset.append(tuple(dataset[0]))
    with_values(dataset, 3, lat="41,5765", name="Читалище проба", last_verified="01.12.2026")
    return dataset


def test_every_bad_row_is_named_in_bulgarian_and_nothing_is_written(client, staff_user, region):
    client.force_login(staff_user)
    before = AdministrativeStructure.objects.count()
    response = upload(client, bad_rows())
    page = response.content.decode()
    assert AdministrativeStructure.objects.count() == before
    assert "Някои редове съдържат грешки; нищо не е записано" in page
    assert "Проверихме всички редове: 3 реда имат грешки." in page
    assert (
        "Ред 1, поле „ширина“ (lat): „север“ не е число; очаква се например 41,5765 или 42.1354."
        in page
    )
    assert "Ред 2, поле „последна проверка“ (last_verified): „31.02.2026“ не е дата" in page
    assert "Ред 2, поле „ЕИК“ (eik): ЕИК „123456788“ е невалиден: грешна контролна цифра" in page
    assert "Ред 3, поле „вид“ (kind): Непознат вид „министерство“" in page
    assert "Ред 4" not in page
    for english in ["ConversionSyntax", "Some rows failed", "Non field specific", "Traceback"]:
        assert english not in page


def test_bulgarian_dates_and_decimal_commas_are_imported(client, staff_user, region):
    client.force_login(staff_user)
    dataset = rows()
    with_values(dataset, 0, lat="41,5765", lon="24,7125", last_verified="01.12.2026")
    response = upload(client, dataset)
    confirm = response.context["confirm_form"]
    process = reverse("admin:directory_administrativestructure_process_import")
    done = client.post(process, {**confirm.initial, "resource": "0"}, follow=True)
    assert "Вносът приключи: нови 3" in done.content.decode()
    structure = AdministrativeStructure.objects.get(name="Дирекция „Социално подпомагане“ Смолян")
    assert str(structure.lat) == "41.576500"
    assert structure.last_verified.isoformat() == "2026-12-01"


def test_admin_forms_accept_dates_typed_the_bulgarian_way():
    from django import forms

    field = forms.DateField()
    assert field.clean("01.12.2026").isoformat() == "2026-12-01"


def test_the_export_page_has_bulgarian_labels_and_no_inline_code(client, staff_user):
    client.force_login(staff_user)
    page = client.get(reverse("admin:directory_administrativestructure_export")).content.decode()
    assert "Избери всички" in page
    assert "ЕИК (eik)" in page and "Ширина (lat)" in page
    assert "Адрес в портала (slug)" in page
    assert "Eik" not in page and ">Slug" not in page
    assert "onchange=" not in page and 'style="' not in page
    assert "js/admin-csp.js" in page


def test_every_admin_page_names_the_favicon_and_favicon_ico_redirects(client, staff_user):
    client.force_login(staff_user)
    assert 'rel="icon"' in client.get(reverse("admin:index")).content.decode()
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("favicon.svg")


def test_history_reads_as_sentences_with_labels_not_codes(client, user, staff_user):
    organisation = OrganisationFactory(owners=[user], status=Organisation.Status.DRAFT)
    services.submit(organisation, user)
    client.force_login(staff_user)
    client.post(
        reverse("admin:ngofamily_organisation_changelist"),
        {"action": "approve_selected", "_selected_action": [organisation.pk]},
    )
    page = client.get(
        reverse("admin:ngofamily_organisation_history", args=[organisation.pk])
    ).content.decode()
    assert f"Публикувана от {staff_user}" in page
    assert "очаква одобрение" in page
    assert "pending" not in page and "+00:00" not in page
    assert "История:" in page or "Change history" not in page
    assert 'style="' not in page


def test_the_admin_index_is_in_bulgarian(client, staff_user):
    client.force_login(staff_user)
    page = client.get(reverse("admin:index")).content.decode()
    assert "Опити за вход" in page
    assert "Access attempts" not in page


def test_import_history_of_a_structure_uses_bulgarian_dates(client, staff_user, region):
    structure = AdministrativeStructure.objects.filter(is_published=True).first()
    structure.last_verified = None
    structure.save()
    structure.last_verified = datetime.date(2026, 12, 1)
    structure.save()
    client.force_login(staff_user)
    page = client.get(
        reverse("admin:directory_administrativestructure_history", args=[structure.pk])
    ).content.decode()
    assert "— → 1 декември 2026" in page


def test_the_choose_widget_speaks_bulgarian(client, staff_user):
    client.force_login(staff_user)
    catalogue = client.get("/admin/jsi18n/").content.decode()
    # The catalogue is JSON with escaped non-ASCII: "Избери всички %s".
    assert json.dumps("Избери всички %s") in catalogue
