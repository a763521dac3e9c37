import shutil
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from directory.models import Mayoralty, Municipality, Province, Settlement

EKATTE = settings.DATA_DIR / "ekatte"


def run(*args):
    out, err = StringIO(), StringIO()
    call_command("import_ekatte", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_default_import_keeps_the_six_provinces_of_the_region(region):
    # The run's database was loaded by this importer; a second run finds nothing to change.
    assert sorted(Province.objects.values_list("code", flat=True)) == sorted(
        settings.REGION_PROVINCES
    )
    assert Municipality.objects.count() == 69
    assert Settlement.objects.count() == 1505
    out, _ = run(str(EKATTE))
    assert "settlements: 0 created, 0 updated, 1505 unchanged" in out


def test_national_import_then_a_second_run_reports_no_changes(region):
    out, _ = run(str(EKATTE), "--provinces", "all")
    assert "settlements: 3751 created, 0 updated, 1505 unchanged" in out
    assert (Province.objects.count(), Municipality.objects.count(), Settlement.objects.count()) == (
        28,
        265,
        5256,
    )
    out, err = run(str(EKATTE), "--provinces", "all")
    assert "No changes" in out
    assert "0 created, 0 updated, 5256 unchanged" in out
    assert err == ""


def test_a_run_with_nothing_to_change_makes_a_handful_of_queries(
    region, django_assert_max_num_queries
):
    # Foreign keys are compared by id: one query per table, whatever the number of rows
    # (loading them one by one took 8,573 queries for the country).
    run(str(EKATTE), "--provinces", "all")
    with django_assert_max_num_queries(8):
        out, _ = run(str(EKATTE), "--provinces", "all")
    assert "0 created, 0 updated, 5256 unchanged" in out


def test_a_moved_settlement_is_updated(region):
    settlement = Settlement.objects.get(ekatte="56784")
    other = Municipality.objects.exclude(pk=settlement.municipality_id).first()
    Settlement.objects.filter(pk=settlement.pk).update(municipality=other)
    out, _ = run(str(EKATTE))
    assert "settlements: 0 created, 1 updated" in out
    assert Settlement.objects.get(pk=settlement.pk).municipality.code == "PDV22"


@pytest.mark.django_db
def test_names_get_latin_forms_and_geography_links(region):
    plovdiv = Settlement.objects.select_related("municipality__province").get(ekatte="56784")
    assert plovdiv.name_latin == "Plovdiv"
    assert plovdiv.kind == Settlement.Kind.CITY
    assert plovdiv.municipality.code == "PDV22"
    assert plovdiv.municipality.province.slug == "plovdiv"
    assert Province.objects.get(code="SZR").slug == "stara-zagora"
    assert "plovdiv" in plovdiv.search_key.split() and "пловдив" in plovdiv.search_key.split()
    assert Mayoralty.objects.filter(municipality__province__code="SML").exists()


@pytest.mark.django_db
def test_a_changed_name_is_updated_on_the_next_run(region):
    Settlement.objects.filter(ekatte="56784").update(name="Пловдивв", name_latin="x")
    out, _ = run(str(EKATTE))
    assert "settlements: 0 created, 1 updated" in out
    assert Settlement.objects.get(ekatte="56784").name_latin == "Plovdiv"


def test_bad_check_digits_are_reported_with_line_and_reason(region, tmp_path):
    folder = tmp_path / "ekatte"
    shutil.copytree(EKATTE, folder)
    path = folder / "ek_atte.json"
    text = path.read_text(encoding="utf-8")
    assert '"ekatte": "56784"' in text
    bad_line = text[: text.index('"ekatte": "56784"')].count("\n") + 1
    path.write_text(text.replace('"ekatte": "56784"', '"ekatte": "56785"'), encoding="utf-8")

    out, err = run(str(folder))

    assert f"ek_atte.json:{bad_line - 1}:" in err or f"ek_atte.json:{bad_line}:" in err
    assert "56785" in err and "контролната цифра" in err
    assert "1 bad records skipped" in out
    assert not Settlement.objects.filter(ekatte="56785").exists()
    assert Settlement.objects.count() == 1505  # the bad row is skipped, nothing else touched


def test_a_folder_without_the_files_is_refused(tmp_path):
    with pytest.raises(CommandError, match="lacks ek_obl.json"):
        run(str(tmp_path))
