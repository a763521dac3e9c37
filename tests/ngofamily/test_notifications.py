"""Staff are told of each new organisation, claim and family application (one email each, in
the language they chose) and see them counted on the admin index; owners hear when a co-editor
joins; past the hourly limit, notifications wait for one digest."""

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse

from eregion import notifications
from eregion.admin_dashboard import waiting
from eregion.models import OutboundEmail
from ngofamily import services
from ngofamily.models import ClaimRequest, CoEditorInvite, FamilyMembership, Organisation
from tests.factories import UserFactory

from .factories import OrganisationFactory
from .test_registration import form_data

pytestmark = pytest.mark.django_db


def counts():
    return {row["key"]: row["count"] for row in waiting()}


def staff_emails():
    return [m for m in mail.outbox if m.to == [STAFF]]


STAFF = "moderator@rso-maritsa.example"


@pytest.fixture
def moderator(db):
    """The one member of the notification group (other staff are not written to)."""
    person = UserFactory(email=STAFF, is_staff=True)
    Group.objects.get_or_create(name="Модератори")[0].user_set.add(person)
    return person


def test_a_new_organisation_a_claim_and_an_application_each_email_staff_once_and_are_counted(
    client, user, staff_user, moderator, geo, django_capture_on_commit_callbacks
):
    before = counts()
    client.force_login(user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("ngofamily:register"), form_data())
    assert response.status_code == 302
    organisation = Organisation.objects.get(name="Сдружение „Зелени Родопи“")
    assert organisation.status == Organisation.Status.PENDING
    [email] = staff_emails()
    assert "Нова организация за преглед: Сдружение „Зелени Родопи“" == email.subject
    assert f"/admin/ngofamily/organisation/{organisation.pk}/change/" in email.body

    centre = OrganisationFactory(source=Organisation.Source.COMMUNITY_CENTRES, name="НЧ „Искра“")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("ngofamily:claim", args=[centre.slug]),
            {"role": "председател", "message": "Обадете се на 0888 123 456."},
        )
    assert response.status_code == 302
    assert len(staff_emails()) == 2
    assert staff_emails()[-1].subject == "Заявка за собственост: НЧ „Искра“"

    published = OrganisationFactory(owners=[user], name="Сдружение „Мост“")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("family:apply"),
            {
                "organisation": published.pk,
                "motivation": "Работим с младежи.",
                "accept_charter": "on",
            },
        )
    assert response.status_code == 302
    assert len(staff_emails()) == 3
    assert staff_emails()[-1].subject == "Кандидатура за фамилията НПО: Сдружение „Мост“"
    # Only the group is written to, not every staff account.
    assert not any(staff_user.email in m.to for m in mail.outbox)

    after = counts()
    assert after["organisations"] == before["organisations"] + 1
    assert after["claims"] == before["claims"] + 1
    assert after["memberships"] == before["memberships"] + 1

    client.force_login(staff_user)
    page = client.get(reverse("admin:index")).content.decode()
    assert "Очаква преглед" in page
    assert 'href="/admin/ngofamily/claimrequest/?status__exact=pending"' in page
    pending = client.get("/admin/ngofamily/organisation/?status__exact=pending").content.decode()
    assert "Сдружение „Зелени Родопи“" in pending


def test_a_second_claim_is_told_it_is_already_pending_and_staff_hear_once(
    client, user, moderator, django_capture_on_commit_callbacks
):
    centre = OrganisationFactory(source=Organisation.Source.COMMUNITY_CENTRES, name="НЧ „Заря“")
    client.force_login(user)
    url = reverse("ngofamily:claim", args=[centre.slug])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"role": "секретар", "message": ""})
        page = client.post(url, {"role": "секретар", "message": ""}, follow=True)
    text = page.content.decode()
    assert "Вече имате заявка за „НЧ „Заря“" in text
    assert "очаква проверка" in text
    assert ClaimRequest.objects.filter(organisation=centre).count() == 1
    assert len(staff_emails()) == 1


