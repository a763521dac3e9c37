"""Who may enrol for what, and who may take the roll call: 404 for what you may not see,
403 for what you may not do."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from ngofamily.models import Organisation
from trainings.models import Course, Enrolment

from .factories import (
    CourseFactory,
    EnrolmentFactory,
    OrganisationFactory,
    SessionFactory,
    UserFactory,
    representative,
)

pytestmark = pytest.mark.django_db


def _enrol(client, session, organisation):
    return client.post(
        reverse("trainings:enrol", args=[session.pk]), {"organisation": organisation.pk}
    )


def test_nobody_enrols_for_an_organisation_they_do_not_own(client):
    session = SessionFactory()
    user, _mine = representative()
    _other, theirs = representative()
    client.force_login(user)
    assert _enrol(client, session, theirs).status_code == 404
    assert not Enrolment.objects.exists()


@pytest.mark.parametrize("status", ["draft", "pending", "rejected", "suspended"])
def test_nobody_enrols_for_an_unpublished_organisation_even_their_own(client, status):
    session = SessionFactory()
    user = UserFactory()
    unpublished = OrganisationFactory(owners=[user], status=status, status_reason="причина")
    client.force_login(user)
    assert _enrol(client, session, unpublished).status_code == 404
    assert not Enrolment.objects.exists()
    # and the form does not offer it
    page = client.get(session.get_absolute_url()).content.decode()
    assert unpublished.name not in page


def test_enrolling_needs_a_verified_login(client):
    session = SessionFactory()
    user, organisation = representative(email_verified=False)
    response = _enrol(client, session, organisation)
    assert response.status_code == 302 and reverse("login") in response["Location"]
    client.force_login(user)
    response = _enrol(client, session, organisation)
    assert response["Location"] == reverse("account-profile")
    assert not Enrolment.objects.exists()


def test_team_trainings_are_for_staff_who_enrol_as_themselves(client, staff_user):
    team = CourseFactory(slug="team-course", audience=Course.Audience.TEAM)
    session = SessionFactory(course=team)
    user, organisation = representative()
    client.force_login(user)
    assert _enrol(client, session, organisation).status_code == 404
    client.force_login(staff_user)
    assert client.post(reverse("trainings:enrol", args=[session.pk])).status_code == 302
    assert Enrolment.objects.get().user == staff_user


def test_people_cancel_only_their_own_enrolment(client):
    enrolment = EnrolmentFactory()
    client.force_login(UserFactory())
    assert client.post(reverse("trainings:cancel", args=[enrolment.pk])).status_code == 404
    enrolment.refresh_from_db()
    assert enrolment.status == "confirmed"


def test_an_outsider_gets_403_on_the_roll_call_and_the_exports(client):
    session = SessionFactory()
    enrolment = EnrolmentFactory(session=session)
    urls = [
        reverse("trainings:roll-call", args=[session.pk]),
        reverse("trainings:participants", args=[session.pk, "csv"]),
        reverse("trainings:participants", args=[session.pk, "xlsx"]),
        reverse("trainings:feedback-summary"),
    ]
    for url in urls:  # anonymous: to the login page
        response = client.get(url)
        assert response.status_code == 302 and reverse("login") in response["Location"]
    # a participant, even an owner of a participating organisation, is an outsider here
    client.force_login(enrolment.user)
    for url in urls:
        assert client.get(url).status_code == 403
    response = client.post(urls[0], {"attended": [enrolment.pk], "complete": "1"})
    assert response.status_code == 403
    enrolment.refresh_from_db()
    session.refresh_from_db()
    assert not enrolment.attended and session.status == "open"


def test_staff_take_the_roll_call(client, staff_user):
    session = SessionFactory()
    present, absent = EnrolmentFactory.create_batch(2, session=session)
    client.force_login(staff_user)
    url = reverse("trainings:roll-call", args=[session.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert present.user.get_full_name() in page.content.decode()
    client.post(url, {"attended": [present.pk]})
    present.refresh_from_db()
    absent.refresh_from_db()
    assert present.attended and not absent.attended


def test_the_organisation_page_shows_its_peoples_trainings_to_its_owners_only(client):
    enrolment = EnrolmentFactory()
    organisation = enrolment.organisation
    assert organisation.status == Organisation.Status.PUBLISHED
    url = organisation.get_absolute_url()
    title = enrolment.session.course.title
    assert title not in client.get(url).content.decode()
    client.force_login(UserFactory())
    assert title not in client.get(url).content.decode()
    client.force_login(enrolment.user)
    page = client.get(url).content.decode()
    assert 'id="organisation-trainings"' in page
    assert title in page and enrolment.user.get_full_name() in page


def test_every_trainings_form_carries_a_csrf_token_and_a_post_without_it_is_refused(
    client, staff_user
):
    import re

    from django.test import Client

    post_form = re.compile(r"<form[^>]*method=\"post\"[^>]*>.*?</form>", re.S | re.I)
    held = SessionFactory(starts_at=timezone.now() - timedelta(days=1), status="completed")
    attended = EnrolmentFactory(session=held, attended=True)
    session = SessionFactory()
    enrolment = EnrolmentFactory(session=session, user=attended.user)
    user = attended.user
    client.force_login(user)
    pages = [
        reverse("trainings:my"),
        reverse("trainings:cancel", args=[enrolment.pk]),
        reverse("trainings:feedback", args=[attended.pk]),
    ]
    fresh, _org = representative()
    checked = 0
    for who, url in [(user, u) for u in pages] + [
        (fresh, session.get_absolute_url()),
        (staff_user, reverse("trainings:roll-call", args=[session.pk])),
    ]:
        client.force_login(who)
        response = client.get(url)
        assert response.status_code == 200, url
        forms = [f for f in post_form.findall(response.content.decode()) if "logout" not in f]
        forms = [f for f in forms if "set_language" not in f and "setlang" not in f]
        assert forms, f"{url} has no form to check"
        for form in forms:
            assert 'name="csrfmiddlewaretoken"' in form, url
            checked += 1
    assert checked >= 5

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(fresh)
    assert strict.post(reverse("trainings:enrol", args=[session.pk]), {}).status_code == 403
    strict.force_login(user)
    assert strict.post(reverse("trainings:cancel", args=[enrolment.pk])).status_code == 403
    enrolment.refresh_from_db()
    assert enrolment.status == "confirmed"
