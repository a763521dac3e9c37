"""The moderation emails go out through a real Celery worker (Redis broker, outbox row)."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from eregion.models import OutboundEmail
from ngofamily.models import Organisation
from tests.conftest import wait_for

from .factories import OrganisationFactory, UserFactory

pytestmark = [pytest.mark.celery, pytest.mark.django_db(transaction=True)]


def test_the_owner_gets_the_rejection_reason_from_a_real_worker(client, celery_worker):
    owner = UserFactory()
    staff = UserFactory(is_staff=True, is_superuser=True)
    org = OrganisationFactory(status=Organisation.Status.PENDING, owners=[owner])
    client.force_login(staff)
    client.post(
        reverse("admin:ngofamily_organisation_changelist"),
        {
            "action": "reject_selected",
            ACTION_CHECKBOX_NAME: [org.pk],
            "apply": "1",
            "reason": "Липсва устав.",
        },
    )
    row = OutboundEmail.objects.get(to=[owner.email])
    wait_for(
        lambda: OutboundEmail.objects.get(pk=row.pk).status == OutboundEmail.Status.SENT,
        message="the worker to send the rejection",
    )
    sent = "".join(p.read_text() for p in celery_worker.mail_dir.iterdir())
    assert owner.email in sent
    assert "Липсва устав." in sent
