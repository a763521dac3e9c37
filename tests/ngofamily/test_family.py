"""The NGO family: apply, approval, areas, the work plan and progress, and the 403s."""

import datetime

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core import mail
from django.urls import reverse

from ngofamily.models import FamilyMembership, ProgressUpdate, WorkPlanItem

from .factories import (
    MemberFactory,
    OrganisationFactory,
    UserFactory,
    WorkAreaFactory,
    WorkPlanItemFactory,
)

pytestmark = pytest.mark.django_db


def test_member_applies_is_approved_joins_area_is_responsible_and_reports(
    client, user, staff_user, django_capture_on_commit_callbacks
):
    org = OrganisationFactory(owners=[user])
    area = WorkAreaFactory(name="Застъпничество")
    item = WorkPlanItemFactory(area=area, due_date=datetime.date(2026, 6, 30))

    client.force_login(user)
    page = client.get(reverse("family:apply")).content.decode()
    assert "Харта на фамилията НПО" in page
    response = client.post(
        reverse("family:apply"),
        {"organisation": org.pk, "motivation": "Работим с младежи.", "accept_charter": "on"},
    )
    assert response.status_code == 302
    membership = FamilyMembership.objects.get(organisation=org)
    assert membership.status == FamilyMembership.Status.APPLIED

    client.force_login(staff_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:ngofamily_familymembership_changelist"),
            {
                "action": "approve_selected",
                ACTION_CHECKBOX_NAME: [membership.pk],
                "apply": "1",
                "note": "Добре дошли!",
            },
        )
    membership.refresh_from_db()
    assert membership.status == FamilyMembership.Status.APPROVED
    assert mail.outbox[-1].to == [user.email] and "Добре дошли!" in mail.outbox[-1].body

    client.force_login(user)
    assert org.name in client.get(reverse("family:index")).content.decode()
    response = client.post(reverse("family:area-join", args=[area.slug]), {"organisation": org.pk})
    assert response.status_code == 302
    assert list(area.members.all()) == [org]

    item.responsible.add(org)  # staff make it responsible in admin
    page = client.get(item.get_absolute_url()).content.decode()
    assert "Нов отчет за напредък" in page
    response = client.post(
        reverse("family:progress", args=[item.pk]),
        {"organisation": org.pk, "date": "2026-03-01", "text": "Проведохме първата среща."},
    )
    assert response.status_code == 302
    update = ProgressUpdate.objects.get()
    assert update.organisation == org and update.author == user
    assert "Проведохме първата среща." in client.get(item.get_absolute_url()).content.decode()


def test_non_member_gets_403_for_each_family_action(client):
    outsider = UserFactory()
    not_member = OrganisationFactory(owners=[outsider])
    unpublished = OrganisationFactory(owners=[UserFactory()], status="pending")
    member = MemberFactory()
    area = WorkAreaFactory()
    item = WorkPlanItemFactory(area=area, responsible=[member, not_member])

    # an owner of an unpublished organisation may not apply
    client.force_login(unpublished.owners.get())
    assert client.get(reverse("family:apply")).status_code == 403

    client.force_login(outsider)
    assert (
        client.post(
            reverse("family:area-join", args=[area.slug]), {"organisation": not_member.pk}
        ).status_code
        == 403
    )
    assert (
        client.post(
            reverse("family:area-join", args=[area.slug]), {"organisation": member.pk}
        ).status_code
        == 403
    )
    assert (
        client.post(
            reverse("family:progress", args=[item.pk]),
            {"organisation": not_member.pk, "date": "2026-03-01", "text": "x"},
        ).status_code
        == 403
    )
    assert client.post(reverse("family:leave", args=[not_member.slug])).status_code == 403
    assert not area.members.exists()
    assert not ProgressUpdate.objects.exists()


def test_member_that_is_not_responsible_cannot_post_progress(client):
    owner = UserFactory()
    member = MemberFactory(owners=[owner])
    item = WorkPlanItemFactory(responsible=[MemberFactory()])
    client.force_login(owner)
    response = client.post(
        reverse("family:progress", args=[item.pk]),
        {"organisation": member.pk, "date": "2026-03-01", "text": "x"},
    )
    assert response.status_code == 403
    assert "Нов отчет" not in client.get(item.get_absolute_url()).content.decode()


def test_member_cannot_act_for_an_organisation_it_does_not_own(client):
    owner = UserFactory()
    MemberFactory(owners=[owner])
    someone_elses = MemberFactory()
    area = WorkAreaFactory()
    client.force_login(owner)
    response = client.post(
        reverse("family:area-join", args=[area.slug]), {"organisation": someone_elses.pk}
    )
    assert response.status_code == 403


