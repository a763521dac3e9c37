"""Who the portal tells about what: staff about new submissions, people in their own language.

Staff are the members of the group named by ``STAFF_NOTIFICATION_GROUP`` (default
"Модератори"); when that group has no active members, every active staff account. Each new
submission (an organisation sent for review, a claim, a family application) queues one email
through the outbox; past ``STAFF_NOTIFICATION_LIMIT`` in an hour, further ones wait for the
hourly digest (``eregion.tasks.send_staff_digest``), which lists what waits.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation

from . import throttle
from .mail import queue_email

DIGEST_DUE_KEY = "eregion:staff-digest-due"


def staff_recipients():
    """The active staff who receive notifications (see the module's docstring)."""
    User = get_user_model()
    active = User.objects.filter(is_active=True, is_staff=True)
    group = active.filter(groups__name=settings.STAFF_NOTIFICATION_GROUP)
    return list(group if group.exists() else active)


def queue_for_users(users, template: str, context: dict) -> int:
    """Queue ``template`` for ``users``, one email per language they chose; the count queued."""
    by_language: dict[str, list[str]] = {}
    for user in users:
        if user.email:
            by_language.setdefault(user.language or settings.LANGUAGE_CODE, []).append(user.email)
    for language, emails in sorted(by_language.items()):
        with translation.override(language):
            queue_email(sorted(set(emails)), template, context)
    return len(by_language)


def notify_staff(kind: str, obj, admin_url: str) -> bool:
    """Tell staff that ``obj`` (an organisation, claim or application) waits for them.

    ``kind`` is "organisation", "claim" or "membership". Returns False when the email was left
    for the digest because many came in this hour.
    """
    if not throttle.allow("staff-notifications", "all", settings.STAFF_NOTIFICATION_LIMIT, 3600):
        cache.set(DIGEST_DUE_KEY, True, timeout=3 * 3600)
        return False
    queue_for_users(
        staff_recipients(),
        "eregion/email/staff_new",
        {"kind": kind, "object": obj, "url": absolute(admin_url)},
    )
    return True


def send_digest() -> bool:
    """One email listing everything that waits, if notifications were held back; else nothing."""
    from .admin_dashboard import waiting

    if not cache.get(DIGEST_DUE_KEY):
        return False
    cache.delete(DIGEST_DUE_KEY)
    rows = []
    for row in waiting():
        rows.append({**row, "absolute_url": absolute(row["url"])})
    queue_for_users(staff_recipients(), "eregion/email/staff_digest", {"rows": rows})
    return True


def absolute(path: str) -> str:
    return settings.PUBLIC_BASE_URL.rstrip("/") + path


def admin_change_url(obj) -> str:
    opts = obj._meta
    with translation.override(settings.LANGUAGE_CODE):
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
