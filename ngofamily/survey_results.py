"""Aggregate results of a survey: counts, percentages and averages per question, the response
rate against the catalogue, and the rows of the export. Shared by the results page, the
exports and the research report's generated chapter."""

from collections import Counter, defaultdict

from django.conf import settings
from django.db.models import Count, Max
from django.utils.translation import gettext as _

from directory.models import Province

from .models import FamilyMembership, Organisation
from .models.survey import OTHER, Answer, Question, Response

MIN_GROUP = 5  # aggregates of fewer responses are never shown publicly
BAR_WIDTH = 300


def filter_responses(responses, province=None, legal_form=None, field=None, family=None):
    if province:
        responses = responses.filter(organisation__province__code=province)
    if legal_form:
        responses = responses.filter(organisation__legal_form=legal_form)
    if field:
        responses = responses.filter(organisation__fields_of_activity__slug=field)
    if family in ("yes", "no"):
        members = FamilyMembership.objects.approved().values("organisation_id")
        if family == "yes":
            responses = responses.filter(organisation_id__in=members)
        else:
            responses = responses.exclude(organisation_id__in=members)
    return responses


def _percent(n, base):
    return round(n * 100 / base, 1) if base else 0.0


def _chart(rows):
    """Bar geometry for the server-rendered SVG: one bar per row, scaled to the largest."""
    top = max((r["count"] for r in rows), default=0) or 1
    for i, row in enumerate(rows):
        row["bar"] = round(row["count"] * BAR_WIDTH / top)
        row["y"] = i * 28
    return {"height": len(rows) * 28 + 4, "width": BAR_WIDTH + 240}


