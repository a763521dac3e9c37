import csv
from io import StringIO

import pytest
from django.conf import settings

from directory.loaders import LOADERS
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


@pytest.mark.django_db
def test_loaders_keep_history_of_changes(directory):
    plovdiv = directory.get(slug="obshtina-plovdiv")
    before = plovdiv.history.count()
    plovdiv.website = "https://www.plovdiv.bg"
    plovdiv.save()
    assert plovdiv.history.count() == before + 1
    assert plovdiv.history.first().website == "https://www.plovdiv.bg"