def test_anonymous_reads_the_family_and_is_sent_to_login_for_actions(client):
    area = WorkAreaFactory()
    assert client.get(reverse("family:index")).status_code == 200
    assert client.get(reverse("family:plan")).status_code == 200
    assert client.get(area.get_absolute_url()).status_code == 200
    response = client.post(reverse("family:area-join", args=[area.slug]))
    assert reverse("login") in response["Location"]


def test_staff_decline_with_a_note(client, staff_user, django_capture_on_commit_callbacks):
    owner = UserFactory()
    org = OrganisationFactory(owners=[owner])
    membership = FamilyMembership.objects.create(
        organisation=org, motivation="m", charter_accepted_at="2026-01-01T00:00Z"
    )
    client.force_login(staff_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:ngofamily_familymembership_changelist"),
            {
                "action": "decline_selected",
                ACTION_CHECKBOX_NAME: [membership.pk],
                "apply": "1",
                "note": "Липсва дейност в района.",
            },
        )
    membership.refresh_from_db()
    assert membership.status == FamilyMembership.Status.DECLINED
    assert "Липсва дейност в района." in mail.outbox[-1].body


def test_member_leaves_the_family_and_its_areas(client):
    owner = UserFactory()
    org = MemberFactory(owners=[owner])
    area = WorkAreaFactory()
    area.members.add(org)
    client.force_login(owner)
    assert client.post(reverse("family:leave", args=[org.slug])).status_code == 302
    assert not org.is_family_member()
    assert not area.members.exists()
    # it may apply again later
    assert client.get(reverse("family:apply")).status_code == 200


def test_area_leave(client):
    owner = UserFactory()
    org = MemberFactory(owners=[owner])
    area = WorkAreaFactory()
    area.members.add(org)
    client.force_login(owner)
    client.post(reverse("family:area-leave", args=[area.slug]), {"organisation": org.pk})
    assert not area.members.exists()


def test_plan_by_area_timeline_filters_and_query_count(client, django_assert_max_num_queries):
    a1 = WorkAreaFactory(name="Мрежи")
    a2 = WorkAreaFactory(name="Политики")
    responsible = [MemberFactory(), MemberFactory()]
    for i in range(10):
        WorkPlanItemFactory(
            area=a1 if i % 2 else a2,
            title=f"Задача {i}",
            start_date=datetime.date(2026, 1, 1 + i),
            due_date=datetime.date(2026, 3, 1 + i),
            status="done" if i == 0 else "planned",
            responsible=responsible,
        )
    with django_assert_max_num_queries(8):
        page = client.get(reverse("family:plan")).content.decode()
    assert "Мрежи" in page and "Политики" in page
    assert "timeline-bar" in page and "style=" not in page
    page = client.get(reverse("family:plan"), {"status": "done"}).content.decode()
    assert "Задача 0" in page and "Задача 2<" not in page
    page = client.get(reverse("family:plan"), {"area": a1.slug}).content.decode()
    assert "Задача 1<" in page and "Задача 2<" not in page


def test_ical_feed_of_due_dates(client):
    item = WorkPlanItemFactory(
        title="Кръгла маса, Пловдив; 2026", due_date=datetime.date(2026, 5, 20)
    )
    WorkPlanItemFactory(title="Без срок")
    response = client.get(reverse("family:plan-ical"))
    assert response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    assert body.startswith("BEGIN:VCALENDAR\r\n") and body.endswith("END:VCALENDAR\r\n")
    assert body.count("BEGIN:VEVENT") == 1
    assert "DTSTART;VALUE=DATE:20260520" in body
    assert f"UID:plan-item-{item.pk}@" in body
    assert "Кръгла маса\\, Пловдив\\; 2026" in body.replace("\r\n ", "")
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))


def test_plan_item_status_choices():
    assert {c for c, _ in WorkPlanItem.Status.choices} == {
        "planned",
        "in_progress",
        "done",
        "cancelled",
    }


def test_apply_button_only_for_owners_with_an_organisation_that_may_apply(client):
    owner = UserFactory()
    MemberFactory(owners=[owner])
    client.force_login(owner)
    page = client.get(reverse("family:index")).content.decode()
    assert reverse("family:apply") not in page
    assert client.get(reverse("family:apply")).status_code == 403


def test_english_family_pages_show_the_english_areas_and_charter(client):
    page = client.get("/en/family/").content.decode()
    assert "Partnerships and networking" in page
    charter = client.get("/en/family/charter/").content.decode()
    assert "Charter of the NGO family" in charter
    assert "Харта на фамилията НПО" in client.get("/family/charter/").content.decode()
