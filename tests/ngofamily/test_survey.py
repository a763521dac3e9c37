"""The needs-assessment survey: staff build it in the admin, organisation owners answer it
section by section with drafts, one response per organisation, errors that keep the input."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from ngofamily.models import Answer, Question, Response, Section, Survey

from .factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def make_survey(**kwargs):
    """An open survey with two sections and one question of each kind; question "network"
    (single choice) decides whether "how_many" shows."""
    today = timezone.localdate()
    survey = Survey.objects.create(
        title=kwargs.pop("title", "Нужди на НПО"),
        title_en="NGO needs",
        opens_on=today - datetime.timedelta(days=1),
        closes_on=today + datetime.timedelta(days=30),
        **kwargs,
    )
    first = Section.objects.create(survey=survey, position=1, title="Обучения")
    second = Section.objects.create(survey=survey, position=2, title="Мрежи")
    q = {}
    q["topics"] = Question.objects.create(
        section=first,
        position=1,
        kind="multiple",
        text="Теми на обучение",
        text_en="Training topics",
        choices="partnerstva-i-rabota-v-mrezha | Партньорства\nzastapnicheski-kampanii | "
        "Застъпничество",
        choices_en="Partnerships\nAdvocacy",
        allow_other=True,
        required=True,
        training_topics=True,
    )
    q["skill"] = Question.objects.create(
        section=first, position=2, kind="scale", text="Умения", choices="слабо\nотлично"
    )
    q["people"] = Question.objects.create(
        section=first, position=3, kind="number", text="Брой хора", required=True
    )
    q["network"] = Question.objects.create(
        section=second,
        position=1,
        kind="single",
        text="Член на мрежа?",
        choices="da | да\nne | не",
        required=True,
    )
    q["how_many"] = Question.objects.create(
        section=second,
        position=2,
        kind="number",
        text="В колко мрежи?",
        required=True,
        show_if=q["network"],
        show_if_value="da",
    )
    q["word"] = Question.objects.create(section=second, position=3, kind="short_text", text="Дума")
    q["comments"] = Question.objects.create(
        section=second, position=4, kind="long_text", text="Коментари"
    )
    return survey, q


def f(question, suffix=""):
    return f"q{question.pk}{suffix}"


@pytest.fixture
def owner():
    return UserFactory()


@pytest.fixture
def organisation(owner, geo):
    return OrganisationFactory(owners=[owner], settlement=geo["plovdiv"])


def _start(client, survey, organisation):
    return client.post(
        reverse("survey:start", args=[survey.slug]), {"organisation": organisation.pk}
    )


def test_staff_create_a_survey_with_every_kind_and_a_conditional_question(client, staff_user):
    client.force_login(staff_user)
    today = timezone.localdate()
    response = client.post(
        reverse("admin:ngofamily_survey_add"),
        {
            "title": "Анкета от админа",
            "title_en": "",
            "slug": "anketa-ot-admina",
            "introduction": "Въведение",
            "introduction_en": "",
            "opens_on": today.isoformat(),
            "closes_on": (today + datetime.timedelta(days=10)).isoformat(),
            "audience": "organisations",
            "sections-TOTAL_FORMS": "1",
            "sections-INITIAL_FORMS": "0",
            "sections-MIN_NUM_FORMS": "0",
            "sections-MAX_NUM_FORMS": "1000",
            "sections-0-position": "1",
            "sections-0-title": "Единствен раздел",
            "sections-0-title_en": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    survey = Survey.objects.get(slug="anketa-ot-admina")
    section = survey.sections.get()

    kinds = ["single", "multiple", "scale", "number", "short_text", "long_text"]
    data = {
        "questions-TOTAL_FORMS": str(len(kinds)),
        "questions-INITIAL_FORMS": "0",
        "questions-MIN_NUM_FORMS": "0",
        "questions-MAX_NUM_FORMS": "1000",
        "survey": survey.pk,
        "title": section.title,
        "title_en": "",
        "description": "",
        "description_en": "",
        "position": "1",
    }
    for i, kind in enumerate(kinds):
        data.update(
            {
                f"questions-{i}-position": str(i + 1),
                f"questions-{i}-kind": kind,
                f"questions-{i}-text": f"Въпрос {kind}",
                f"questions-{i}-choices": "да\nне" if kind in ("single", "multiple") else "",
                f"questions-{i}-allow_other": "on" if kind == "multiple" else "",
                f"questions-{i}-required": "on" if kind == "single" else "",
            }
        )
    url = reverse("admin:ngofamily_section_change", args=[section.pk])
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert sorted(section.questions.values_list("kind", flat=True)) == sorted(kinds)

    # the conditional question: the number shows only when the single choice is "да"
    single = section.questions.get(kind="single")
    number = section.questions.get(kind="number")
    page = client.get(url)
    formset = page.context["inline_admin_formsets"][0].formset
    data = {k: v for k, v in formset.data.items()} if formset.is_bound else {}
    data = {
        "questions-TOTAL_FORMS": str(len(kinds)),
        "questions-INITIAL_FORMS": str(len(kinds)),
        "questions-MIN_NUM_FORMS": "0",
        "questions-MAX_NUM_FORMS": "1000",
        "survey": survey.pk,
        "title": section.title,
        "position": "1",
    }
    for i, question in enumerate(section.questions.order_by("position")):
        data.update(
            {
                f"questions-{i}-id": question.pk,
                f"questions-{i}-section": section.pk,
                f"questions-{i}-position": question.position,
                f"questions-{i}-kind": question.kind,
                f"questions-{i}-text": question.text,
                f"questions-{i}-choices": question.choices,
                f"questions-{i}-allow_other": "on" if question.allow_other else "",
                f"questions-{i}-required": "on" if question.required else "",
            }
        )
        if question == number:
            data[f"questions-{i}-show_if"] = single.pk
            data[f"questions-{i}-show_if_value"] = "no"  # not one of the answers
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Няма такъв възможен отговор" in response.content.decode()
    data[f"questions-{kinds.index('number')}-show_if_value"] = "da"
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    number.refresh_from_db()
    assert number.show_if == single and number.show_if_value == "da"


def test_owner_answers_leaves_half_way_comes_back_and_finishes(client, owner, organisation):
    survey, q = make_survey()
    client.force_login(owner)
    page = client.get(survey.get_absolute_url()).content.decode()
    assert organisation.name in page and "Започни" in page

    response = _start(client, survey, organisation)
    draft = Response.objects.get(survey=survey, organisation=organisation)
    assert response.url == reverse("survey:section", args=[survey.slug, draft.pk, 1])

    response = client.post(
        response.url,
        {
            f(q["topics"]): ["partnerstva-i-rabota-v-mrezha", "other"],
            f(q["topics"], "_other"): "Финансово управление",
            f(q["skill"]): "3",
            f(q["people"]): "12",
            "save_exit": "",
        },
    )
    assert response.status_code == 302 and response.url == survey.get_absolute_url()
    draft.refresh_from_db()
    assert draft.status == Response.Status.DRAFT
    assert set(draft.answers.values_list("choice", flat=True)) == {
        "partnerstva-i-rabota-v-mrezha",
        "other",
        "",
    }
    assert draft.answers.get(choice="other").text == "Финансово управление"

    # later: the page offers to continue, and the first section shows what was saved
    page = client.get(survey.get_absolute_url()).content.decode()
    assert "Продължи" in page and "Започни" not in page
    page = client.get(reverse("survey:section", args=[survey.slug, draft.pk, 1])).content.decode()
    assert 'value="12"' in page and "Финансово управление" in page

    # the second section, the conditional question answered, then review and submit
    second = reverse("survey:section", args=[survey.slug, draft.pk, 2])
    response = client.post(
        second, {f(q["network"]): "da", f(q["how_many"]): "2", f(q["word"]): "пари"}
    )
    assert response.url == reverse("survey:review", args=[survey.slug, draft.pk])
    review = client.get(response.url).content.decode()
    assert "Финансово управление" in review and "Изпрати отговора" in review
    response = client.post(response.url)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Response.Status.SUBMITTED and draft.submitted_at
    assert draft.answers.get(question=q["how_many"]).number == 2

    # still changeable until the survey closes: answering "no" drops the hidden answer
    client.post(second, {f(q["network"]): "ne"})
    client.post(reverse("survey:review", args=[survey.slug, draft.pk]))
    assert not draft.answers.filter(question=q["how_many"]).exists()
    assert Response.objects.get(pk=draft.pk).status == Response.Status.SUBMITTED


def test_second_response_for_the_same_organisation_is_refused_and_offers_editing(
    client, owner, organisation
):
    survey, _q = make_survey()
    co_editor = UserFactory()
    organisation.owners.add(co_editor)
    client.force_login(owner)
    first = _start(client, survey, organisation)

    client.force_login(co_editor)
    response = _start(
        client,
        survey,
        organisation,
    )
    assert response.url == first.url  # the existing response, to edit
    assert Response.objects.filter(survey=survey, organisation=organisation).count() == 1
    page = client.get(response.url).content.decode()
    assert "вече има отговор на тази анкета" in page

    with pytest.raises(IntegrityError), transaction.atomic():
        Response.objects.create(survey=survey, organisation=organisation)


def test_a_missing_required_answer_keeps_the_rest_and_saves_nothing(client, owner, organisation):
    survey, q = make_survey()
    client.force_login(owner)
    url = _start(client, survey, organisation).url
    response = client.post(
        url,
        {
            f(q["topics"]): ["zastapnicheski-kampanii"],
            f(q["skill"]): "4",
            # the required number of people is missing
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    # in the summary on top, linked to the field, and beside the field
    assert 'id="form-errors"' in page
    assert f'href="#id_{f(q["people"])}"' in page
    assert f'id="id_{f(q["people"])}-error"' in page
    assert f'aria-describedby="id_{f(q["people"])}-error"' in page
    # what was typed is still there
    assert 'value="zastapnicheski-kampanii" class="form-check-input" id="id_' in page
    assert 'value="4" class="form-check-input"' in page
    assert page.count("checked") == 2
    assert not Answer.objects.filter(response__survey=survey).exists()

    # "other" without saying what: an error beside the other field, nothing saved
    response = client.post(url, {f(q["topics"]): ["other"], f(q["people"]): "3"})
    assert response.status_code == 400
    assert "Напишете какво друго." in response.content.decode()
    assert not Answer.objects.filter(response__survey=survey).exists()


def test_a_conditional_question_is_required_only_when_shown(client, owner, organisation):
    survey, q = make_survey()
    client.force_login(owner)
    _start(client, survey, organisation)
    pk = Response.objects.get(survey=survey).pk
    second = reverse("survey:section", args=[survey.slug, pk, 2])
    response = client.post(second, {f(q["network"]): "da"})
    assert response.status_code == 400
    assert "Отговорете само ако" in response.content.decode()
    response = client.post(second, {f(q["network"]): "ne", f(q["how_many"]): "5"})
    assert response.status_code == 302
    # hidden, so its answer is not stored
    assert not Answer.objects.filter(question=q["how_many"]).exists()
    # the review lists the missing required answers of the first section
    review = client.get(reverse("survey:review", args=[survey.slug, pk]))
    assert "Липсват задължителни отговори" in review.content.decode()
    client.post(review.wsgi_request.path)
    assert Response.objects.get(survey=survey).status == Response.Status.DRAFT


def test_questions_cannot_change_once_answered_and_a_copy_can(client, owner, organisation):
    survey, q = make_survey()
    client.force_login(owner)
    url = _start(client, survey, organisation).url
    client.post(url, {f(q["topics"]): ["zastapnicheski-kampanii"], f(q["people"]): "1"})
    question = Question.objects.get(pk=q["topics"].pk)
    question.text = "Друга формулировка"
    with pytest.raises(ValidationError):
        question.save()
    with pytest.raises(ValidationError):
        Question.objects.get(pk=q["topics"].pk).delete()
    question.refresh_from_db()
    question.position = 7  # ordering is not wording
    question.save()

    copy = survey.copy()
    assert copy.slug != survey.slug and not copy.responses.exists()
    copied = Question.objects.get(section__survey=copy, text="В колко мрежи?")
    assert copied.show_if.section.survey == copy
    copied.text = "Нова формулировка"
    copied.save()


def test_admin_shows_answered_questions_read_only(client, staff_user, owner, organisation):
    survey, q = make_survey()
    client.force_login(owner)
    url = _start(client, survey, organisation).url
    client.post(url, {f(q["topics"]): ["zastapnicheski-kampanii"], f(q["people"]): "1"})
    client.force_login(staff_user)
    page = client.get(reverse("admin:ngofamily_section_change", args=[q["topics"].section_id]))
    assert page.status_code == 200
    assert 'name="questions-0-text"' not in page.content.decode()
    response = client.post(
        reverse("admin:ngofamily_survey_changelist"),
        {"action": "copy_surveys", "_selected_action": [survey.pk]},
    )
    assert response.status_code == 302
    assert Survey.objects.filter(title__endswith="(копие)").exists()


def test_others_cannot_open_or_start_a_response(client, owner, organisation):
    survey, q = make_survey()
    client.force_login(owner)
    url = _start(client, survey, organisation).url
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    assert client.post(url, {f(q["people"]): "1"}).status_code == 404
    assert _start(client, survey, organisation).status_code == 404
    client.logout()
    assert client.get(url).status_code == 404


def test_a_closed_survey_shows_answers_but_refuses_changes(client, owner, organisation):
    survey, q = make_survey()
    client.force_login(owner)
    url = _start(client, survey, organisation).url
    Survey.objects.filter(pk=survey.pk).update(
        closes_on=timezone.localdate() - datetime.timedelta(days=1),
        opens_on=timezone.localdate() - datetime.timedelta(days=5),
    )
    assert "затворена" in client.get(url).content.decode()
    assert client.post(url, {f(q["people"]): "1"}).status_code == 403
    assert _start(client, survey, organisation).status_code == 403


def test_public_survey_takes_anonymous_responses_rate_limited(client):
    survey, q = make_survey(audience=Survey.Audience.PUBLIC)
    start = reverse("survey:start-public", args=[survey.slug])
    response = client.post(start)
    assert response.status_code == 302
    anonymous = Response.objects.get(survey=survey)
    assert anonymous.organisation is None
    response = client.post(
        response.url,
        {f(q["topics"]): ["zastapnicheski-kampanii"], f(q["people"]): "2"},
    )
    assert response.status_code == 302 and anonymous.answers.count() == 2
    # another visitor cannot open it
    from django.test import Client

    assert (
        Client().get(reverse("survey:section", args=[survey.slug, anonymous.pk, 1])).status_code
        == 404
    )
    for _ in range(4):
        assert client.post(start).status_code == 302
    assert client.post(start).status_code == 429

    private, _q = make_survey(title="Само за организации")
    assert client.post(reverse("survey:start-public", args=[private.slug])).status_code == 404


def test_the_seeded_survey_is_there_in_both_languages(client):
    survey = Survey.objects.get(slug="nuzhdi-na-npo-2027")
    questions = list(survey.questions())
    assert {q.kind for q in questions} == set(Question.Kind.values)
    assert all(q.text_en for q in questions)
    topics = next(q for q in questions if q.training_topics)
    assert [v for v, _label in topics.choice_list()][:3] == [
        "partnerstva-i-rabota-v-mrezha",
        "zastapnicheski-kampanii",
        "razrabotvane-politiki-i-monitoring",
    ]
    assert any(q.show_if_id for q in questions)
    page = client.get("/en" + survey.get_absolute_url()).content.decode()
    assert "Training and networking needs" in page and "Sections" in page
    assert "Training needs" in page  # a section's English title


def test_answering_pages_have_a_small_fixed_number_of_queries(
    client, owner, organisation, django_assert_max_num_queries
):
    survey, q = make_survey()
    client.force_login(owner)
    url = _start(client, survey, organisation).url
    client.post(url, {f(q["topics"]): ["zastapnicheski-kampanii"], f(q["people"]): "4"})
    with django_assert_max_num_queries(14):
        assert client.get(url).status_code == 200
    with django_assert_max_num_queries(14):
        pk = Response.objects.get(survey=survey).pk
        assert client.get(reverse("survey:review", args=[survey.slug, pk])).status_code == 200


def test_answering_and_results_pages_in_english(client, owner, organisation, staff_user):
    survey, q = make_survey()
    client.force_login(owner)
    url = _start(client, survey, organisation).url
    page = client.get("/en" + url).content.decode()
    assert "Training topics" in page and "Save and continue" in page and "Partnerships" in page
    page = client.post("/en" + url, {}).content.decode()
    assert "Please answer this question." in page
    client.force_login(staff_user)
    page = client.get(f"/en/survey/{survey.slug}/results/").content.decode()
    assert "Survey results" in page and "Responses against the catalogue by province" in page
