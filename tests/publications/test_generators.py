"""What the NGO catalogue and the handbook print (their HTML; the PDF path is the one the
directory tests render): grouping, contacts from the directory, QR codes to the live pages."""

import re

import pytest

from directory.models import AdministrativeStructure
from ngofamily.models import Organisation
from publications import render
from publications.generators import collect
from publications.models import Publication

from .conftest import ensure_editions


@pytest.fixture
def editions(region):
    ensure_editions()
    return Publication.objects.all()


def test_the_catalogue_groups_published_organisations_by_province_and_field(editions, settings):
    settings.PUBLIC_BASE_URL = "https://eregion.example.bg"
    hidden = Organisation.objects.published().first()
    Organisation.objects.filter(pk=hidden.pk).update(status=Organisation.Status.SUSPENDED)
    catalogue = editions.get(kind="catalogue")
    content = collect(catalogue)
    html = render.html_for(catalogue, "screen", content)
    published = Organisation.objects.published().filter(province__isnull=False)
    assert sum(p["count"] for p in content.context["provinces"]) == published.count()
    assert [p["province"].name for p in content.context["provinces"]] == sorted(
        p["province"].name for p in content.context["provinces"]
    )
    assert f'id="o-{hidden.slug}"' not in html
    some = published.order_by("pk").last()
    assert f'id="o-{some.slug}"' in html and f'href="#o-{some.slug}"' in html  # the index
    assert html.count('class="qr"') == published.count()
    assert "Култура" in html  # the community centres' field
    assert "Указател по наименование" in html


def test_the_handbook_prints_the_regions_administrations_from_the_directory(editions):
    handbook = editions.get(kind="handbook")
    content = collect(handbook)
    html = render.html_for(handbook, "printer", content)
    regional = AdministrativeStructure.objects.published().filter(kind="regional")
    assert regional.count() == 6
    for structure in regional:
        assert structure.name in html
    assert "Чернова" in html  # the seeded handbook is a draft
    assert "bleed: 3mm" in html and "marks: crop cross" in html
    assert len(re.findall(r'<section class="chapter"', html)) == handbook.chapters.count() + 1


def test_the_same_data_gives_the_same_content_hash(editions):
    brochure = editions.get(kind="brochure")
    first = render.content_hash(render.html_for(brochure, "screen", collect(brochure)), "screen")
    again = render.content_hash(render.html_for(brochure, "screen", collect(brochure)), "screen")
    printer = render.content_hash(
        render.html_for(brochure, "printer", collect(brochure)), "printer"
    )
    assert first == again != printer
