"""Survey results: aggregates that match the stored answers, filters, the minimum group size
in public, free text for staff only, and exports without personal data."""

import csv
import io
import re
from statistics import mean

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from directory.models import Settlement
from ngofamily.models import Answer, Response

from .factories import MemberFactory, OrganisationFactory, UserFactory
from .test_survey import make_survey

pytestmark = pytest.mark.django_db

# responses per province: Smolyan's 4 are fewer than the public minimum of 5
SPREAD = {"PDV": 12, "SZR": 8, "HKV": 6, "SML": 4}


def _answer(response, question, choice="", number=None, text=""):
    Answer.objects.create(
        response=response, question=question, choice=choice, number=number, text=text
    )


@pytest.fixture
def answered(region, only_our_organisations):
    """30 submitted responses from organisations in four provinces, answers varying by i."""
    survey, q = make_survey(results_public=True)
    owner = UserFactory(full_name="Иван Петров", email="ivan.petrov@example.org")
    responses = []
    i = 0
    for code, n in SPREAD.items():
        settlement = Settlement.objects.filter(municipality__province__code=code).first()
        for _ in range(n):
            factory = MemberFactory if i % 3 == 0 else OrganisationFactory
            org = factory(
                owners=[owner],
                settlement=settlement,
                phones=["+35932656700"],
                emails=["office@example.org"],
            )
            response = Response.objects.create(
                survey=survey,
                organisation=org,
                status=Response.Status.SUBMITTED,
                submitted_at=timezone.now(),
            )
            _answer(response, q["topics"], "partnerstva-i-rabota-v-mrezha")
            if i % 2:
                _answer(response, q["topics"], "zastapnicheski-kampanii")
            if i % 5 == 0:
                _answer(response, q["topics"], "other", text=f"Счетоводство {i}")
            _answer(response, q["skill"], number=i % 5 + 1)
            _answer(response, q["people"], number=i + 1)
            _answer(response, q["network"], "da" if i % 4 else "ne")
            if i % 7 == 0:
                _answer(response, q["comments"], text=f"Поверителен коментар {i}")
            responses.append((code, response))
            i += 1
    # a draft is not counted in the results
    draft_org = OrganisationFactory(owners=[owner], settlement=settlement)
    draft = Response.objects.create(survey=survey, organisation=draft_org)
    _answer(draft, q["skill"], number=1)
    return survey, q, responses


def _expected(q, responses):
    ids = [r.pk for _code, r in responses]
    answers = Answer.objects.filter(response_id__in=ids)
    topics = answers.filter(question=q["topics"])
    answered = topics.values("response").distinct().count()
    skills = list(answers.filter(question=q["skill"]).values_list("number", flat=True))
    return {
        "answered": answered,
        "partnerships": topics.filter(choice="partnerstva-i-rabota-v-mrezha").count(),
        "advocacy": topics.filter(choice="zastapnicheski-kampanii").count(),
        "skill_avg": round(mean(skills), 2),
        "skill_3": skills.count(3),
        "skill_n": len(skills),
    }


def _bg(number):
    return str(number).replace(".", ",")


def _cells(page, question, value):
    block = page.split(f'id="result-{question.pk}"')[1].split('class="survey-result ')[0]
    row = re.search(rf'<tr data-value="{value}">(.*?)</tr>', block, re.S).group(1)
    count = int(re.search(r"data-count>(\d+)<", row).group(1))
    # Bulgarian pages write decimals with a comma
    percent = float(re.search(r"data-percent>([\d,]+)<", row).group(1).replace(",", "."))
    return count, percent, block


def test_results_match_the_stored_answers_and_filter_by_province(
    client, staff_user, answered, django_assert_max_num_queries
):
    survey, q, responses = answered
    client.force_login(staff_user)
    url = reverse("survey:results", args=[survey.slug])
    with django_assert_max_num_queries(25):
        page = client.get(url).content.decode()

    exp = _expected(q, responses)
    assert exp["answered"] == 30
    count, percent, _block = _cells(page, q["topics"], "partnerstva-i-rabota-v-mrezha")
    assert (count, percent) == (exp["partnerships"], round(exp["partnerships"] * 100 / 30, 1))
    count, percent, _block = _cells(page, q["topics"], "zastapnicheski-kampanii")
    assert (count, percent) == (exp["advocacy"], round(exp["advocacy"] * 100 / 30, 1))
    count, percent, block = _cells(page, q["skill"], "3")
    assert count == exp["skill_3"] and percent == round(exp["skill_3"] * 100 / exp["skill_n"], 1)
    assert f"средно: {_bg(exp['skill_avg'])}" in block
    assert "30 изпратени отговора" in page  # the draft is not counted

    # the chart: accessible SVG beside the table
    assert re.search(
        r'<svg class="survey-chart" role="img" aria-labelledby="chart-\d+-title"', page
    )
    assert '<title id="chart-' in page

    # staff see free text and "other" answers
    assert "Поверителен коментар 7" in page and "Счетоводство 5" in page

    # filtered by province: the figures of Plovdiv's twelve only
    page = client.get(url, {"province": "PDV"}).content.decode()
    plovdiv = [(c, r) for c, r in responses if c == "PDV"]
    exp = _expected(q, plovdiv)
    assert "12 изпратени отговора" in page
    count, percent, block = _cells(page, q["topics"], "zastapnicheski-kampanii")
    assert (count, percent) == (exp["advocacy"], round(exp["advocacy"] * 100 / 12, 1))
    assert f"средно: {_bg(exp['skill_avg'])}" in _cells(page, q["skill"], "1")[2]

    # family members only
    page = client.get(url, {"family": "yes"}).content.decode()
    assert "10 изпратени отговора" in page


