"""Who may see and change what: 404 for what you may not see, 403 for what you may not do."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from directory.models import AdministrativeStructure
from ngofamily.models import Organisation

from .factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_user(db):
    return UserFactory()


def test_anonymous_reads_published_only(client):
    published = OrganisationFactory()
    pending = OrganisationFactory(status="pending")
    assert client.get(published.get_absolute_url()).status_code == 200
    assert client.get(pending.get_absolute_url()).status_code == 404


def test_anonymous_is_sent_to_login_for_changes(client):
    org = OrganisationFactory()
    for name in ("edit", "submit", "invite"):
        response = client.post(reverse(f"ngofamily:{name}", args=[org.slug]))
        assert response.status_code == 302
        assert reverse("login") in response["Location"]
    assert client.get(reverse("ngofamily:register")).status_code == 302


def test_owner_edits_their_organisation(client, user, geo):
    org = OrganisationFactory(owners=[user], settlement=geo["smolyan"])
    client.force_login(user)
    response = client.post(
        reverse("ngofamily:edit", args=[org.slug]),
        {
            "name": org.name,
            "legal_form": "association",
            "eik": org.eik,
            "seat_name": "Смолян",
            "address": "ул. Нова 2",
            "description_format": "plain",
        },
    )
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.address == "ул. Нова 2"
    assert org.status == Organisation.Status.PUBLISHED


def test_owner_cannot_edit_someone_elses_organisation(client, user, other_user):
    mine = OrganisationFactory(owners=[user])
    theirs = OrganisationFactory(owners=[other_user])
    theirs_pending = OrganisationFactory(owners=[other_user], status="pending")
    client.force_login(user)
    assert client.get(reverse("ngofamily:edit", args=[mine.slug])).status_code == 200
    assert client.get(reverse("ngofamily:edit", args=[theirs.slug])).status_code == 403
    assert client.post(reverse("ngofamily:edit", args=[theirs.slug]), {}).status_code == 403
    assert client.post(reverse("ngofamily:invite", args=[theirs.slug]), {}).status_code == 403
    # what they may not even see is a 404
    assert client.get(reverse("ngofamily:edit", args=[theirs_pending.slug])).status_code == 404
    assert client.post(reverse("ngofamily:submit", args=[theirs_pending.slug])).status_code == 404


def test_owner_invites_a_co_editor_who_accepts(
    client, user, other_user, django_capture_on_commit_callbacks
):
    org = OrganisationFactory(owners=[user])
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("ngofamily:invite", args=[org.slug]), {"email": other_user.email})
    assert mail.outbox[0].to == [other_user.email]
    invite = org.invites.get()
    assert invite.get_absolute_url() in mail.outbox[0].body

    stranger = UserFactory()
    client.force_login(stranger)
    assert client.post(invite.get_absolute_url()).status_code == 403

    client.force_login(other_user)
    assert client.post(invite.get_absolute_url()).status_code == 302
    assert set(org.owners.all()) == {user, other_user}
    assert client.get(reverse("ngofamily:edit", args=[org.slug])).status_code == 200


def test_only_staff_reach_the_admin(client, user):
    client.force_login(user)
    response = client.get(reverse("admin:ngofamily_organisation_changelist"))
    assert response.status_code == 302


POST_FORM = re.compile(r"<form\b[^>]*method=\"post\"[^>]*>(.*?)</form>", re.S | re.I)


def post_forms(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return POST_FORM.findall(response.content.decode())


def test_every_form_carries_a_csrf_token(client, user, geo):
    from .factories import MemberFactory, WorkAreaFactory, WorkPlanItemFactory

    member = MemberFactory(owners=[user])
    area = WorkAreaFactory()
    area.members.add(member)
    item = WorkPlanItemFactory(area=area)
    structure = AdministrativeStructure.objects.get(slug="obshtina-plovdiv")
    anonymous_pages = [
        reverse("login"),
        reverse("account-signup"),
        reverse("password_reset"),
        reverse("news:subscribe"),
    ]
    pages = [
        reverse("home"),
        reverse("ngofamily:register"),
        member.get_absolute_url(),
        reverse("ngofamily:edit", args=[member.slug]),
        reverse("family:index"),
        reverse("family:area", args=[area.slug]),
        reverse("family:item", args=[item.pk]),
        reverse("account-profile"),
        reverse("password_change"),
    ]
    checked = 0
    for url in anonymous_pages:
        for form in post_forms(client, url):
            assert 'name="csrfmiddlewaretoken"' in form, url
            checked += 1
    client.force_login(user)
    for url in pages:
        forms = post_forms(client, url)
        assert forms, f"{url} has no form to check"
        for form in forms:
            assert 'name="csrfmiddlewaretoken"' in form, url
            checked += 1
    assert checked >= 20
    # The one anonymous form on a page caches keep: the report of an inaccuracy acts for no
    # one, so it goes without a token (directory.views.report_inaccuracy) and the page sets
    # no cookie.
    client.logout()
    response = client.get(structure.get_absolute_url())
    (report,) = post_forms(client, structure.get_absolute_url())
    assert "csrfmiddlewaretoken" not in report and not response.cookies


def test_a_post_without_the_csrf_token_is_refused(user):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    for url in (reverse("ngofamily:register"), reverse("account-profile"), reverse("logout")):
        assert client.post(url, {}).status_code == 403, url


def test_owner_sees_how_to_apply_to_the_family_on_their_page(client, user):
    org = OrganisationFactory(owners=[user])
    client.force_login(user)
    page = client.get(org.get_absolute_url()).content.decode()
    assert reverse("family:apply") in page
    assert reverse("ngofamily:edit", args=[org.slug]) in page
