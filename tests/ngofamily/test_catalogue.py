"""The public catalogue /ngos/: search in either script, filters, pagination, CSV and API."""

import pytest
from django.urls import reverse

from ngofamily.models import FieldOfActivity, Organisation, TargetGroup

from .factories import MemberFactory, OrganisationFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("only_our_organisations")]

INDEX = reverse("ngofamily:index")


def listed(client, **params):
    page = client.get(INDEX, params).content.decode()
    return {o.name for o in Organisation.objects.all() if f'href="{o.get_absolute_url()}"' in page}


@pytest.fixture
def orgs(geo):
    return {
        "rodopi": OrganisationFactory(name="Сдружение „Зелени Родопи“", settlement=geo["smolyan"]),
        "plovdiv": OrganisationFactory(
            name="Фондация „Пловдивски читатели“",
            legal_form="foundation",
            settlement=geo["plovdiv"],
        ),
        "hidden": OrganisationFactory(name="Сдружение „Зелена сянка“", status="pending"),
    }


@pytest.mark.parametrize("query", ["зелен", "ZELEN", "zeleni rodo", "родопи", "Зелени  Родопи!"])
def test_search_finds_by_a_word_prefix_in_cyrillic_or_latin(client, orgs, query):
    assert listed(client, q=query) == {"Сдружение „Зелени Родопи“"}


def test_search_by_the_seat_settlement(client, orgs):
    assert listed(client, q="plovdiv") == {"Фондация „Пловдивски читатели“"}


def test_search_matches_word_starts_only(client, orgs):
    assert listed(client, q="ени") == set()  # too short to be a typo: only a word's start


@pytest.mark.parametrize("query", ["Смлян", "smolian", "Смолн"])
def test_search_tolerates_typos_in_a_place_name(client, orgs, query):
    assert listed(client, q=query) == {"Сдружение „Зелени Родопи“"}
    assert "близки думи" in client.get(INDEX, {"q": query}).content.decode()


def test_search_reads_a_query_typed_in_the_wrong_keyboard_layout(client, orgs):
    # "Родопи" typed on the BDS layout with the keyboard left in Latin
    assert listed(client, q=",fofmr") == {"Сдружение „Зелени Родопи“"}


@pytest.mark.parametrize("params", [{"province": "zzz"}, {"legal_form": "nope"}, {"field": "x"}])
def test_an_invalid_filter_is_reported_not_ignored(client, orgs, params):
    html = client.get(INDEX, params).content.decode()
    assert 'id="filter-errors"' in html
    assert listed(client, **params) == set()


def test_the_real_catalogue_finds_smolyan_organisations_despite_a_typo(client, region):
    Organisation.objects.filter(source=Organisation.Source.COMMUNITY_CENTRES).update(
        status=Organisation.Status.PUBLISHED
    )
    smolyan = Organisation.objects.published().filter(settlement__ekatte="67653")
    assert smolyan.count() > 0
    html = client.get(INDEX, {"q": "Смлян"}).content.decode()
    for org in smolyan[:5]:
        assert f'href="{org.get_absolute_url()}"' in html


def test_filters_by_province_municipality_legal_form(client, orgs):
    assert listed(client, province="SML") == {"Сдружение „Зелени Родопи“"}
    assert listed(client, municipality="PDV22") == {"Фондация „Пловдивски читатели“"}
    assert listed(client, legal_form="foundation") == {"Фондация „Пловдивски читатели“"}
    assert listed(client, legal_form="association", province="PDV") == set()


def test_filters_by_field_target_group_and_family(client, orgs):
    culture = FieldOfActivity.objects.get(slug="kultura")
    children = TargetGroup.objects.get(slug="detsa")
    orgs["plovdiv"].fields_of_activity.add(culture)
    orgs["rodopi"].target_groups.add(children)
    member = MemberFactory(name="Сдружение „Член“")
    assert listed(client, field="kultura") == {orgs["plovdiv"].name}
    assert listed(client, target="detsa") == {orgs["rodopi"].name}
    assert listed(client, family="true") == {member.name}


def test_pagination(client, geo):
    for i in range(45):
        OrganisationFactory(name=f"Организация {i:02d}")
    page1 = client.get(INDEX).content.decode()
    assert "Страница 1 от 3" in page1
    page3 = client.get(INDEX, {"page": 3}).content.decode()
    assert "Организация 44" in page3
    assert "Организация 00" not in page3