def test_public_results_hide_groups_under_five_and_free_text(client, answered):
    survey, q, _responses = answered
    url = reverse("survey:results", args=[survey.slug])
    page = client.get(url).content.decode()
    assert "30 изпратени отговора" in page
    assert "Поверителен коментар" not in page and "Счетоводство" not in page
    assert "export.csv" not in page

    page = client.get(url, {"province": "SML"}).content.decode()
    assert 'id="too-few"' in page and 'id="result-' not in page
    rate = page.split('id="response-rate"')[1]
    smolyan = re.search(r"Смолян</th>(.*?)</tr>", rate, re.S).group(1)
    assert "под 5" in smolyan
    assert not re.search(r">4<", smolyan)

    page = client.get(url, {"province": "HKV"}).content.decode()
    assert 'id="too-few"' not in page and "6 изпратени отговора" in page

    survey.results_public = False
    survey.save()
    assert client.get(url).status_code == 404


def test_response_rate_against_the_catalogue(client, staff_user, answered):
    survey, _q, _responses = answered
    client.force_login(staff_user)
    page = client.get(reverse("survey:results", args=[survey.slug])).content.decode()
    # only the test's own 31 organisations are published (one of them has a draft only)
    assert "Отговорили организации: 30 от 31 публикувани в каталога (96,8%)" in page
    rate = page.split('id="response-rate"')[1]
    plovdiv = re.search(r"Пловдив</th>(.*?)</tr>", rate, re.S).group(1)
    assert ">12<" in plovdiv and ">100,0<" in plovdiv


def test_csv_export_has_one_row_per_response_and_no_personal_data(client, staff_user, answered):
    survey, q, responses = answered
    client.force_login(staff_user)
    response = client.get(reverse("survey:export", args=[survey.slug, "csv"]))
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    header, body = rows[0], rows[1:]
    assert len(body) == Response.objects.filter(survey=survey).count() == 31
    assert len({row[0] for row in body}) == 31
    assert "Q1. Теми на обучение" in header
    # no email, name or phone of any person (nor the organisations' contacts)
    owner_name = "Иван Петров"
    for needle in ["@", owner_name, "Петров", "+359", "656700", "032 656 700"]:
        assert needle not in text, needle
    first = next(row for row in body if row[0] == str(responses[0][1].pk))
    topics = first[header.index("Q1. Теми на обучение")]
    assert "Партньорства" in topics and "Счетоводство 0" in topics

    xlsx = client.get(reverse("survey:export", args=[survey.slug, "xlsx"]))
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.max_row == 32 and sheet.cell(1, 1).value == "response"

    client.force_login(UserFactory())
    assert client.get(reverse("survey:export", args=[survey.slug, "csv"])).status_code == 403
    client.logout()
    assert client.get(reverse("survey:export", args=[survey.slug, "csv"])).status_code == 302
    assert client.get(reverse("survey:export", args=[survey.slug, "pdf"])).status_code == 302


def test_trainings_results_show_the_organisations_that_asked_for_each_topic(client, region):
    survey, q = make_survey()
    for status in ["submitted", "submitted", "submitted", "draft"]:
        response = Response.objects.create(
            survey=survey,
            organisation=OrganisationFactory(),
            status=status,
            submitted_at=timezone.now() if status == "submitted" else None,
        )
        _answer(response, q["topics"], "partnerstva-i-rabota-v-mrezha")
    anonymous = Response.objects.create(
        survey=survey, status="submitted", submitted_at=timezone.now()
    )
    _answer(anonymous, q["topics"], "zastapnicheski-kampanii")
    page = client.get(reverse("trainings:results")).content.decode()

    def asked(slug):
        start = page.index(f'data-course="{slug}"')
        row = page[start : page.index("</tr>", start)]
        return re.search(r"data-asked>([^<]*)<", row).group(1)

    assert asked("partnerstva-i-rabota-v-mrezha") == "3"
    assert asked("zastapnicheski-kampanii") == "0"  # anonymous answers are not organisations
    assert asked("strategichesko-planirane") == "—"  # a course for the team


def test_junk_in_filters_and_forms_is_ignored_not_a_500(client, owner_and_survey):
    survey, owner = owner_and_survey
    url = reverse("survey:results", args=[survey.slug])
    for params in [{"field": "x"}, {"legal_form": "'; drop"}]:
        assert client.get(url, params).status_code == 200
    for params in [{"province": "PDV\x00"}, {"field": "x\x00"}]:
        assert client.get(url, params).status_code == 400  # NUL bytes: a bad request (DESIGN.md)
    client.force_login(owner)
    start = reverse("survey:start", args=[survey.slug])
    assert client.post(start, {"organisation": "abc"}).status_code == 404
    assert client.post(start, {"organisation": "1\x00"}).status_code == 400


@pytest.fixture
def owner_and_survey(region):
    survey, _q = make_survey(results_public=True)
    owner = UserFactory()
    OrganisationFactory(owners=[owner])
    return survey, owner


def test_the_report_chapter_follows_the_answers(answered):
    from django.template.loader import render_to_string

    from ngofamily.survey_results import report_chapter

    survey, q, responses = answered
    Survey = type(survey)
    Survey.objects.filter(in_report=True).update(in_report=False)
    assert report_chapter() is None
    survey.in_report = True
    survey.save()
    chapter = report_chapter()
    html = render_to_string(
        "ngofamily/survey/print_chapter.html", {"survey_chapter": chapter["context"]}
    )
    assert "Резултати от анкетата" in html and 'role="img"' in html and "<table" in html
    assert "Поверителен коментар" not in html  # no free text in print

    answer = Answer.objects.get(response=responses[0][1], question=q["skill"])
    answer.number = 5 if answer.number != 5 else 1
    answer.save()
    assert report_chapter()["snapshot"] != chapter["snapshot"]
