"""The results page: trained (attended) people per course against the target, by province and
organisation, and the same figures as CSV."""

import csv
import io

import pytest
from django.urls import reverse

from directory.models import Province, Settlement
from trainings import services
from trainings.models import Course

from .factories import EnrolmentFactory, OrganisationFactory, SessionFactory, UserFactory

pytestmark = pytest.mark.django_db


def _row(page, slug):
    start = page.index(f'data-course="{slug}"')
    return page[start : page.index("</tr>", start)]


def test_results_count_the_attendance_marked_against_the_target_of_20(client, region):
    course = Course.objects.get(slug="partnerstva-i-rabota-v-mrezha")
    other_course = Course.objects.get(slug="zastapnicheski-kampanii")
    plovdiv = Settlement.objects.get(ekatte="56784")
    smolyan = Settlement.objects.get(ekatte="67653")
    org_pdv = OrganisationFactory(settlement=plovdiv)
    org_sml = OrganisationFactory(settlement=smolyan)

    first = SessionFactory(course=course)
    second = SessionFactory(course=course)
    attended = [EnrolmentFactory(session=first, organisation=org_pdv) for _ in range(7)]
    attended += [EnrolmentFactory(session=first, organisation=org_sml) for _ in range(3)]
    EnrolmentFactory.create_batch(4, session=first, organisation=org_pdv)  # did not come
    # someone attending a second session of the same course is one trained person
    repeat = EnrolmentFactory(session=second, user=attended[0].user, organisation=org_pdv)
    services.mark_attendance(first, [e.pk for e in attended])
    services.mark_attendance(second, [repeat.pk])
    other = SessionFactory(course=other_course)
    services.mark_attendance(other, [EnrolmentFactory(session=other, organisation=org_sml).pk])

    page = client.get(reverse("trainings:results")).content.decode()
    row = _row(page, course.slug)
    assert '<td class="text-end" data-trained>10</td>' in row
    assert '<td class="text-end" data-target>20</td>' in row
    assert 'max="20" value="10"' in row
    assert "50%" in row
    assert "data-trained>1</td>" in _row(page, other_course.slug)
    assert "data-trained>0</td>" in _row(page, "strategichesko-planirane")
    assert Province.objects.get(code="PDV").name in page and org_sml.name in page

    response = client.get(reverse("trainings:results-csv"))
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    by_course = {r["course"]: r for r in rows if r["level"] == "course"}
    assert by_course[course.title]["trained"] == "10"
    assert by_course[course.title]["target"] == "20"
    provinces = {
        (r["course"], r["province"]): r["trained"] for r in rows if r["level"] == "province"
    }
    assert provinces[(course.title, "Пловдив")] == "7"
    assert provinces[(course.title, "Смолян")] == "3"
    assert provinces[(other_course.title, "Смолян")] == "1"
    organisations = {
        (r["course"], r["organisation"]): r["trained"] for r in rows if r["level"] == "organisation"
    }
    assert organisations[(course.title, org_pdv.name)] == "7"


def test_cancelled_places_and_absentees_do_not_count(client):
    session = SessionFactory(course=Course.objects.get(slug="rabota-v-mrezhi"))
    staff = UserFactory(is_staff=True)
    enrolment = services.enrol(session, staff, None)
    services.mark_attendance(session, [])
    page = client.get(reverse("trainings:results")).content.decode()
    assert "data-trained>0</td>" in _row(page, "rabota-v-mrezhi")
    services.mark_attendance(session, [enrolment.pk])
    page = client.get(reverse("trainings:results")).content.decode()
    assert "data-trained>1</td>" in _row(page, "rabota-v-mrezhi")
    assert "екипът на РСО „Марица“" in page
