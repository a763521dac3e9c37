"""The Plovdiv directory as printers and citizens get it (acceptance 1, 3, 5): every published
structure in it, a table of contents that points to the right pages, fonts embedded with every
Cyrillic glyph; reuse of an unchanged build, a new render with a changes appendix after an edit;
a failing template that leaves the last good file downloadable."""

import hashlib
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from directory.models import AdministrativeStructure
from publications import services
from publications.models import Build, Publication

from .conftest import file_path, flat, pdf_tool, pdftotext

pytestmark = [pytest.mark.usefixtures("media_here"), pytest.mark.django_db]


@pytest.fixture
def plovdiv(plovdiv_build, db):
    return plovdiv_build


def test_the_directory_names_every_published_structure_of_the_province(plovdiv):
    assert plovdiv.status == Build.Status.SUCCEEDED, plovdiv.error
    text = flat(pdftotext(file_path(plovdiv)))
    names = list(
        AdministrativeStructure.objects.published()
        .filter(province__code="PDV")
        .values_list("name", flat=True)
    )
    assert len(names) > 100
    missing = [n for n in names if flat(n) not in text]
    assert missing == []
    assert "Справочник за гражданите — област Пловдив" in text
    assert "\ufffd" not in text  # no glyph the font could not map back to a character


def test_the_table_of_contents_points_to_the_pages_where_the_sections_start(plovdiv):
    path = file_path(plovdiv)
    toc = pdftotext(path, 2, layout=True)
    entries = re.findall(r"^\s*(Община \S.*?)[\s.]+(\d+)\s*$", toc, re.M)
    assert len(entries) == 18  # the municipalities of Plovdiv province
    for title, page in entries:
        page = int(page)
        lines = [line.strip() for line in pdftotext(path, page).splitlines()]
        assert title in lines, f"{title} is not on page {page}"
        if page > 3:  # the page before ends the previous section
            before = [line.strip() for line in pdftotext(path, page - 1).splitlines()]
            assert title not in before, f"{title} already on page {page - 1}"
    index_page = int(re.search(r"Указател на населените места[\s.]+(\d+)", toc)[1])
    assert "Указател на населените места" in pdftotext(path, index_page)


def test_every_font_is_embedded_dejavu(plovdiv):
    rows = pdf_tool("pdffonts", file_path(plovdiv)).splitlines()[2:]
    assert rows
    for row in rows:
        name, *_, emb, sub, uni, _obj, _gen = row.split()
        assert "DejaVu" in name and emb == "yes" and uni == "yes", row


def test_the_screen_variant_is_tagged_and_carries_its_title(plovdiv):
    info = pdf_tool("pdfinfo", file_path(plovdiv))
    assert re.search(r"^Tagged:\s+yes", info, re.M)
    assert "Title:           Справочник за гражданите — област Пловдив" in info
    assert f"Pages:           {plovdiv.pages}" in info
    assert plovdiv.sha256 == hashlib.sha256(file_path(plovdiv).read_bytes()).hexdigest()


def test_an_unchanged_edition_is_not_rendered_again(plovdiv):
    publication = plovdiv.publication
    again = services.request_build(publication, "screen", enqueue=False)
    assert services.request_build(publication, "screen", enqueue=False) == again  # one render
    services.run_build(again.pk)
    again.refresh_from_db()
    assert again.status == Build.Status.SUCCEEDED
    assert again.reused_from == plovdiv
    assert again.file.name == plovdiv.file.name
    assert again.sha256 == plovdiv.sha256


def test_after_a_phone_changes_the_next_build_renders_it_and_lists_the_change(plovdiv):
    publication = plovdiv.publication
    structure = (
        AdministrativeStructure.objects.published()
        .filter(province__code="PDV", kind="municipal")
        .order_by("name")
        .first()
    )
    structure.phones = "032 699 177"
    structure.save()
    build = services.request_build(publication, "screen", enqueue=False)
    services.run_build(build.pk)
    build.refresh_from_db()
    assert build.status == Build.Status.SUCCEEDED, build.error
    assert build.reused_from is None
    assert build.file.name != plovdiv.file.name
    text = pdftotext(file_path(build))
    assert "032 699 177" in text
    appendix = flat(text[text.rindex("Промени от предишното издание") :])
    assert f"{flat(structure.name)}: телефони" in appendix
    # the edition's date as readers in Bulgaria see it (after 22:00 UTC it is already tomorrow)
    assert timezone.localtime(plovdiv.data_as_of).strftime("%d.%m.%Y") in appendix


def test_a_failing_template_fails_the_build_and_keeps_the_good_file(
    plovdiv, settings, tmp_path, client, admin_user
):
    broken = tmp_path / "templates" / "publications" / "print"
    broken.mkdir(parents=True)
    (broken / "directory.html").write_text(
        '{% extends "publications/print/base.html" %}{% block content %}{% bogus %}{% endblock %}'
    )
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path / "templates", *settings.TEMPLATES[0]["DIRS"]]}
    ]
    publication = plovdiv.publication
    build = services.request_build(publication, "screen", enqueue=False)
    services.run_build(build.pk)
    build.refresh_from_db()
    assert build.status == Build.Status.FAILED
    assert "TemplateSyntaxError" in build.error and "bogus" in build.error
    assert publication.last_good("screen") == plovdiv

    client.force_login(admin_user)
    page = client.get(reverse("admin:publications_build_change", args=[build.pk]))
    assert "bogus" in page.content.decode()
    assert (
        "TemplateSyntaxError"
        in client.get(reverse("admin:publications_build_changelist")).content.decode()
    )

    client.logout()
    response = client.get(reverse("publications:download", args=[publication.slug, "screen"]))
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert hashlib.sha256(body).hexdigest() == plovdiv.sha256


def test_the_library_lists_every_edition_with_the_cover_of_a_built_one(plovdiv, client):
    response = client.get(reverse("publications:index"))
    html = response.content.decode()
    for publication in Publication.objects.public():
        assert publication.get_absolute_url() in html
    cover_url = reverse("publications:cover", args=[plovdiv.publication.slug])
    assert cover_url in html
    cover = client.get(cover_url)
    assert cover.status_code == 200 and cover["Content-Type"] == "image/png"
    assert b"".join(cover.streaming_content).startswith(b"\x89PNG")


def test_the_detail_page_offers_the_file_with_its_checksum_and_counts_downloads(plovdiv, client):
    page = client.get(plovdiv.publication.get_absolute_url()).content.decode()
    assert plovdiv.sha256 in page
    assert "1000" in page  # the print run
    url = reverse("publications:download", args=[plovdiv.publication.slug, "screen"])
    assert url in page
    before = Build.objects.get(pk=plovdiv.pk).downloads
    assert client.get(url)["Content-Disposition"].startswith("attachment")
    assert Build.objects.get(pk=plovdiv.pk).downloads == before + 1


def test_the_nightly_rebuild_skips_an_unchanged_edition(plovdiv):
    assert services.is_current(plovdiv.publication, "screen")
    AdministrativeStructure.objects.filter(province__code="PDV").first().save()
    assert services.is_current(plovdiv.publication, "screen")  # a save that changes nothing
    structure = AdministrativeStructure.objects.filter(province__code="PDV").first()
    structure.address = "ул. Нова 1"
    structure.save()
    assert not services.is_current(plovdiv.publication, "screen")
