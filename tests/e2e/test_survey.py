"""Browser test (Chromium): an organisation owner answers the survey with the keyboard alone;
axe-core finds no WCAG 2.1 A/AA violation on the survey and results pages."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from ngofamily.models import Answer, Response
from tests.e2e.axe import assert_accessible, axe_violations
from tests.e2e.keyboard import tab_to, type_into
from tests.ngofamily.factories import OrganisationFactory, UserFactory
from tests.ngofamily.test_survey import make_survey

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_answer_the_survey_with_the_keyboard_alone_and_axe_finds_nothing(page):
    survey, q = make_survey(results_public=True)
    user = UserFactory(email="ana@example.org")
    organisation = OrganisationFactory(owners=[user], name="Сдружение „Родопи“")

    page.goto(f"/accounts/login/?next={survey.get_absolute_url()}")
    type_into(page, "input[name=username]", "ana@example.org")
    type_into(page, "input[name=password]", "correct horse battery")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Нужди на НПО")
    assert_accessible(page)

    tab_to(page, "form[action$='/start/'] button")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Обучения")
    assert_accessible(page)

    # a checkbox, "other" with its text, a scale point with the arrow keys; the required
    # number is left out first
    tab_to(page, f"input[name=q{q['topics'].pk}][value=partnerstva-i-rabota-v-mrezha]")
    page.keyboard.press("Space")
    tab_to(page, f"input[name=q{q['topics'].pk}][value=other]")
    page.keyboard.press("Space")
    type_into(page, f"input[name=q{q['topics'].pk}_other]", "Финансово управление")
    tab_to(page, f"input[name=q{q['skill'].pk}]")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    expect(page.locator(f"input[name=q{q['skill'].pk}][value='3']")).to_be_checked()
    tab_to(page, "button[name=next]")
    page.keyboard.press("Enter")

    summary = page.locator("#form-errors")
    expect(summary).to_contain_text("Брой хора")
    people = page.locator(f"#id_q{q['people'].pk}")
    expect(page.locator(f"#id_q{q['people'].pk}-error")).to_be_visible()
    # everything typed is still there
    expect(page.locator(f"input[name=q{q['topics'].pk}_other]")).to_have_value(
        "Финансово управление"
    )
    expect(page.locator(f"input[name=q{q['skill'].pk}][value='3']")).to_be_checked()
    assert not Answer.objects.exists()
    assert_accessible(page)

    tab_to(page, f"#id_q{q['people'].pk}")
    expect(people).to_be_focused()
    page.keyboard.type("12")
    page.keyboard.press("Enter")  # the first button: save and go on

    expect(page.get_by_role("heading", level=1)).to_have_text("Мрежи")
    tab_to(page, f"input[name=q{q['network'].pk}]")
    page.keyboard.press("Space")  # the first answer, "да"
    type_into(page, f"input[name=q{q['how_many'].pk}]", "2")
    tab_to(page, "button[name=next]")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Преглед и изпращане")
    expect(page.locator("main")).to_contain_text("Финансово управление")
    assert_accessible(page)
    tab_to(page, "main form button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").first).to_contain_text("Благодарим")

    response = Response.objects.get(organisation=organisation)
    assert response.status == Response.Status.SUBMITTED
    assert response.answers.get(question=q["people"]).number == 12
    assert response.answers.get(question=q["skill"]).number == 3
    assert response.answers.get(question=q["how_many"]).number == 2

    # the results, once there are five responses, are accessible too
    for _ in range(4):
        other = Response.objects.create(
            survey=survey,
            organisation=OrganisationFactory(),
            status="submitted",
            submitted_at=timezone.now(),
        )
        Answer.objects.create(response=other, question=q["skill"], number=4)
        Answer.objects.create(response=other, question=q["topics"], choice="other", text="x")
    page.goto(f"/survey/{survey.slug}/results/")
    expect(page.locator("svg.survey-chart").first).to_be_visible()
    assert_accessible(page)
    page.goto(f"/survey/{survey.slug}/results/?province=SML")
    expect(page.locator("#too-few")).to_be_visible()
    assert_accessible(page)


def test_the_axe_helper_finds_a_violation_when_there_is_one(page):
    page.goto("/survey/")
    page.evaluate(
        "() => { const img = document.createElement('img'); img.src = '/x.png';"
        " document.querySelector('main').append(img); }"
    )
    assert "image-alt" in {v["id"] for v in axe_violations(page)}
