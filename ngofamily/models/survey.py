"""The needs-assessment survey: staff write surveys of ordered sections and questions;
organisations of the catalogue (and, when allowed, anonymous citizens) answer them."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from eregion.i18n import in_page_language
from eregion.text import transliterate

from .catalogue import Organisation

TEXT_LIMITS = {"short_text": 200, "long_text": 2000}
NUMBER_MAX = 1_000_000_000
OTHER = "other"


class SurveyQuerySet(models.QuerySet):
    def open_now(self):
        today = timezone.localdate()
        return self.filter(opens_on__lte=today).filter(
            Q(closes_on__isnull=True) | Q(closes_on__gte=today)
        )


class Survey(models.Model):
    """A questionnaire staff run for a period: addressed to the catalogue's organisations,
    optionally also to anyone through a public link."""

    class Audience(models.TextChoices):
        ORGANISATIONS = "organisations", _("организациите от каталога")
        PUBLIC = "public", _("организациите и гражданите (публична връзка)")

    title = models.CharField(_("заглавие"), max_length=200)
    title_en = models.CharField(_("заглавие на английски"), max_length=200, blank=True)
    slug = models.SlugField(unique=True, max_length=100)
    introduction = models.TextField(_("въведение"), max_length=5000, blank=True)
    introduction_en = models.TextField(_("въведение на английски"), max_length=5000, blank=True)
    opens_on = models.DateField(_("отваря на"), default=timezone.localdate)
    closes_on = models.DateField(_("затваря на"), null=True, blank=True)
    audience = models.CharField(
        _("към кого"), max_length=20, choices=Audience.choices, default=Audience.ORGANISATIONS
    )
    results_public = models.BooleanField(
        _("публични резултати"),
        default=False,
        help_text=_("Обобщените резултати се виждат от всички (никога за по-малко от 5 отговора)."),
    )
    in_report = models.BooleanField(
        _("в доклада"),
        default=False,
        help_text=_(
            "Резултатите влизат като глава „Резултати от анкетата“ в изследователския доклад "
            "(последната такава анкета)."
        ),
    )
    created_at = models.DateTimeField(_("създадена"), auto_now_add=True)

    objects = SurveyQuerySet.as_manager()

    class Meta:
        verbose_name = _("анкета")
        verbose_name_plural = _("анкети")
        ordering = ["-opens_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__isnull=True) | Q(closes_on__gte=models.F("opens_on")),
                name="survey_closes_after_opening",
            )
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(transliterate(self.title))[:90] or "survey"
            base, n = self.slug, 2
            while Survey.objects.filter(slug=self.slug).exclude(pk=self.pk).exists():
                self.slug, n = f"{base}-{n}", n + 1
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("survey:detail", args=[self.slug])

    @property
    def display_title(self):
        return in_page_language(self.title, self.title_en)

    @property
    def display_introduction(self):
        return in_page_language(self.introduction, self.introduction_en)

    def is_open(self, today=None):
        today = today or timezone.localdate()
        return self.opens_on <= today and (self.closes_on is None or today <= self.closes_on)

    @property
    def allows_public(self):
        return self.audience == self.Audience.PUBLIC

    def has_answers(self):
        return Answer.objects.filter(question__section__survey=self).exists()

    def questions(self):
        return (
            Question.objects.filter(section__survey=self)
            .select_related("section", "show_if")
            .order_by("section__position", "section__pk", "position", "pk")
        )

    def copy(self):
        """A new draft survey with the same sections and questions and no answers: how staff
        change the wording of a survey that has been answered."""
        new = Survey.objects.create(
            title=f"{self.title} (копие)"[:200],
            title_en=f"{self.title_en} (copy)"[:200] if self.title_en else "",
            introduction=self.introduction,
            introduction_en=self.introduction_en,
            opens_on=self.opens_on,
            closes_on=self.closes_on,
            audience=self.audience,
        )
        mapping = {}
        for section in self.sections.all():
            old_questions = list(section.questions.all())
            section.pk, section.survey = None, new
            section.save()
            for question in old_questions:
                old_pk = question.pk
                question.pk, question.section = None, section
                question.show_if = mapping.get(question.show_if_id)
                question.save()
                mapping[old_pk] = question
        return new


class Section(models.Model):
    """An ordered part of a survey; answering goes section by section, saving each."""

    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="sections", verbose_name=_("анкета")
    )
    title = models.CharField(_("заглавие"), max_length=200)
    title_en = models.CharField(_("заглавие на английски"), max_length=200, blank=True)
    description = models.TextField(_("пояснение"), max_length=2000, blank=True)
    description_en = models.TextField(_("пояснение на английски"), max_length=2000, blank=True)
    position = models.PositiveSmallIntegerField(_("подредба"), default=0)

    class Meta:
        verbose_name = _("раздел")
        verbose_name_plural = _("раздели")
        ordering = ["survey", "position", "pk"]

    def __str__(self):
        return self.title

    @property
    def display_title(self):
        return in_page_language(self.title, self.title_en)

    @property
    def display_description(self):
        return in_page_language(self.description, self.description_en)


class Question(models.Model):
    """One question of a section. Its wording is fixed once answers exist, so results never
    mix two wordings: staff copy the survey instead."""

    class Kind(models.TextChoices):
        SINGLE = "single", _("един избор")
        MULTIPLE = "multiple", _("няколко избора")
        SCALE = "scale", _("скала от 1 до 5")
        NUMBER = "number", _("число")
        SHORT_TEXT = "short_text", _("кратък текст")
        LONG_TEXT = "long_text", _("дълъг текст")

    section = models.ForeignKey(
        Section, on_delete=models.CASCADE, related_name="questions", verbose_name=_("раздел")
    )
    position = models.PositiveSmallIntegerField(_("подредба"), default=0)
    kind = models.CharField(_("вид"), max_length=12, choices=Kind.choices)
    text = models.CharField(_("въпрос"), max_length=500)
    text_en = models.CharField(_("въпрос на английски"), max_length=500, blank=True)
    help_text = models.CharField(_("пояснение"), max_length=500, blank=True)
    help_text_en = models.CharField(_("пояснение на английски"), max_length=500, blank=True)
    choices = models.TextField(
        _("възможни отговори"),
        max_length=5000,
        blank=True,
        help_text=_(
            "По един на ред. „стойност | текст“ задава постоянна стойност (напр. курс), иначе "
            "стойността се образува от текста. За скалата: надписите на 1 и 5, на два реда."
        ),
    )
    choices_en = models.TextField(
        _("възможни отговори на английски"),
        max_length=5000,
        blank=True,
        help_text=_("Същите редове в същия ред, само текстът."),
    )
    allow_other = models.BooleanField(_("„друго, моля посочете“"), default=False)
    required = models.BooleanField(_("задължителен"), default=False)
    show_if = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dependants",
        verbose_name=_("показва се само ако въпрос"),
    )
    show_if_value = models.CharField(_("има отговор (стойност)"), max_length=100, blank=True)
    training_topics = models.BooleanField(
        _("изборите са теми на обучения"),
        default=False,
        help_text=_(
            "Стойностите са адресите (slug) на курсовете: страницата с резултати "
            "от обученията брои организациите, поискали всяка тема."
        ),
    )

    class Meta:
        verbose_name = _("въпрос")
        verbose_name_plural = _("въпроси")
        ordering = ["section", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(show_if__isnull=True) | ~Q(show_if_value=""),
                name="question_condition_has_value",
            )
        ]

    WORDING = (
        "kind",
        "text",
        "text_en",
        "choices",
        "choices_en",
        "allow_other",
        "show_if_id",
        "show_if_value",
        "section_id",
    )

    def __str__(self):
        return self.text

    def save(self, *args, **kwargs):
        # The rule holds for every caller, not only the admin form.
        if self.pk and self._wording_changed() and self.has_answers():
            raise ValidationError(
                _("Въпросът вече има отговори и не може да се променя: копирайте анкетата.")
            )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.has_answers():
            raise ValidationError(_("Въпросът вече има отговори и не може да се изтрие."))
        return super().delete(*args, **kwargs)

    @property
    def display_text(self):
        return in_page_language(self.text, self.text_en)

    @property
    def display_help_text(self):
        return in_page_language(self.help_text, self.help_text_en)

    @property
    def has_choices(self):
        return self.kind in (self.Kind.SINGLE, self.Kind.MULTIPLE)

    @property
    def is_text(self):
        return self.kind in (self.Kind.SHORT_TEXT, self.Kind.LONG_TEXT)

    def choice_list(self):
        """``[(value, label)]`` in the page's language; "other" last when allowed."""
        english = [line.strip() for line in self.choices_en.splitlines() if line.strip()]
        out = []
        for i, line in enumerate(ln.strip() for ln in self.choices.splitlines() if ln.strip()):
            value, _sep, label = line.partition("|")
            if not _sep:
                value, label = slugify(transliterate(line))[:100], line
            label_en = english[i] if i < len(english) else ""
            out.append((value.strip(), in_page_language(label.strip(), label_en)))
        if self.kind == self.Kind.SCALE:
            return [(str(n), str(n)) for n in range(1, 6)]
        if self.allow_other and self.kind == self.Kind.MULTIPLE:
            out.append((OTHER, str(_("друго, моля посочете"))))
        return out

    def scale_labels(self):
        """The words at the two ends of a 1–5 scale (the first two lines of the choices)."""
        if self.kind != self.Kind.SCALE:
            return ("", "")
        english = [ln.strip() for ln in self.choices_en.splitlines() if ln.strip()]
        lines = [ln.strip() for ln in self.choices.splitlines() if ln.strip()]
        lines += ["", ""]
        english += ["", ""]
        return (in_page_language(lines[0], english[0]), in_page_language(lines[1], english[1]))

    def label_of(self, value):
        return dict(self.choice_list()).get(value, value)

    def condition_met(self, answers):
        """Whether the question shows, given ``answers``: {question pk: set of values}."""
        if not self.show_if_id:
            return True
        return self.show_if_value in answers.get(self.show_if_id, set())

    def clean(self):
        if self.has_choices and not self.choice_list():
            raise ValidationError({"choices": _("Въведете поне един възможен отговор.")})
        if self.show_if_id:
            earlier = self.show_if
            if earlier.section.survey_id != self.section.survey_id:
                raise ValidationError({"show_if": _("Условието е въпрос от същата анкета.")})
            if (earlier.section.position, earlier.position, earlier.pk) >= (
                self.section.position,
                self.position,
                self.pk or 10**12,
            ):
                raise ValidationError({"show_if": _("Условието е по-ранен въпрос.")})
            if self.show_if_value not in dict(earlier.choice_list()):
                raise ValidationError(
                    {"show_if_value": _("Няма такъв възможен отговор на този въпрос.")}
                )
        if self.pk and self._wording_changed() and self.has_answers():
            raise ValidationError(
                _("Въпросът вече има отговори и не може да се променя: копирайте анкетата.")
            )

    def has_answers(self):
        return self.pk is not None and self.answers.exists()

    def _wording_changed(self):
        old = Question.objects.filter(pk=self.pk).values(*self.WORDING).first()
        return old is not None and any(old[f] != getattr(self, f) for f in self.WORDING)