def test_with_an_empty_group_all_active_staff_are_told_each_in_their_language(
    user, staff_user, django_capture_on_commit_callbacks
):
    english = UserFactory(is_staff=True, language="en", email="clerk@rso-maritsa.example")
    UserFactory(is_staff=True, is_active=False, email="gone@rso-maritsa.example")
    organisation = OrganisationFactory(
        owners=[user], status=Organisation.Status.DRAFT, name="Сдружение „Извор“"
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.submit(organisation, user)
    by_subject = {m.subject: m.to for m in mail.outbox}
    assert by_subject == {
        "Нова организация за преглед: Сдружение „Извор“": [staff_user.email],
        "New organisation to review: Сдружение „Извор“": [english.email],
    }


def test_many_submissions_in_an_hour_wait_for_one_digest(
    settings, user, moderator, django_capture_on_commit_callbacks
):
    settings.STAFF_NOTIFICATION_LIMIT = 2
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(4):
            organisation = OrganisationFactory(owners=[user], status=Organisation.Status.DRAFT)
            services.submit(organisation, user)
    assert len(staff_emails()) == 2

    with django_capture_on_commit_callbacks(execute=True):
        assert notifications.send_digest() is True
    digest = staff_emails()[-1]
    assert digest.subject == "Очаква преглед в e-Region"
    assert "Организации за преглед:" in digest.body
    assert "/admin/ngofamily/organisation/?status__exact=pending" in digest.body
    # Nothing more was held back: no second digest.
    assert notifications.send_digest() is False


def test_owners_are_told_when_a_co_editor_joins(user, django_capture_on_commit_callbacks):
    organisation = OrganisationFactory(owners=[user], name="Сдружение „Мост“")
    newcomer = UserFactory(email="newcomer@example.org", full_name="Мария Петрова")
    invite = CoEditorInvite.objects.create(
        organisation=organisation, email=newcomer.email, invited_by=user
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.accept_invite(invite, newcomer)
    [email] = mail.outbox
    assert email.to == [user.email]
    assert email.subject == "Нов съредактор на „Сдружение „Мост““"
    assert "Мария Петрова (newcomer@example.org)" in email.body
    assert OutboundEmail.objects.filter(to=[user.email], status="sent").count() == 1


def test_dashboard_counts_failed_emails_and_links_each_filtered_list(client, staff_user):
    OutboundEmail.objects.create(to=["x@example.org"], subject="s", body="b", status="failed")
    rows = {row["key"]: row for row in waiting()}
    assert rows["emails"]["count"] >= 1
    assert rows["emails"]["url"] == "/admin/eregion/outboundemail/?status__exact=failed"
    assert rows["memberships"]["url"].endswith("?status__exact=applied")
    client.force_login(staff_user)
    for row in rows.values():
        assert client.get(row["url"]).status_code == 200, row["key"]
    assert FamilyMembership.Status.APPLIED == "applied"


def test_dashboard_counts_failed_pdf_builds(client, staff_user):
    from publications.models import Build, Publication

    before = counts()["builds"]
    Build.objects.create(
        publication=Publication.objects.first(), variant="screen", status=Build.Status.FAILED
    )
    assert counts()["builds"] == before + 1
    client.force_login(staff_user)
    page = client.get(reverse("admin:index")).content.decode()
    assert "Неуспешни PDF издания" in page
    assert 'href="/admin/publications/build/?status__exact=failed"' in page


def test_owners_hear_of_the_decision_in_the_language_they_chose(
    client, staff_user, django_capture_on_commit_callbacks
):
    english = UserFactory(language="en")
    bulgarian = UserFactory()
    organisation = OrganisationFactory(
        owners=[english, bulgarian], status=Organisation.Status.PENDING, name="Сдружение „Мост“"
    )
    client.force_login(staff_user)  # staff work in the Bulgarian admin
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:ngofamily_organisation_changelist"),
            {"action": "approve_selected", "_selected_action": [organisation.pk]},
        )
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert "published" in subjects[english.email]
    assert "публикувана" in subjects[bulgarian.email]


def test_the_profile_sets_the_language_of_emails(client, user):
    client.force_login(user)
    response = client.post(
        reverse("account-profile"), {"full_name": user.full_name, "phone": "", "language": "en"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.language == "en"


def test_sign_up_on_the_english_pages_sets_english(client):
    from eregion.models import User

    client.post(
        "/en/accounts/signup/",
        {
            "email": "reader@example.org",
            "full_name": "Jane Reader",
            "password1": "a long and unusual passphrase",
            "password2": "a long and unusual passphrase",
        },
    )
    assert User.objects.get(email="reader@example.org").language == "en"


def test_admin_index_query_count_is_fixed(client, staff_user, django_assert_max_num_queries):
    client.force_login(staff_user)
    with django_assert_max_num_queries(9):  # session, user, six counts, recent actions
        assert client.get(reverse("admin:index")).status_code == 200
