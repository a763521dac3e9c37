import csv
import shutil
from io import StringIO

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command

from directory.loaders import LOADERS, load_courts, read_csv
from directory.models import AdministrativeStructure, Mayoralty

Kind = AdministrativeStructure.Kind
REGION = settings.DATA_DIR / "region"


def run_loaders() -> str:
    out = StringIO()
    for loader in LOADERS:
        for line in loader(REGION):
            out.write(line + "\n")
    return out.getvalue()


def test_the_real_region_is_loaded_by_kind(directory):
    counts = {k: directory.filter(kind=k).count() for k in Kind.values}
    assert counts[Kind.REGIONAL_ADMINISTRATION] == 6
    assert counts[Kind.MUNICIPAL_ADMINISTRATION] == 69
    assert counts[Kind.DISTRICT_ADMINISTRATION] == 6
    assert counts[Kind.COURT] == 42
    assert counts[Kind.MAYORALTY] == Mayoralty.objects.in_region().count() == 1022
    # 32 specialised territorial administrations and the six police directorates
    assert counts[Kind.TERRITORIAL_UNIT] == 38


def test_a_second_run_changes_nothing(directory):
    out = run_loaders()
    assert "administrations and territorial units: 0 created, 0 updated, 119 unchanged" in out
    assert "courts: 0 created, 0 updated, 42 unchanged" in out
    assert "mayoralties: 0 created, 0 updated, 1022 unchanged" in out


def test_a_staff_correction_survives_reloading_an_unchanged_file(directory):
    plovdiv = directory.get(slug="obshtina-plovdiv")
    plovdiv.address = "пл. „Стефан Стамболов“ № 1"
    plovdiv.save()
    run_loaders()
    plovdiv.refresh_from_db()
    assert plovdiv.address == "пл. „Стефан Стамболов“ № 1"


def test_plovdiv_districts_and_mayoralties_hang_under_their_municipality(directory):
    plovdiv = directory.get(slug="obshtina-plovdiv")
    districts = directory.filter(kind=Kind.DISTRICT_ADMINISTRATION)
    assert {d.parent_id for d in districts} == {plovdiv.pk}
    assert "Район „Тракия“" in {d.name for d in districts}
    mayoralty = directory.filter(kind=Kind.MAYORALTY, municipality__code="PAZ08").first()
    assert mayoralty.parent.name == "Община Велинград"
    assert mayoralty.name.startswith("Кметство ")


def test_courts_follow_their_superior_court_even_across_provinces(directory):
    ivaylovgrad = directory.get(name="Районен съд Ивайловград")
    assert ivaylovgrad.province.code == "HKV"
    assert ivaylovgrad.parent.name == "Окръжен съд Кърджали"
    # Тополовград's superior court (Ямбол) is outside the region.
    assert directory.get(name="Районен съд Тополовград").parent is None


def test_municipal_administrations_have_contacts_and_a_place_on_the_map(directory):
    rows = {
        r["obshtina"]: r
        for r in csv.DictReader(open(REGION / "south_central_municipalities.csv", encoding="utf-8"))
    }
    for s in directory.filter(kind=Kind.MUNICIPAL_ADMINISTRATION).select_related(
        "settlement", "municipality"
    ):
        assert s.phone_list, s.name
        assert all(p.startswith("+359") for p in s.phone_list)
        assert s.address
        assert s.eik == rows[s.municipality.code]["admin_eik"]
        lat, lon = s.coordinates  # the centre's, since the register has no coordinates
        assert (f"{lat:.6f}", f"{lon:.6f}") == (
            f"{float(rows[s.municipality.code]['centre_lat']):.6f}",
            f"{float(rows[s.municipality.code]['centre_lon']):.6f}",
        )


def test_police_directorates_are_territorial_units_of_the_interior_ministry(directory):
    police = directory.filter(agency=AdministrativeStructure.Agency.ODMVR)
    assert police.count() == 6
    assert {p.kind for p in police} == {Kind.TERRITORIAL_UNIT}


def changed_copy(tmp_path, filename, change):
    """A copy of data/region whose ``filename`` rows went through ``change(index, row)``."""
    folder = tmp_path / "region"
    shutil.copytree(REGION, folder)
    rows = read_csv(REGION / filename)
    with open(folder / filename, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        for index, row in enumerate(rows):
            writer.writerow(change(index, dict(row)) or row)
    return folder


def test_loaders_keep_history_of_changes(directory, tmp_path):
    court = directory.get(name="Районен съд Ивайловград")
    versions = court.history.count()

    def new_phone(index, row):
        if row["name"].replace(" Съд ", " съд ") == "Районен съд Ивайловград":
            return {**row, "phone": "03661 6020"}

    out = "\n".join(load_courts(changed_copy(tmp_path, "courts_south_central.csv", new_phone)))
    assert "courts: 0 created, 1 updated, 41 unchanged" in out
    court.refresh_from_db()
    assert court.phone_list == ["+35936616020"]
    assert court.history.count() == versions + 1
    assert court.history.first().phones == "+35936616020"
    assert court.history.all()[1].phones != "+35936616020"  # the version before is kept


def test_a_bad_row_midway_leaves_no_partial_rows(directory, tmp_path):
    def note_everything_then_break(index, row):
        row["note"] = "променено от файла"
        if index == 30:
            row["lat"] = "не е число"
        return row

    folder = changed_copy(tmp_path, "courts_south_central.csv", note_everything_then_break)
    with pytest.raises(ValidationError, match="не е число"):
        load_courts(folder)
    # the courts processed before row 30 were saved one by one; all of it is rolled back
    assert not directory.filter(note="променено от файла").exists()


def test_load_region_data_is_all_or_nothing(directory, tmp_path, settings):
    def new_phones(index, row):
        row["phone"] = "032 111 111"
        return row

    folder = changed_copy(tmp_path, "public_bodies_south_central.csv", new_phones)
    (folder / "chitalishta_south_central.csv").write_text("not,the,register\n1,2,3\n")
    shutil.copytree(REGION.parent / "ekatte", tmp_path / "ekatte")
    settings.DATA_DIR = tmp_path
    with pytest.raises(KeyError):  # the community-centre loader, last, finds no columns
        call_command("load_region_data", stdout=StringIO())
    # the public bodies, loaded before it, keep their phones
    assert not directory.filter(phones="+35932111111").exists()


def test_load_region_data_with_nothing_to_change_makes_a_handful_of_queries(
    region, django_assert_max_num_queries
):
    # Each loader reads what is stored in a few queries and writes only what changed; the
    # count does not grow with the rows (the EKATTE import alone once took one per row).
    call_command("load_region_data", stdout=StringIO())
    with django_assert_max_num_queries(60):
        call_command("load_region_data", stdout=StringIO())
