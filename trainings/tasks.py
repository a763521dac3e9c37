"""Background work of the trainings: certificate PDFs, rendered on the ``pdf`` queue."""

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from eregion.mail import queue_email
from eregion.pdf import BASE_URL, url_fetcher

from .models import Certificate

log = logging.getLogger(__name__)


def qr_svg(data):
    import segno

    return segno.make(data, error="m").svg_inline(scale=4, border=0, dark="#000")


def render_pdf(certificate, verify_url):
    from weasyprint import HTML

    enrolment = certificate.enrolment
    session = enrolment.session
    html = render_to_string(
        "trainings/print/certificate.html",
        {
            "certificate": certificate,
            "enrolment": enrolment,
            "session": session,
            "course": session.course,
            "organisation": enrolment.organisation,
            "verify_url": verify_url,
            "qr_svg": qr_svg(verify_url),
            "logo_url": BASE_URL + "static/img/favicon.svg",
        },
    )
    return HTML(string=html, url_fetcher=url_fetcher(), base_url=BASE_URL).write_pdf()


def send_to_worker(certificate_id, base_url=""):
    """Hand one certificate to the ``pdf`` queue; if the broker is down the relay will."""
    try:
        render_certificate.delay(certificate_id, base_url)
    except Exception as exc:  # broker unreachable: the certificate stays pending
        log.warning("certificate %s left for the relay: %s", certificate_id, exc)


def enqueue_certificate(certificate_id, base_url=""):
    """Render a certificate on the ``pdf`` queue once the current transaction commits."""
    transaction.on_commit(lambda: send_to_worker(certificate_id, base_url))


@shared_task
def relay_certificates(older_than_minutes: int = 5) -> int:
    """Re-send certificates still pending after a while (the broker was down, a worker died):
    nobody waits for ever for a certificate. Rendering twice is harmless (the task checks)."""
    cutoff = timezone.now() - timedelta(minutes=older_than_minutes)
    ids = list(
        Certificate.objects.filter(
            status=Certificate.Status.PENDING, created_at__lte=cutoff
        ).values_list("pk", flat=True)[:200]
    )
    for certificate_id in ids:
        send_to_worker(certificate_id)
    return len(ids)


@shared_task(
    bind=True,
    autoretry_for=(OSError,),
    retry_backoff=30,
    max_retries=5,
)
def render_certificate(self, certificate_id, base_url=""):
    """Render one certificate's PDF and email its holder; does nothing if it is done already."""
    certificate = (
        Certificate.objects.select_related(
            "enrolment__user", "enrolment__organisation", "enrolment__session__course"
        )
        .filter(pk=certificate_id)
        .first()
    )
    if certificate is None or certificate.status == Certificate.Status.READY:
        return "skipped"
    base_url = base_url or settings.PUBLIC_BASE_URL
    verify_url = base_url.rstrip("/") + certificate.get_absolute_url()
    with translation.override(settings.LANGUAGE_CODE):
        try:
            pdf = render_pdf(certificate, verify_url)
        except Exception as exc:
            # Commit the failure before anything else happens (never re-raise inside the
            # transaction that records it).
            log.exception("certificate %s failed", certificate_id)
            Certificate.objects.filter(pk=certificate_id).update(
                status=Certificate.Status.FAILED, error=f"{type(exc).__name__}: {exc}"[:2000]
            )
            return "failed"
        with transaction.atomic():
            certificate = Certificate.objects.select_for_update().get(pk=certificate_id)
            if certificate.status == Certificate.Status.READY:
                return "skipped"
            certificate.file.save(
                f"certificate-{certificate.number}.pdf", ContentFile(pdf), save=False
            )
            certificate.status = Certificate.Status.READY
            certificate.error = ""
            certificate.rendered_at = timezone.now()
            certificate.emailed_at = timezone.now()
            certificate.save()
            enrolment = certificate.enrolment
            queue_email(
                enrolment.user.email,
                "trainings/email/certificate",
                {
                    "certificate": certificate,
                    "course": enrolment.session.course,
                    "session": enrolment.session,
                    "verify_url": verify_url,
                    "pdf_url": (base_url or "").rstrip("/")
                    + certificate.get_absolute_url()
                    + "pdf/",
                },
            )
    return "rendered"
