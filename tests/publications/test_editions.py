"""The editions as seeded and as staff edit them: titles and print runs of the project, ISBN
check digits, chapters in sanitised Markdown, the English pages, one render per request."""

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.urls import reverse

from publications import services
from publications.generators import changes_since
from publications.models import Build, Chapter, Publication, validate_isbn

from .conftest import ensure_editions


@pytest.fixture
def editions(db):
    ensure_editions()
    return Publication.objects.all()


def test_the_project_editions_are_seeded_with_their_titles_and_print_runs(editions):
    runs = {p.title: p.print_run for p in editions}
    assert (
        runs[
            "Форми за участие на гражданското общество в управлението. Разработване политики и "
            "мониторинг върху дейността на администрацията"
        ]
        == 3000
    )
    assert (
        runs["Информационен каталог за структурите на гражданското общество в Южен централен район"]
        == 2000
    )
    assert (
        runs[
            "Необходимости от обучение, работа в мрежа и подходи за подобряване на диалога на "
            "гражданските структури с администрацията"
        ]
        == 2000
    )
    directories = editions.filter(kind="directory")
    assert sorted(directories.values_list("province_id", flat=True)) == sorted(
        ["PDV", "PAZ", "SML", "KRZ", "HKV", "SZR"]
    )
    assert {d.print_run for d in directories} == {1000}
    assert (
        directories.get(province_id="SZR").title == "Справочник за гражданите — област Стара Загора"
    )
    assert all(d.page_size == "A5" for d in directories)
    handbook = editions.get(kind="handbook")
    assert handbook.is_draft
    titles = list(handbook.chapters.values_list("title", flat=True))
    assert "Достъп до обществена информация" in titles
    assert "Местен референдум и общо събрание на населението" in titles
    assert (
        "не по-кратък от 30 дни"
        in handbook.chapters.get(title__startswith="Обществени консултации").body_html
    )
    assert editions.get(kind="brochure").chapters.exists()


@pytest.mark.parametrize(
    "isbn", ["978-0-306-40615-7", "9780306406157", "0-306-40615-2", "0-8044-2957-X"]
)
def test_a_valid_isbn_passes(isbn):
    validate_isbn(isbn)


@pytest.mark.parametrize(
    "isbn, code",
    [("978-0-306-40615-8", "isbn_check"), ("0-306-40615-3", "isbn_check"), ("12345", "isbn_form")],
)
def test_an_isbn_with_a_wrong_check_digit_is_refused(isbn, code):
    with pytest.raises(ValidationError) as error:
        validate_isbn(isbn)
    assert error.value.code == code


def test_a_directory_needs_a_province(editions):
    publication = Publication(kind="directory", title="X", slug="x", page_size="A5")
    with pytest.raises(ValidationError):
        publication.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        publication.save()


def test_chapter_markdown_is_sanitised_once_at_save(editions):
    brochure = editions.get(kind="brochure")
    chapter = Chapter.objects.create(
        publication=brochure, title="Нова", body="**Важно** <script>alert(1)</script>"
    )
    assert "<strong>Важно</strong>" in chapter.body_html
    assert "<script>" not in chapter.body_html


def test_two_requests_for_the_same_edition_share_one_build(editions):
    brochure = editions.get(kind="brochure")
    first = services.request_build(brochure, "screen", enqueue=False)
    assert services.request_build(brochure, "screen", enqueue=False) == first
    assert services.request_build(brochure, "printer", enqueue=False) != first
    with pytest.raises(IntegrityError), transaction.atomic():
        Build.objects.create(publication=brochure, variant="screen")  # the database refuses too


def test_a_build_that_is_no_longer_queued_is_left_alone(editions):
    brochure = editions.get(kind="brochure")
    build = Build.objects.create(publication=brochure, variant="screen", status="failed")
    assert services.run_build(build.pk) is None


def test_changes_name_added_removed_and_changed_structures():
    before = {"a": {"name": "А", "phones": "1"}, "b": {"name": "Б", "phones": "2"}}
    after = {"a": {"name": "А", "phones": "9"}, "c": {"name": "В", "phones": "3"}}
    assert changes_since(before, after) == {
        "added": ["В"],
        "removed": ["Б"],
        "changed": [{"name": "А", "fields": ["телефони"]}],
    }


def test_the_library_page_is_one_query_for_the_editions_and_one_for_their_files(
    editions, client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(2):
        response = client.get(reverse("publications:index"))
    assert response.status_code == 200
    assert "„Справочник за гражданите — област Пловдив“".strip("„“") in response.content.decode()


def test_the_english_library_shows_english_titles(editions, client):
    html = client.get("/en/publications/").content.decode()
    assert "Citizens&#x27; directory — Plovdiv Province" in html
    detail = client.get("/en/publications/narachnik-formi-za-uchastie/").content.decode()
    assert "Forms of civil-society participation in governance" in detail
    assert "Build history" in detail and "Print run" in detail


def test_a_hidden_edition_has_no_public_page(editions, client):
    Publication.objects.filter(slug="broshura").update(is_public=False)
    assert client.get(reverse("publications:detail", args=["broshura"])).status_code == 404
    assert (
        client.get(reverse("publications:download", args=["broshura", "screen"])).status_code == 404
    )


def test_the_staff_build_now_action_queues_both_variants(editions, admin_client):
    brochure = editions.get(kind="brochure")
    from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME

    admin_client.post(
        reverse("admin:publications_publication_changelist"),
        {"action": "build_now", ACTION_CHECKBOX_NAME: [brochure.pk]},
    )
    assert sorted(brochure.builds.values_list("variant", "status")) == [
        ("printer", "queued"),
        ("screen", "queued"),
    ]
    build = brochure.builds.get(variant="screen")
    page = admin_client.get(reverse("admin:publications_publication_change", args=[brochure.pk]))
    assert (
        f'hx-get="{reverse("publications:build-status", args=[build.pk])}"' in page.content.decode()
    )
    status = admin_client.get(reverse("publications:build-status", args=[build.pk]))
    assert "Чака" in status.content.decode() or "чака" in status.content.decode()


def test_the_build_status_is_for_staff_only(editions, client):
    build = Build.objects.create(publication=editions.first(), variant="screen")
    response = client.get(reverse("publications:build-status", args=[build.pk]))
    assert response.status_code == 302


def test_the_command_needs_a_slug_or_all(editions):
    with pytest.raises(CommandError):
        call_command("build_publication")
    with pytest.raises(CommandError, match="No publication"):
        call_command("build_publication", "no-such-edition")


def test_the_command_renders_a_brochure_and_prints_its_path(editions, capsys, settings):
    call_command("build_publication", "broshura", variant="both")
    out = capsys.readouterr().out.split()
    assert len(out) == 2 and all(p.endswith(".pdf") for p in out)
    assert all(str(settings.MEDIA_ROOT) in p for p in out)
