"""Browser test: subscribe to the newsletter, confirm from the captured email, unsubscribe
from the link in an issue."""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.utils import timezone

from publications import newsletter
from publications.models import Article, NewsletterIssue, Subscriber
from tests.e2e.axe import assert_accessible

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def path_of(url: str) -> str:
    """The link's path on the test server (emails carry PUBLIC_BASE_URL)."""
    return urlsplit(url).path


def test_subscribe_confirm_from_the_email_and_unsubscribe(page):
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    address = "reader@example.org"

    Article.objects.create(
        title="Обучение в Смолян", slug="smolyan", summary="Резюме.", published_at=timezone.now()
    )
    page.goto("/news/")
    assert_accessible(page)
    page.get_by_role("link", name="Абонирайте се за бюлетина").click()
    assert_accessible(page)
    page.get_by_label("Имейл адрес").fill(address)
    page.get_by_label("Обучения").check()
    page.get_by_role("button", name="Абонирай ме").click()
    page.get_by_role("heading", name="Проверете пощата си").wait_for()

    [confirmation] = [m for m in mail.outbox if m.to == [address]]
    assert Subscriber.objects.get(email=address).confirmed_at is None
    page.goto(path_of(re.search(r"https?://\S+/confirm/\S+/", confirmation.body).group(0)))
    page.get_by_role("heading", name="Абонаментът е потвърден").wait_for()
    subscriber = Subscriber.objects.get(email=address)
    assert subscriber.is_active and subscriber.wants_news and subscriber.wants_trainings

    issue = NewsletterIssue.objects.create(subject="Бюлетин, март")
    issue.articles.add(Article.objects.get(slug="smolyan"))
    newsletter.start_sending(issue)
    [copy] = [m for m in mail.outbox if m.subject == "Бюлетин, март"]
    page.goto(path_of(copy.message()["List-Unsubscribe"].strip("<>")))
    page.get_by_role("button", name="Отпиши ме").click()
    page.get_by_role("heading", name="Отписахте се").wait_for()
    subscriber.refresh_from_db()
    assert subscriber.unsubscribed_at is not None
    assert errors == [], errors
