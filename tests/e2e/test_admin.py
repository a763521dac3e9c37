"""Browser test of the admin under the strict CSP: a clerk imports a file with three kinds of
bad rows and sees each named in Bulgarian with nothing written, then exports with "select all";
the console shows no CSP violation or script error on any page."""

import pytest

from directory.models import AdministrativeStructure
from tests.eregion.test_admin_bulgarian import bad_rows
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_import_names_every_bad_row_and_export_selects_all_without_csp_errors(
    page, region, tmp_path
):
    UserFactory(email="clerk@rso-maritsa.example", is_staff=True, is_superuser=True)
    problems = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))

    page.goto("/admin/")
    page.locator("#id_username").fill("clerk@rso-maritsa.example")
    page.locator("#id_password").fill("correct horse battery")
    page.locator("input[type=submit]").click()
    page.get_by_role("heading", name="Очаква преглед").wait_for()
    page.get_by_text("Организации за преглед").wait_for()

    before = AdministrativeStructure.objects.count()
    csv = tmp_path / "structures.csv"
    csv.write_bytes(bad_rows().export("csv").encode("utf-8"))
    page.goto("/admin/directory/administrativestructure/import/")
    page.locator("input[type=file]").set_input_files(str(csv))
    page.locator("select[name=format]").select_option(label="csv")
    page.locator("input[type=submit]").click()
    errors = page.locator("[data-import-errors] li")
    errors.first.wait_for()
    texts = errors.all_inner_texts()
    assert any(t.startswith("Ред 1, поле „ширина“ (lat): „север“ не е число") for t in texts)
    assert any(t.startswith("Ред 2, поле „последна проверка“") for t in texts)
    assert any(t.startswith("Ред 2, поле „ЕИК“ (eik)") for t in texts)
    assert any(t.startswith("Ред 3, поле „вид“ (kind): Непознат вид") for t in texts)
    page.get_by_text("нищо не е записано").first.wait_for()
    assert AdministrativeStructure.objects.count() == before

    page.goto("/admin/directory/administrativestructure/export/")
    toggle = page.get_by_label("Избери всички")
    fields = page.locator(".selectable-field-export-row input[type=checkbox]:not(.select-toggle)")
    assert fields.count() == 21
    toggle.uncheck()
    assert all(not box.is_checked() for box in fields.all())
    toggle.check()
    assert all(box.is_checked() for box in fields.all())
    page.locator("select[name=format]").select_option(label="csv")
    with page.expect_download() as download:
        page.locator("input[type=submit]").click()
    content = download.value.path().read_text(encoding="utf-8-sig")
    assert content.splitlines()[0].startswith("slug,name,kind")

    structure = AdministrativeStructure.objects.order_by("pk").first()
    page.goto(f"/admin/directory/administrativestructure/{structure.pk}/history/")
    page.get_by_role("columnheader", name="Кой и кога").wait_for()
    page.goto("/admin/ngofamily/organisation/")
    assert page.evaluate("fetch('/favicon.ico').then(r => r.ok)")
    assert problems == [], problems