def test_catalogue_query_count_does_not_grow_with_the_page(
    client, geo, django_assert_max_num_queries
):
    culture = FieldOfActivity.objects.get(slug="kultura")
    for _ in range(25):
        org = OrganisationFactory(settlement=geo["smolyan"])
        org.fields_of_activity.add(culture)
    with django_assert_max_num_queries(12):
        client.get(INDEX)
    with django_assert_max_num_queries(12):
        client.get(INDEX, {"q": "тест", "province": "SML", "family": "true"})


def test_export_and_api_query_counts(client, geo, django_assert_max_num_queries):
    for _ in range(25):
        OrganisationFactory(settlement=geo["smolyan"])
    with django_assert_max_num_queries(8):
        response = client.get(reverse("ngofamily:export"))
        assert response.status_code == 200
        response.getvalue()  # a streamed answer queries as it is read
    with django_assert_max_num_queries(8):
        assert client.get("/api/v1/organisations/").status_code == 200


def test_htmx_request_gets_the_results_partial(client, orgs):
    response = client.get(INDEX, {"q": "зелени"}, headers={"HX-Request": "true"})
    page = response.content.decode()
    assert "<html" not in page
    assert "Зелени Родопи" in page
    assert "HX-Request" in response["Vary"]


def test_api_exposes_only_public_data_of_published_organisations(client, orgs, user):
    orgs["rodopi"].owners.add(user)
    data = client.get("/api/v1/organisations/").json()
    assert data["count"] == 2
    record = next(r for r in data["results"] if r["slug"] == orgs["rodopi"].slug)
    assert record["settlement"]["ekatte"] == "67653"
    assert record["province"] == "SML"
    text = str(data)
    assert user.email not in text
    for private in ("owners", "review_reason", "status_reason", "register_eik"):
        assert private not in record
    detail = client.get(f"/api/v1/organisations/{orgs['rodopi'].slug}/").json()
    assert detail["name"] == orgs["rodopi"].name
    assert client.get(f"/api/v1/organisations/{orgs['hidden'].slug}/").status_code == 404


def test_api_filters_like_the_catalogue(client, orgs):
    data = client.get("/api/v1/organisations/", {"province": "PDV"}).json()
    assert [r["name"] for r in data["results"]] == [orgs["plovdiv"].name]


def test_csv_has_no_personal_data(client, orgs, user):
    orgs["rodopi"].owners.add(user)
    body = client.get(reverse("ngofamily:export")).getvalue().decode("utf-8-sig")
    assert body.splitlines()[0].startswith("name,name_latin,legal_form,eik")
    assert user.email not in body
    assert "Зелена сянка" not in body


def test_organisation_page_shows_contacts_map_fields_and_areas(client, orgs):
    from .factories import WorkAreaFactory

    org = orgs["rodopi"]
    org.phones = ["+35930162500"]
    org.emails = ["info@zeleni.example"]
    org.save()
    area = WorkAreaFactory(name="Опазване на природата")
    area.members.add(org)
    page = client.get(org.get_absolute_url()).content.decode()
    assert "0301 62 500" in page  # shown nationally, with Smolyan's area code
    assert 'href="tel:+35930162500"' in page
    assert "info@zeleni.example" in page
    assert 'id="ngo-map"' in page and f'data-lat="{org.settlement.lat}"' in page
    assert "Опазване на природата" in page
    assert "style=" not in page


def test_english_catalogue_under_en(client, orgs):
    response = client.get("/en/ngos/")
    assert response.status_code == 200
    assert 'lang="en"' in response.content.decode()


def test_organisation_page_and_family_pages_have_a_fixed_query_count(
    client, orgs, django_assert_max_num_queries
):
    from .factories import MemberFactory, WorkAreaFactory

    area = WorkAreaFactory()
    for _ in range(10):
        area.members.add(MemberFactory())
    with django_assert_max_num_queries(10):
        assert client.get(orgs["rodopi"].get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(reverse("family:index")).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(area.get_absolute_url()).status_code == 200


def test_municipality_choices_follow_the_chosen_province(client, orgs):
    page = client.get(INDEX, {"province": "SML"}).content.decode()
    assert 'value="SML31"' in page
    assert 'value="PDV22"' not in page


def test_htmx_update_also_refreshes_the_municipality_choices(client, orgs):
    response = client.get(INDEX, {"province": "PDV"}, headers={"HX-Request": "true"})
    page = response.content.decode()
    assert 'id="id_municipality"' in page and 'hx-swap-oob="true"' in page
    assert 'value="PDV22"' in page and 'value="SML31"' not in page


def test_english_filters_name_places_in_latin(client, orgs):
    page = client.get("/en/ngos/").content.decode()
    assert ">Smolyan</option>" in page
    assert ">Смолян</option>" not in page