def summarise(survey, responses, with_texts=False):
    """Per-question results for ``responses`` (a queryset of submitted responses)."""
    response_ids = list(responses.values_list("pk", flat=True))
    total = len(response_ids)
    answers = list(
        Answer.objects.filter(response_id__in=response_ids).values_list(
            "question_id", "response_id", "choice", "number", "text"
        )
    )
    by_question = defaultdict(list)
    for question_id, response_id, choice, number, text in answers:
        by_question[question_id].append((response_id, choice, number, text))
    sections = []
    current = None
    for position, question in enumerate(survey.questions(), 1):
        if current is None or current["section"].pk != question.section_id:
            current = {"section": question.section, "questions": []}
            sections.append(current)
        rows = by_question.get(question.pk, [])
        answered = len({r[0] for r in rows})
        item = {
            "question": question,
            "number": position,
            "answered": answered,
            "percent_answered": _percent(answered, total),
        }
        if question.has_choices:
            counts = Counter(r[1] for r in rows)
            item["rows"] = [
                {
                    "label": label,
                    "value": value,
                    "count": counts.get(value, 0),
                    "percent": _percent(counts.get(value, 0), answered),
                }
                for value, label in question.choice_list()
            ]
            item["chart"] = _chart(item["rows"])
            if with_texts:
                item["texts"] = sorted(r[3] for r in rows if r[1] == OTHER and r[3])
        elif question.kind == Question.Kind.SCALE:
            counts = Counter(r[2] for r in rows)
            item["rows"] = [
                {
                    "label": str(n),
                    "value": str(n),
                    "count": counts.get(n, 0),
                    "percent": _percent(counts.get(n, 0), answered),
                }
                for n in range(1, 6)
            ]
            low, high = question.scale_labels()
            if low:
                item["rows"][0]["label"] = f"1 — {low}"
            if high:
                item["rows"][4]["label"] = f"5 — {high}"
            item["average"] = round(sum(r[2] for r in rows) / answered, 2) if answered else None
            item["chart"] = _chart(item["rows"])
        elif question.kind == Question.Kind.NUMBER:
            numbers = sorted(r[2] for r in rows)
            item["average"] = round(sum(numbers) / len(numbers), 2) if numbers else None
            item["median"] = numbers[len(numbers) // 2] if numbers else None
            item["total"] = sum(numbers)
        elif with_texts:
            item["texts"] = sorted(r[3] for r in rows if r[3])
        current["questions"].append(item)
    return sections


def response_rate(survey, visible_min=0):
    """Submitted responses of organisations against the published catalogue, per province.
    Provinces with fewer than ``visible_min`` responses show no count."""
    published = dict(
        Organisation.objects.published()
        .values_list("province__code")
        .annotate(n=Count("pk"))
        .values_list("province__code", "n")
    )
    answered = dict(
        Response.objects.submitted()
        .filter(survey=survey, organisation__isnull=False)
        .values_list("organisation__province__code")
        .annotate(n=Count("pk"))
        .values_list("organisation__province__code", "n")
    )
    rows = []
    for province in Province.objects.filter(code__in=settings.REGION_PROVINCES).order_by("name"):
        n = answered.get(province.code, 0)
        base = published.get(province.code, 0)
        hidden = n < visible_min
        rows.append(
            {
                "province": province,
                "organisations": base,
                "responses": None if hidden else n,
                "rate": None if hidden else _percent(n, base),
            }
        )
    total_answered = sum(answered.values())
    total_published = sum(published.values())
    return {
        "rows": rows,
        "responses": total_answered,
        "organisations": total_published,
        "rate": _percent(total_answered, total_published),
    }


def _display(question, answers):
    if question.kind == Question.Kind.MULTIPLE:
        parts = []
        for a in answers:
            parts.append(
                f"{question.label_of(a.choice)}: {a.text}"
                if a.choice == OTHER
                else question.label_of(a.choice)
            )
        return "; ".join(parts)
    a = answers[0]
    if question.kind == Question.Kind.SINGLE:
        return question.label_of(a.choice)
    if question.kind in (Question.Kind.SCALE, Question.Kind.NUMBER):
        return a.number
    return a.text


def export_rows(survey):
    """A header and one row per response, without personal data: the organisation (a legal
    person) and its catalogue profile, never the people behind it or their contacts."""
    questions = list(survey.questions())
    header = [
        "response",
        "status",
        "submitted_at",
        "organisation",
        "eik",
        "province",
        "legal_form",
        "family_member",
        "fields_of_activity",
    ] + [f"Q{i}. {q.text}" for i, q in enumerate(questions, 1)]
    members = set(FamilyMembership.objects.approved().values_list("organisation_id", flat=True))
    responses = (
        Response.objects.filter(survey=survey)
        .select_related("organisation__province")
        .prefetch_related("organisation__fields_of_activity", "answers")
        .order_by("pk")
    )
    rows = []
    for response in responses:
        org = response.organisation
        by_question = defaultdict(list)
        for answer in response.answers.all():
            by_question[answer.question_id].append(answer)
        rows.append(
            [
                response.pk,
                response.status,
                response.submitted_at.isoformat() if response.submitted_at else "",
                org.name if org else _("анонимен"),
                (org.eik or "") if org else "",
                org.province.code if org and org.province_id else "",
                org.legal_form if org else "",
                ("yes" if org.pk in members else "no") if org else "",
                "; ".join(f.name for f in org.fields_of_activity.all()) if org else "",
            ]
            + [_display(q, by_question[q.pk]) if by_question.get(q.pk) else "" for q in questions]
        )
    return header, rows


def report_chapter():
    """The generated "Survey results" chapter of the research report: the newest survey marked
    for the report, its aggregate tables and charts (as public: never a group under 5, no free
    text), and a snapshot of the figures so that the report's content changes with the answers.
    ``None`` when no survey is marked for the report."""
    from .models.survey import Survey

    survey = Survey.objects.filter(in_report=True).order_by("-opens_on", "-pk").first()
    if survey is None:
        return None
    responses = Response.objects.submitted().filter(survey=survey)
    total = responses.count()
    shown = total >= MIN_GROUP
    sections = summarise(survey, responses) if shown else []
    rate = response_rate(survey, visible_min=MIN_GROUP)
    figures = [
        [
            item["question"].pk,
            item["answered"],
            [[r["value"], r["count"]] for r in item.get("rows", [])],
            item.get("average"),
        ]
        for block in sections
        for item in block["questions"]
    ]
    as_of = responses.aggregate(last=Max("updated_at"))["last"]
    return {
        "as_of": as_of,
        "context": {
            "survey": survey,
            "total": total,
            "shown": shown,
            "min_group": MIN_GROUP,
            "sections": sections,
            "rate": rate,
        },
        "snapshot": {
            "survey": survey.slug,
            "total": total,
            "figures": figures,
            "rate": [[r["province"].code, r["responses"]] for r in rate["rows"]],
        },
    }