class ResponseQuerySet(models.QuerySet):
    def submitted(self):
        return self.filter(status=Response.Status.SUBMITTED)


class Response(models.Model):
    """One organisation's answers to a survey (or one anonymous citizen's): a draft until
    submitted, changeable until the survey closes. It holds no personal data."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("чернова")
        SUBMITTED = "submitted", _("изпратен")

    survey = models.ForeignKey(
        Survey, on_delete=models.PROTECT, related_name="responses", verbose_name=_("анкета")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="survey_responses",
        verbose_name=_("организация"),
    )
    status = models.CharField(
        _("състояние"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    started_at = models.DateTimeField(_("започнат"), auto_now_add=True)
    updated_at = models.DateTimeField(_("променен"), auto_now=True)
    submitted_at = models.DateTimeField(_("изпратен"), null=True, blank=True)
    last_section = models.PositiveSmallIntegerField(default=0, editable=False)
    # An anonymous draft is found again by this random key kept in the visitor's session.
    anonymous_key = models.CharField(max_length=64, blank=True, editable=False)

    objects = ResponseQuerySet.as_manager()

    class Meta:
        verbose_name = _("отговор на анкета")
        verbose_name_plural = _("отговори на анкети")
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "organisation"],
                condition=Q(organisation__isnull=False),
                name="survey_one_response_per_organisation",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(submitted_at__isnull=False),
                name="survey_submitted_has_time",
            ),
        ]

    def __str__(self):
        who = self.organisation.name if self.organisation_id else _("анонимен")
        return f"{self.survey} — {who}"

    def values(self):
        """{question pk: set of answered values} (choices, or the number as text)."""
        out = {}
        for answer in self.answers.all():
            out.setdefault(answer.question_id, set()).add(answer.value_key())
        return out


class Answer(models.Model):
    """One answer to one question; a multiple-choice question has a row per chosen option
    ("other" carries what the respondent wrote)."""

    response = models.ForeignKey(
        Response, on_delete=models.CASCADE, related_name="answers", verbose_name=_("отговор")
    )
    question = models.ForeignKey(
        Question, on_delete=models.PROTECT, related_name="answers", verbose_name=_("въпрос")
    )
    choice = models.CharField(_("избор"), max_length=100, blank=True)
    number = models.BigIntegerField(_("число"), null=True, blank=True)
    text = models.TextField(_("текст"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("отговор на въпрос")
        verbose_name_plural = _("отговори на въпроси")
        ordering = ["question", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question", "choice"], name="survey_answer_once"
            )
        ]

    def __str__(self):
        return self.value_key()

    def value_key(self):
        if self.choice:
            return self.choice
        if self.number is not None:
            return str(self.number)
        return self.text
