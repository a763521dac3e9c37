"""The newsletter: double opt-in, one-click unsubscribe without a login, staff preview / test /
send, batches that resume where they stopped and never send a copy twice."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from eregion.models import OutboundEmail
from publications import newsletter
from publications.models import Article, NewsletterDelivery, NewsletterIssue, Subscriber

# Committed for real: emails leave after the commit, as in production (in-process here).
pytestmark = pytest.mark.django_db(transaction=True)


def make_issue(subject="Бюлетин", **kwargs):
    article = Article.objects.create(
        title=f"Новина за {subject}",
        slug=f"n-{NewsletterIssue.objects.count()}-{Article.objects.count()}",
        summary="Резюме на новината.",
        published_at=timezone.now(),
    )
    issue = NewsletterIssue.objects.create(subject=subject, intro="Здравейте!", **kwargs)
    issue.articles.add(article)
    return issue


def send(issue):
    assert newsletter.start_sending(issue)  # in-process: all batches and emails run now
    issue.refresh_from_db()
    assert issue.status == NewsletterIssue.Status.SENT


def received(address, subject):
    return [m for m in mail.outbox if m.to == [address] and m.subject == subject]


def link(message, pattern):
    return re.search(rf"https?://\S+{pattern}\S+/", message.body).group(0)


def test_subscribe_confirm_receive_and_unsubscribe_with_one_click(client):
    response = client.post(
        reverse("news:subscribe"), {"email": "Maria@Example.org ", "topics": ["news", "family"]}
    )
    assert response.status_code == 200
    assert len(mail.outbox) == 1  # the confirmation, and only it
    confirmation = mail.outbox[0]
    assert confirmation.to == ["maria@example.org"]
    subscriber = Subscriber.objects.get(email="maria@example.org")
    assert (subscriber.wants_news, subscriber.wants_family, subscriber.wants_trainings) == (
        True, True, False,
    )  # fmt: skip

    send(make_issue("Първи брой"))
    assert received("maria@example.org", "Първи брой") == []  # not confirmed: nothing sent

    confirm_url = link(confirmation, "/news/newsletter/confirm/")
    assert client.get(confirm_url).status_code == 200
    send(make_issue("Втори брой"))
    [issue_mail] = received("maria@example.org", "Втори брой")
    html = issue_mail.alternatives[0][0]
    assert "Новина за Втори брой" in issue_mail.body and "Новина за Втори брой" in html
    message = issue_mail.message()
    unsubscribe_url = message["List-Unsubscribe"].strip("<>")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe_url in issue_mail.body  # the same link is in the text, for people

    # A mail client's one-click POST: no session, no CSRF token, RFC 8058's body.
    mail_client = Client(enforce_csrf_checks=True)
    response = mail_client.post(
        unsubscribe_url,
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.unsubscribed_at is not None
    send(make_issue("Трети брой"))
    assert received("maria@example.org", "Трети брой") == []


def test_the_unsubscribe_link_asks_before_a_get_unsubscribes(client):
    subscriber = Subscriber.objects.create(email="a@example.org", confirmed_at=timezone.now())
    response = client.get(subscriber.get_unsubscribe_url())
    assert response.status_code == 200 and "Отпиши ме" in response.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.unsubscribed_at is None  # link scanners unsubscribe nobody
    client.post(subscriber.get_unsubscribe_url())
    subscriber.refresh_from_db()
    assert subscriber.unsubscribed_at is not None


def test_forged_or_expired_links_do_nothing(client, settings):
    subscriber = Subscriber.objects.create(email="b@example.org")
    forged = subscriber.confirm_token()[:-2] + "xx"
    assert client.get(reverse("news:confirm", args=[forged])).status_code == 400
    # an unsubscribe token is not a confirmation token
    other_salt = reverse("news:confirm", args=[subscriber.unsubscribe_token()])
    assert client.get(other_salt).status_code == 400
    assert client.post(reverse("news:unsubscribe", args=["nonsense"])).status_code == 400
    subscriber.refresh_from_db()
    assert subscriber.confirmed_at is None
    old = timezone.now() - timedelta(seconds=Subscriber.CONFIRM_MAX_AGE + 60)
    from unittest import mock

    with mock.patch("django.core.signing.time.time", return_value=old.timestamp()):
        stale = subscriber.get_confirm_url()
    assert client.get(stale).status_code == 400


def test_subscribing_again_sends_no_second_email_to_a_confirmed_address(client):
    Subscriber.objects.create(email="c@example.org", confirmed_at=timezone.now())
    response = client.post(
        reverse("news:subscribe"), {"email": "c@example.org", "topics": ["news"]}
    )
    assert response.status_code == 200
    assert mail.outbox == []


def test_asking_again_resends_the_confirmation_at_most_every_quarter_hour(client):
    for _ in range(3):
        client.post(reverse("news:subscribe"), {"email": "d@example.org", "topics": ["news"]})
    assert len(mail.outbox) == 1
    Subscriber.objects.filter(email="d@example.org").update(
        confirmation_sent_at=timezone.now() - Subscriber.CONFIRM_RESEND_AFTER
    )
    client.post(reverse("news:subscribe"), {"email": "d@example.org", "topics": ["news"]})
    assert len(mail.outbox) == 2


def test_subscribe_form_needs_a_valid_address_and_a_topic(client):
    response = client.post(reverse("news:subscribe"), {"email": "not-an-address"})
    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"email", "topics"}
    assert not Subscriber.objects.exists()


def test_an_english_subscriber_gets_english_emails(client):
    client.post("/en/news/newsletter/", {"email": "e@example.org", "topics": ["news"]})
    assert mail.outbox[0].subject == "Confirm your subscription to the e-Region newsletter"
    assert "/en/news/newsletter/confirm/" in mail.outbox[0].body


# --- Sending: batches, resuming, counts -----------------------------------------------------


def confirmed(n, start=0):
    return Subscriber.objects.bulk_create(
        Subscriber(email=f"s{i}@example.org", confirmed_at=timezone.now())
        for i in range(start, start + n)
    )


def test_an_interrupted_send_resumes_where_it_stopped_and_sends_no_copy_twice(settings):
    confirmed(25)
    Subscriber.objects.create(email="not-confirmed@example.org")
    Subscriber.objects.create(
        email="gone@example.org", confirmed_at=timezone.now(), unsubscribed_at=timezone.now()
    )
    issue = make_issue("Партиди")
    NewsletterIssue.objects.filter(pk=issue.pk).update(status="sending")
    # The first two batches are queued, then the chain is lost (a worker or Redis died).
    assert len(newsletter.queue_batch(issue.pk, size=10)) == 10
    assert len(newsletter.queue_batch(issue.pk, size=10)) == 10
    assert mail.outbox == []  # queued in the outbox, not yet handed to Celery
    # The beat task resumes it (and the outbox relay sends the queued ones).
    from publications.tasks import resume_newsletters

    assert resume_newsletters(stalled_after=0) == 1
    issue.refresh_from_db()
    assert issue.status == NewsletterIssue.Status.SENT
    OutboundEmail.objects.update(next_attempt_at=timezone.now())
    from eregion.tasks import relay_outbox

    relay_outbox()
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == sorted(f"s{i}@example.org" for i in range(25))
    assert NewsletterDelivery.objects.filter(issue=issue).count() == 25
    # A late duplicate batch or resume finds nothing left to do.
    assert newsletter.queue_batch(issue.pk) == []
    assert resume_newsletters(stalled_after=0) == 0
    assert len(mail.outbox) == 25


def test_an_issue_is_sent_only_once(settings):
    confirmed(3)
    issue = make_issue("Веднъж")
    assert newsletter.start_sending(issue)
    assert not newsletter.start_sending(issue)
    assert len(mail.outbox) == 3


def test_only_subscribers_of_the_issues_topic_receive_it():
    Subscriber.objects.create(email="news@example.org", confirmed_at=timezone.now())
    Subscriber.objects.create(
        email="trainings@example.org",
        confirmed_at=timezone.now(),
        wants_news=False,
        wants_trainings=True,
    )
    send(make_issue("Обучения", topic=Subscriber.Topic.TRAININGS))
    assert [m.to for m in mail.outbox] == [["trainings@example.org"]]


# --- Staff ----------------------------------------------------------------------------------


def test_staff_preview_test_send_and_see_counts(client, staff_user):
    from django.contrib.auth.models import Permission

    staff_user.user_permissions.add(
        *Permission.objects.filter(codename__endswith="newsletterissue")
    )
    client.force_login(staff_user)
    confirmed(4)
    issue = make_issue("За персонала")

    preview = client.get(reverse("admin:newsletter-preview", args=[issue.pk]))
    assert preview.status_code == 200 and "Новина за За персонала" in preview.content.decode()
    text = client.get(reverse("admin:newsletter-preview", args=[issue.pk]), {"format": "text"})
    assert text["Content-Type"].startswith("text/plain") and "Здравейте!" in text.content.decode()

    client.post(reverse("admin:newsletter-send-test", args=[issue.pk]))
    assert [m.to for m in mail.outbox] == [[staff_user.email]]
    issue.refresh_from_db()
    assert issue.status == NewsletterIssue.Status.DRAFT  # a test is not a send

    client.post(reverse("admin:newsletter-send", args=[issue.pk]))
    assert len(mail.outbox) == 5
    OutboundEmail.objects.filter(pk=issue.deliveries.first().email_id).update(status="failed")
    page = client.get(reverse("admin:publications_newsletterissue_changelist")).content.decode()
    counts = NewsletterIssue.objects.with_counts().get(pk=issue.pk)
    assert (counts.queued_count, counts.sent_count, counts.failed_count) == (0, 3, 1)
    assert 'class="field-sent">3<' in page and 'class="field-failed">1<' in page


def test_people_without_staff_rights_cannot_send(client, user):
    issue = make_issue("Чужд")
    client.force_login(user)
    response = client.post(reverse("admin:newsletter-send", args=[issue.pk]))
    assert response.status_code == 302 and "/login/" in response["Location"]
    issue.refresh_from_db()
    assert issue.status == NewsletterIssue.Status.DRAFT


def test_staff_without_newsletter_rights_cannot_preview_or_send(client):
    from tests.factories import UserFactory

    issue = make_issue("Без права")
    client.force_login(UserFactory(is_staff=True))
    assert client.get(reverse("admin:newsletter-preview", args=[issue.pk])).status_code == 403
    assert client.post(reverse("admin:newsletter-send", args=[issue.pk])).status_code == 403
    issue.refresh_from_db()
    assert issue.status == NewsletterIssue.Status.DRAFT
