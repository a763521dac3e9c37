"""The public pages: the calendar of sessions, course and session pages, the home page's next
session, the iCal feed, "my trainings", feedback; list pages have pinned query counts."""

from datetime import timedelta

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone

from trainings import services
from trainings.models import Course, Feedback, Session

from .factories import EnrolmentFactory, SessionFactory, UserFactory, representative

pytestmark = pytest.mark.django_db


def test_the_six_trainings_of_the_project_are_seeded():
    titles = set(Course.objects.values_list("title", flat=True))
    assert {
        "Партньорства и работа в мрежа",
        "Застъпнически кампании. Техники за водене на преговори и диалог",
        "Разработване политики и мониторинг върху дейността на администрацията",
        "Стратегическо планиране",
        "РСО „Марица“ — медиатор и активен партньор на администрацията",
        "Работа в мрежи",
    } <= titles
    ngo = Course.objects.filter(audience="ngo", slug__in=["partnerstva-i-rabota-v-mrezha"])
    assert ngo.get().target == 20


def test_the_index_lists_upcoming_sessions_with_seats_left_and_waiting(client):
    session = SessionFactory(capacity=1)
    services.enrol(session, *representative())
    services.enrol(session, *representative())
    past = SessionFactory(
        starts_at=timezone.now() - timedelta(days=30), status=Session.Status.COMPLETED
    )
    page = client.get(reverse("trainings:index")).content.decode()
    assert session.get_absolute_url() in page
    assert "няма свободни места" in page
    assert "1 чакащ" in page
    assert past.get_absolute_url() in page
    assert "Партньорства и работа в мрежа" in page


def test_list_pages_have_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    for _ in range(6):
        session = SessionFactory()
        for _ in range(3):
            EnrolmentFactory(session=session)
    user = EnrolmentFactory().user
    with django_assert_max_num_queries(4):
        assert client.get(reverse("trainings:index")).status_code == 200
    course = session.course
    with django_assert_max_num_queries(4):
        assert client.get(course.get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(4):
        assert client.get(reverse("trainings:results")).status_code == 200
    with django_assert_max_num_queries(3):
        assert client.get(reverse("trainings:ical")).status_code == 200
    client.force_login(user)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("trainings:my")).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(session.get_absolute_url()).status_code == 200


def test_roll_call_queries_do_not_grow_with_participants(
    client, staff_user, django_assert_max_num_queries
):
    session = SessionFactory(capacity=30)
    EnrolmentFactory.create_batch(25, session=session)
    client.force_login(staff_user)
    with django_assert_max_num_queries(6):
        assert client.get(reverse("trainings:roll-call", args=[session.pk])).status_code == 200
    with django_assert_max_num_queries(6):
        response = client.get(reverse("trainings:participants", args=[session.pk, "csv"]))
    rows = response.content.decode("utf-8-sig").splitlines()
    assert len(rows) == 26 and rows[0].startswith("name,email")


def test_the_xlsx_export_opens_in_a_spreadsheet(client, staff_user):
    import io

    import openpyxl

    session = SessionFactory()
    enrolment = EnrolmentFactory(session=session)
    client.force_login(staff_user)
    response = client.get(reverse("trainings:participants", args=[session.pk, "xlsx"]))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet["A1"].value == "name"
    assert sheet["B2"].value == enrolment.user.email


def test_the_home_page_shows_the_next_session(client):
    later = SessionFactory(starts_at=timezone.now() + timedelta(days=20))
    sooner = SessionFactory(starts_at=timezone.now() + timedelta(days=3))
    SessionFactory(starts_at=timezone.now() + timedelta(days=1), status="cancelled")
    page = client.get(reverse("home")).content.decode()
    assert 'id="next-training"' in page
    assert sooner.get_absolute_url() in page
    assert later.get_absolute_url() not in page


def test_english_pages_show_english_course_titles(client):
    SessionFactory(course=Course.objects.get(slug="partnerstva-i-rabota-v-mrezha"))
    page = client.get("/en/trainings/").content.decode()
    assert "Partnerships and networking" in page
    assert "Upcoming" in page and "NGO representatives" in page


