"""The portal's own models: the user account (email login)."""

from datetime import timedelta

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True, email_verified=True)
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    """A person with an account: citizens, NGO representatives and RSO "Maritsa" staff.

    People log in with their email address; there is no separate username.
    """

    email = models.EmailField(_("имейл"), unique=True)
    full_name = models.CharField(_("име и фамилия"), max_length=150, blank=True)
    phone = models.CharField(_("телефон"), max_length=20, blank=True)
    email_verified = models.BooleanField(_("потвърден имейл"), default=False)
    is_staff = models.BooleanField(
        _("служител"),
        default=False,
        help_text=_("Дали потребителят може да влиза в администрацията."),
    )
    is_active = models.BooleanField(_("активен"), default=True)
    language = models.CharField(
        _("език на писмата"),
        max_length=5,
        choices=[("bg", "Български"), ("en", "English")],
        default="bg",
        help_text=_("На този език порталът ви пише."),
    )
    date_joined = models.DateTimeField(_("регистриран на"), default=timezone.now)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = _("потребител")
        verbose_name_plural = _("потребители")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
        ]

    def __str__(self):
        return self.full_name or self.email

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def get_full_name(self):
        return self.full_name or self.email

    def get_short_name(self):
        return (self.full_name.split() or [self.email])[0]


class OutboundEmailQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=OutboundEmail.Status.PENDING)

    def due(self, now=None):
        """Pending emails whose next attempt is due: what the relay hands to Celery."""
        return self.pending().filter(next_attempt_at__lte=now or timezone.now())


class OutboundEmail(models.Model):
    """An email the portal owes someone (the outbox).

    Written in the same transaction as the change it reports, then handed to Celery. A send is
    claimed (``sending``) and committed before the SMTP conversation, so two workers never send
    the same row; a failure is recorded with its error and the time of the next attempt, which
    the relay (a beat task) honours; after ``MAX_ATTEMPTS`` the email is ``failed`` and staff
    see why in the admin, where they can retry it.
    """

    MAX_ATTEMPTS = 8
    # The relay's safety net: a new email the on-commit hand-off has not sent by then is relayed.
    RELAY_GRACE = timedelta(minutes=2)
    # Without PostgreSQL's advisory locks (SQLite), a claim older than this means the worker
    # died mid-send (SMTP timeouts are far shorter). On PostgreSQL the relay knows at once.
    STALE_SENDING = timedelta(minutes=15)

    class Status(models.TextChoices):
        PENDING = "pending", _("чака изпращане")
        SENDING = "sending", _("изпраща се")
        SENT = "sent", _("изпратен")
        FAILED = "failed", _("неуспешен")

    to = models.JSONField(_("получатели"))
    subject = models.CharField(_("тема"), max_length=255)
    body = models.TextField(_("текст"))
    html = models.TextField(_("HTML"), blank=True)
    reply_to = models.JSONField(_("отговор до"), default=list, blank=True)
    attachments = models.JSONField(
        _("прикачени файлове"),
        default=list,
        blank=True,
        help_text=_("Текстови файлове (напр. покана за календар .ics): име, вид и съдържание."),
    )
    headers = models.JSONField(
        _("заглавки"),
        default=dict,
        blank=True,
        help_text=_("Допълнителни заглавки на писмото (напр. List-Unsubscribe на бюлетина)."),
    )
    status = models.CharField(
        _("състояние"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("опити"), default=0)
    last_error = models.TextField(_("последна грешка"), blank=True)
    next_attempt_at = models.DateTimeField(
        _("следващ опит"),
        default=timezone.now,
        help_text=_("Кога препращачът ще опита отново, ако имейлът още не е изпратен."),
    )
    sending_since = models.DateTimeField(_("изпраща се от"), null=True, blank=True)
    handed_over_at = models.DateTimeField(
        _("предаден на пощенския сървър"),
        null=True,
        blank=True,
        help_text=_(
            "Кога писмото е тръгнало към пощенския сървър при последния опит. Ако обработчикът "
            "спре преди това, писмото не е изпратено и се изпраща отново; след това — може да е "
            "изпратено и се показва на служителите."
        ),
    )
    created_at = models.DateTimeField(_("създаден"), auto_now_add=True)
    sent_at = models.DateTimeField(_("изпратен на"), null=True, blank=True)

    objects = OutboundEmailQuerySet.as_manager()

    class Meta:
        verbose_name = _("изходящ имейл")
        verbose_name_plural = _("изходящи имейли")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_status_due")]

    def __str__(self):
        return f"{self.subject} → {', '.join(self.to)}"

    @classmethod
    def backoff(cls, attempts: int) -> timedelta:
        """Wait before attempt ``attempts + 1``: 1, 2, 4 … minutes, at most an hour."""
        return timedelta(minutes=min(2 ** max(attempts - 1, 0), 60))


class Heartbeat(models.Model):
    """The last sign of life of a background component (the Celery worker, through beat):
    ``/healthz`` reports the worker degraded when its heartbeat is stale or missing."""

    name = models.CharField(max_length=50, primary_key=True)
    beat_at = models.DateTimeField()

    class Meta:
        verbose_name = _("сигнал за живот")
        verbose_name_plural = _("сигнали за живот")

    def __str__(self):
        return f"{self.name} {self.beat_at:%Y-%m-%d %H:%M:%S}"
