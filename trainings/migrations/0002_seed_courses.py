"""The six trainings of the project description (Activities 2.3 and 5)."""

from django.db import migrations

from eregion.markup import render_markdown

COURSES = [
    {
        "slug": "partnerstva-i-rabota-v-mrezha",
        "audience": "ngo",
        "title": "Партньорства и работа в мрежа",
        "title_en": "Partnerships and networking",
        "description": (
            "Обучение за представители на неправителствени организации от Южен централен район "
            "за планиране: как се изграждат трайни партньорства с други организации и с "
            "администрацията и как работи една мрежа от НПО."
        ),
        "description_en": (
            "A training for representatives of civil-society organisations of the South Central "
            "planning region: building lasting partnerships with other organisations and with "
            "the administration, and how a network of NGOs works."
        ),
        "outcomes": "Познава формите на партньорство между НПО и с администрацията\n"
        "Може да планира съвместна инициатива в мрежа\n"
        "Знае как да поддържа и развива мрежа от организации",
        "outcomes_en": "Knows the forms of partnership among NGOs and with the administration\n"
        "Can plan a joint initiative in a network\n"
        "Knows how to keep a network of organisations going and growing",
    },
    {
        "slug": "zastapnicheski-kampanii",
        "audience": "ngo",
        "title": "Застъпнически кампании. Техники за водене на преговори и диалог",
        "title_en": "Advocacy campaigns. Negotiation and dialogue techniques",
        "description": (
            "Как се планира и провежда застъпническа кампания и как се водят преговори и диалог "
            "с институциите."
        ),
        "description_en": (
            "How to plan and run an advocacy campaign, and how to negotiate and hold a dialogue "
            "with public institutions."
        ),
        "outcomes": "Може да планира застъпническа кампания\n"
        "Владее основни техники за преговори\n"
        "Може да води конструктивен диалог с администрацията",
        "outcomes_en": "Can plan an advocacy campaign\n"
        "Masters the basic negotiation techniques\n"
        "Can hold a constructive dialogue with the administration",
    },
    {
        "slug": "razrabotvane-politiki-i-monitoring",
        "audience": "ngo",
        "title": "Разработване политики и мониторинг върху дейността на администрацията",
        "title_en": "Policy development and monitoring of the administration",
        "description": (
            "Участие на гражданските организации в разработването на политики и в мониторинга "
            "върху дейността на администрацията."
        ),
        "description_en": (
            "How civil-society organisations take part in developing policies and in monitoring "
            "the work of the administration."
        ),
        "outcomes": "Познава етапите на разработване на публични политики\n"
        "Може да подготви становище по проект на нормативен акт\n"
        "Може да организира мониторинг на дейността на администрацията",
        "outcomes_en": "Knows the stages of public policy making\n"
        "Can prepare an opinion on a draft regulation\n"
        "Can organise the monitoring of the administration's work",
    },
    {
        "slug": "strategichesko-planirane",
        "audience": "team",
        "title": "Стратегическо планиране",
        "title_en": "Strategic planning",
        "description": "Обучение на екипа на РСО „Марица“ по стратегическо планиране.",
        "description_en": "A training in strategic planning for the team of RSO \"Maritsa\".",
        "outcomes": "",
        "outcomes_en": "",
    },
    {
        "slug": "rso-maritsa-mediator",
        "audience": "team",
        "title": "РСО „Марица“ — медиатор и активен партньор на администрацията",
        "title_en": "RSO \"Maritsa\": a mediator and active partner of the administration",
        "description": (
            "Обучение на екипа на РСО „Марица“: ролята на сдружението като посредник между "
            "гражданските организации и администрацията."
        ),
        "description_en": (
            "A training for the team of RSO \"Maritsa\": the association's role as a mediator "
            "between civil-society organisations and the administration."
        ),
        "outcomes": "",
        "outcomes_en": "",
    },
    {
        "slug": "rabota-v-mrezhi",
        "audience": "team",
        "title": "Работа в мрежи",
        "title_en": "Working in networks",
        "description": "Обучение на екипа на РСО „Марица“ за работа в мрежи.",
        "description_en": "A training in working in networks for the team of RSO \"Maritsa\".",
        "outcomes": "",
        "outcomes_en": "",
    },
]


def seed(apps, schema_editor):
    Course = apps.get_model("trainings", "Course")
    for position, data in enumerate(COURSES, 1):
        Course.objects.update_or_create(
            slug=data["slug"],
            defaults={
                **data,
                "position": position,
                "target": 20,
                "description_html": render_markdown(data["description"]),
                "description_en_html": render_markdown(data["description_en"]),
            },
        )


def unseed(apps, schema_editor):
    Course = apps.get_model("trainings", "Course")
    Course.objects.filter(slug__in=[c["slug"] for c in COURSES], sessions__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("trainings", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