def test_the_ical_feed_lists_sessions_and_marks_cancelled_ones(client):
    kept = SessionFactory()
    cancelled = SessionFactory(status=Session.Status.CANCELLED)
    SessionFactory(starts_at=timezone.now() - timedelta(days=400))  # too old for the feed
    response = client.get(reverse("trainings:ical"))
    events = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    assert {str(e["UID"]): str(e["STATUS"]) for e in events} == {
        f"session-{kept.pk}@eregion": "CONFIRMED",
        f"session-{cancelled.pk}@eregion": "CANCELLED",
    }


def test_anonymous_visitors_see_how_to_enrol_without_a_form(client):
    session = SessionFactory()
    page = client.get(session.get_absolute_url()).content.decode()
    assert reverse("trainings:enrol", args=[session.pk]) not in page
    assert reverse("login") in page


def test_the_enrolment_form_offers_only_the_users_published_organisations(client):
    session = SessionFactory()
    user, organisation = representative()
    _other, theirs = representative()
    client.force_login(user)
    page = client.get(session.get_absolute_url()).content.decode()
    assert organisation.name in page and theirs.name not in page


def test_participants_rate_a_session_they_attended(client, staff_user):
    held = SessionFactory(starts_at=timezone.now() - timedelta(days=1), status="completed")
    enrolment = EnrolmentFactory(attended=True, session=held)
    url = reverse("trainings:feedback", args=[enrolment.pk])
    client.force_login(enrolment.user)
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"content": 5, "trainer": 4, "organisation": 3, "comment": "Полезно."}
    )
    assert response.status_code == 302
    assert Feedback.objects.get(enrolment=enrolment).trainer == 4
    # a rating outside 1–5 is refused
    other = EnrolmentFactory(attended=True, session=held)
    client.force_login(other.user)
    response = client.post(
        reverse("trainings:feedback", args=[other.pk]),
        {"content": 6, "trainer": 4, "organisation": 3},
    )
    assert response.status_code == 200 and not Feedback.objects.filter(enrolment=other).exists()
    # staff see the averages
    client.force_login(staff_user)
    page = client.get(reverse("trainings:feedback-summary")).content.decode()
    assert "5,00" in page or "5.00" in page


def test_only_attendees_rate_and_only_after_the_session(client):
    held = SessionFactory(starts_at=timezone.now() - timedelta(days=1), status="completed")
    enrolment = EnrolmentFactory(attended=False, session=held)
    client.force_login(enrolment.user)
    assert client.get(reverse("trainings:feedback", args=[enrolment.pk])).status_code == 403
    early = EnrolmentFactory(attended=True)  # marked, but the session is next week
    client.force_login(early.user)
    assert client.get(reverse("trainings:feedback", args=[early.pk])).status_code == 403
    client.force_login(UserFactory())
    assert client.get(reverse("trainings:feedback", args=[enrolment.pk])).status_code == 404


def test_an_unknown_certificate_code_is_a_clear_not_found(client):
    response = client.get(reverse("trainings:certificate", args=["no-such-code"]))
    assert response.status_code == 404
    assert "Сертификатът не е намерен" in response.content.decode()
    assert client.get(reverse("trainings:certificate-pdf", args=["nope"])).status_code == 404


def test_staff_admin_pages_render_with_enrolments_inline(client, staff_user):
    session = SessionFactory()
    EnrolmentFactory.create_batch(3, session=session)
    client.force_login(staff_user)
    changelist = client.get(reverse("admin:trainings_session_changelist"))
    assert changelist.status_code == 200
    assert reverse("trainings:roll-call", args=[session.pk]) in changelist.content.decode()
    change = client.get(reverse("admin:trainings_session_change", args=[session.pk]))
    assert change.status_code == 200
    assert "enrolments-TOTAL_FORMS" in change.content.decode()
    for name in ("course", "enrolment", "certificate", "feedback"):
        assert client.get(reverse(f"admin:trainings_{name}_changelist")).status_code == 200
