"""The forms of the survey: one section at a time, built from its questions."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models.survey import NUMBER_MAX, OTHER, TEXT_LIMITS, Answer, Question

REQUIRED = _("Моля, отговорете на този въпрос.")


def _radio():
    return forms.RadioSelect(attrs={"class": "form-check-input"})


def _field(question):
    kind = question.kind
    common = {"label": question.display_text, "required": False}
    if kind == Question.Kind.SINGLE:
        return forms.ChoiceField(choices=question.choice_list(), widget=forms.RadioSelect, **common)
    if kind == Question.Kind.MULTIPLE:
        return forms.MultipleChoiceField(
            choices=question.choice_list(),
            widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
            **common,
        )
    if kind == Question.Kind.SCALE:
        return forms.TypedChoiceField(
            choices=question.choice_list(), coerce=int, widget=_radio(), **common
        )
    if kind == Question.Kind.NUMBER:
        return forms.IntegerField(
            min_value=0,
            max_value=NUMBER_MAX,
            widget=forms.NumberInput(attrs={"class": "form-control w-auto"}),
            **common,
        )
    limit = TEXT_LIMITS[kind]
    if kind == Question.Kind.LONG_TEXT:
        widget = forms.Textarea(attrs={"rows": 4, "class": "form-control"})
    else:
        widget = forms.TextInput(attrs={"class": "form-control"})
    return forms.CharField(max_length=limit, widget=widget, strip=True, **common)


def field_name(question):
    return f"q{question.pk}"


def other_name(question):
    return f"q{question.pk}_other"


class SectionForm(forms.Form):
    """The questions of one section. Conditional questions count only when the earlier answer
    they depend on (in this section or an earlier one) has the given value; a required one is
    required only then."""

    def __init__(self, questions, *args, earlier=None, answers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        self.earlier = earlier or {}
        for question in self.questions:
            name = field_name(question)
            self.fields[name] = _field(question)
            if question.allow_other and question.kind == Question.Kind.MULTIPLE:
                self.fields[other_name(question)] = forms.CharField(
                    label=_("Друго, моля посочете"),
                    max_length=200,
                    required=False,
                    widget=forms.TextInput(attrs={"class": "form-control"}),
                )
        if answers is not None and not self.is_bound:
            self.initial = initial_from(self.questions, answers)

    def clean(self):
        data = super().clean()
        values = dict(self.earlier)
        self.shown = []
        for question in self.questions:
            name = field_name(question)
            if not question.condition_met(values):
                continue
            self.shown.append(question)
            value = data.get(name)
            if value in (None, "", []):
                if question.required and name not in self.errors:
                    self.add_error(name, REQUIRED)
                continue
            chosen = value if isinstance(value, list) else [value]
            values[question.pk] = {str(v) for v in chosen}
            other = other_name(question)
            if OTHER in chosen and other in self.fields and not data.get(other):
                self.add_error(other, _("Напишете какво друго."))
        return data

    def answers(self):
        """The rows to store for the shown questions: [(question, choice, number, text)]."""
        rows = []
        for question in self.shown:
            value = self.cleaned_data.get(field_name(question))
            if value in (None, "", []):
                continue
            kind = question.kind
            if kind == Question.Kind.MULTIPLE:
                for choice in value:
                    text = (
                        self.cleaned_data.get(other_name(question), "") if choice == OTHER else ""
                    )
                    rows.append((question, choice, None, text))
            elif kind == Question.Kind.SINGLE:
                rows.append((question, value, None, ""))
            elif kind in (Question.Kind.SCALE, Question.Kind.NUMBER):
                rows.append((question, "", int(value), ""))
            else:
                rows.append((question, "", None, value))
        return rows

    def rendered_questions(self):
        """What the template walks: each question with its bound field(s), where the error
        summary links to, and whether an earlier section's answer hides it."""
        out = []
        section_pks = {q.pk for q in self.questions}
        for question in self.questions:
            depends_here = question.show_if_id in section_pks
            if (
                question.show_if_id
                and not depends_here
                and not question.condition_met(self.earlier)
            ):
                continue
            bound = self[field_name(question)]
            other = self[other_name(question)] if other_name(question) in self.fields else None
            for b in (bound, other):
                if b is not None and b.errors:
                    b.field.widget.attrs["aria-describedby"] = f"{b.auto_id}-error"
                    b.field.widget.attrs["aria-invalid"] = "true"
            grouped = question.has_choices or question.kind == Question.Kind.SCALE
            out.append(
                {
                    "question": question,
                    "field": bound,
                    "other": other,
                    "grouped": grouped,
                    "anchor": f"{bound.auto_id}_0" if grouped else bound.auto_id,
                    "condition": question.show_if if depends_here else None,
                    "condition_label": question.show_if.label_of(question.show_if_value)
                    if depends_here
                    else "",
                }
            )
        return out


def initial_from(questions, answers):
    """Form initial values from stored answers (a list of Answer)."""
    by_question = {}
    for answer in answers:
        by_question.setdefault(answer.question_id, []).append(answer)
    initial = {}
    for question in questions:
        rows = by_question.get(question.pk)
        if not rows:
            continue
        name = field_name(question)
        if question.kind == Question.Kind.MULTIPLE:
            initial[name] = [a.choice for a in rows]
            initial[other_name(question)] = next((a.text for a in rows if a.choice == OTHER), "")
        elif question.kind == Question.Kind.SINGLE:
            initial[name] = rows[0].choice
        elif question.kind in (Question.Kind.SCALE, Question.Kind.NUMBER):
            initial[name] = rows[0].number
        else:
            initial[name] = rows[0].text
    return initial


def save_section(response, form):
    """Replace the response's answers to this section's questions with the form's (all or
    nothing: the caller runs it in a transaction)."""
    Answer.objects.filter(response=response, question__in=form.questions).delete()
    Answer.objects.bulk_create(
        Answer(response=response, question=q, choice=c, number=n, text=t)
        for q, c, n, t in form.answers()
    )
