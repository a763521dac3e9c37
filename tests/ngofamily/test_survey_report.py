"""The research report's generated "Survey results" chapter: in the PDF with its tables and
charts, and rebuilt with other figures when an answer changes."""

import pytest
from django.utils import timezone

from ngofamily.models import Answer, Response, Survey
from publications import services
from publications.models import Publication
from tests.publications.conftest import build_once, ensure_editions, file_path, flat, pdftotext

from .factories import OrganisationFactory

pytestmark = pytest.mark.django_db

REPORT = "doklad-neobhodimosti"


def test_the_report_pdf_has_the_survey_results_and_follows_a_changed_answer(region):
    ensure_editions()
    assert Publication.objects.filter(slug=REPORT, kind="report").exists()
    survey = Survey.objects.get(in_report=True)  # the seeded needs survey
    dialogue = survey.questions().get(text__startswith="Как оценявате диалога")
    answers = []
    for rating in [1, 2, 3, 4, 5, 5]:
        response = Response.objects.create(
            survey=survey,
            organisation=OrganisationFactory(),
            status=Response.Status.SUBMITTED,
            submitted_at=timezone.now(),
        )
        answers.append(Answer.objects.create(response=response, question=dialogue, number=rating))

    first = build_once(REPORT)
    assert first.status == "succeeded", first.error
    text = flat(pdftotext(file_path(first)))
    assert "Резултати от анкетата" in text
    assert "Как оценявате диалога с общинската администрация?" in text
    assert "средно: 3,33" in text  # (1+2+3+4+5+5) / 6
    assert "Отговорили: 6 (100,0%)" in text
    # the table, then the chart's labels and counts (SVG drawn as vector graphics)
    block = text.split("Как оценявате диалога с общинската администрация?")[1]
    assert block.index("Отговор Брой %") < block.index("5 — отличен 2 33,3")
    assert "33,3 1 — много слаб 1 2 1 3 1 4 1" in block

    report = Publication.objects.get(slug=REPORT)
    assert services.is_current(report, "screen")
    answers[0].number = 5  # one organisation changes its rating
    answers[0].save()
    assert not services.is_current(report, "screen")  # the nightly rebuild would redo it
    second = build_once(REPORT)
    assert second.pk != first.pk and second.content_hash != first.content_hash
    assert not second.reused_from_id
    text = flat(pdftotext(file_path(second)))
    assert "средно: 4,0" in text and "средно: 3,33" not in text
