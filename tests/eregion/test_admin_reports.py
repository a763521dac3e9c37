"""A citizen who left an email with an inaccuracy report hears once when staff fix or decline
it, with the staff note, in the language of the page they reported from."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core import mail
from django.urls import reverse

from directory.models import InaccuracyReport

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:directory_inaccuracyreport_changelist")


def report_from(client, path="/directory/obshtina-plovdiv/report/", email="citizen@example.org"):
    client.post(
        path, {"message": "Телефонът е сменен.", "email": email, "homepage": ""}, follow=True
    )
    return InaccuracyReport.objects.latest("created_at")


def test_a_fixed_report_emails_its_reporter_once_with_the_note(
    client, staff_user, region, django_capture_on_commit_callbacks
):
    report = report_from(client)
    assert report.language == "bg"
    client.force_login(staff_user)
    change = reverse("admin:directory_inaccuracyreport_change", args=[report.pk])
    form = {
        "structure": report.structure_id,
        "message": report.message,
        "email": report.email,
        "status": "fixed",
        "staff_note": "Новият телефон е 032 656 701.",
    }
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(change, form).status_code == 302
        # Saved again (a typo in the note): no second email.
        assert (
            client.post(change, {**form, "staff_note": "Новият номер: 032 656 701."}).status_code
            == 302
        )
        client.post(CHANGELIST, {"action": "mark_fixed", ACTION_CHECKBOX_NAME: [report.pk]})
    [email] = mail.outbox
    assert email.to == ["citizen@example.org"]
    assert email.subject == "Поправихме данните за „Община Пловдив“"
    assert "Новият телефон е 032 656 701." in email.body
    assert "Телефонът е сменен." in email.body
    report.refresh_from_db()
    assert report.answered_at is not None


def test_a_declined_report_from_the_english_page_is_answered_in_english(
    client, staff_user, region, django_capture_on_commit_callbacks
):
    report = report_from(client, "/en/directory/obshtina-plovdiv/report/")
    assert report.language == "en"
    InaccuracyReport.objects.filter(pk=report.pk).update(staff_note="The number is correct.")
    client.force_login(staff_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            CHANGELIST, {"action": "mark_rejected", ACTION_CHECKBOX_NAME: [report.pk]}, follow=True
        )
    assert "изпратени отговори: 1" in response.content.decode()
    [email] = mail.outbox
    assert email.subject.startswith("About your report on")
    assert "The number is correct." in email.body


def test_a_report_without_an_email_is_closed_silently_and_new_ones_come_first(
    client, staff_user, region, django_capture_on_commit_callbacks
):
    old = report_from(client, email="")
    client.force_login(staff_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(CHANGELIST, {"action": "mark_fixed", ACTION_CHECKBOX_NAME: [old.pk]})
    assert mail.outbox == []
    new = report_from(client)
    page = client.get(CHANGELIST).content.decode()
    assert page.index(f"/{new.pk}/change/") < page.index(f"/{old.pk}/change/")
