"""The project's own needs-assessment survey (Activity 3, "research and analysis"), in
Bulgarian and English: training needs on the three NGO topics, networks and the family, dialogue
with the administration, and what organisations want from e-Region. The organisation's profile
comes from its catalogue record and is not asked again."""

import datetime

from django.db import migrations

SLUG = "nuzhdi-na-npo-2027"

YES_NO = ("da | да\nne | не", "yes\nno")

SECTIONS = [
    {
        "title": "Организацията",
        "title_en": "The organisation",
        "description": (
            "Наименованието, седалището, правната форма и сферите на дейност взимаме от "
            "записа на организацията в каталога: не ги питаме отново."
        ),
        "description_en": (
            "The name, seat, legal form and fields of activity come from the organisation's "
            "record in the catalogue: we do not ask them again."
        ),
        "questions": [
            {
                "kind": "number",
                "text": "Колко души работят или доброволстват редовно в организацията?",
                "text_en": "How many people work or volunteer regularly in the organisation?",
                "required": True,
            },
            {
                "kind": "single",
                "text": "Какъв е годишният бюджет на организацията?",
                "text_en": "What is the organisation's annual budget?",
                "choices": (
                    "do-10000 | до 10 000 лв.\n10000-50000 | от 10 000 до 50 000 лв.\n"
                    "50000-200000 | от 50 000 до 200 000 лв.\nnad-200000 | над 200 000 лв."
                ),
                "choices_en": (
                    "up to BGN 10,000\nBGN 10,000–50,000\nBGN 50,000–200,000\nover BGN 200,000"
                ),
            },
        ],
    },
    {
        "title": "Нужди от обучение",
        "title_en": "Training needs",
        "description": (
            "Проектът предлага три обучения за представители на НПО. Кажете ни кои теми са "
            "ви нужни и какво още бихте искали да научите."
        ),
        "description_en": (
            "The project offers three trainings for representatives of NGOs. Tell us which "
            "topics you need and what else you would like to learn."
        ),
        "questions": [
            {
                "kind": "multiple",
                "text": "По кои теми организацията има нужда от обучение?",
                "text_en": "On which topics does the organisation need training?",
                "required": True,
                "allow_other": True,
                "training_topics": True,
                "choices": (
                    "partnerstva-i-rabota-v-mrezha | Партньорства и работа в мрежа\n"
                    "zastapnicheski-kampanii | Застъпнически кампании. Техники за водене на "
                    "преговори и диалог\n"
                    "razrabotvane-politiki-i-monitoring | Разработване политики и мониторинг "
                    "върху дейността на администрацията"
                ),
                "choices_en": (
                    "Partnerships and networking\n"
                    "Advocacy campaigns. Negotiation and dialogue techniques\n"
                    "Policy development and monitoring of the administration"
                ),
            },
            {
                "kind": "scale",
                "text": "Доколко екипът ви умее да изгражда партньорства и да работи в мрежа?",
                "text_en": "How well can your team build partnerships and work in networks?",
                "choices": "слабо\nотлично",
                "choices_en": "poorly\nexcellently",
            },
            {
                "kind": "scale",
                "text": "Доколко екипът ви умее да води застъпнически кампании и преговори?",
                "text_en": "How well can your team run advocacy campaigns and negotiate?",
                "choices": "слабо\nотлично",
                "choices_en": "poorly\nexcellently",
            },
            {
                "kind": "scale",
                "text": (
                    "Доколко екипът ви умее да участва в разработването на политики и да "
                    "наблюдава администрацията?"
                ),
                "text_en": (
                    "How well can your team take part in policy development and monitor the "
                    "administration?"
                ),
                "choices": "слабо\nотлично",
                "choices_en": "poorly\nexcellently",
            },
            {
                "kind": "single",
                "text": "Каква форма на обучение ви е най-удобна?",
                "text_en": "Which form of training suits you best?",
                "choices": (
                    "prisastveno | присъствено, в областния град\n"
                    "onlayn | онлайн\nsmeseno | смесено"
                ),
                "choices_en": "in person, in the province's main town\nonline\nblended",
            },
        ],
    },
    {
        "title": "Работа в мрежа и фамилията НПО",
        "title_en": "Networks and the NGO family",
        "description": "",
        "description_en": "",
        "questions": [
            {
                "key": "network",
                "kind": "single",
                "text": "Членува ли организацията в мрежа, коалиция или съюз на организации?",
                "text_en": "Is the organisation a member of a network, coalition or union?",
                "required": True,
                "choices": YES_NO[0],
                "choices_en": YES_NO[1],
            },
            {
                "kind": "number",
                "text": "В колко мрежи членува?",
                "text_en": "How many networks is it a member of?",
                "show_if": ("network", "da"),
                "required": True,
            },
            {
                "kind": "long_text",
                "text": "Какво ви пречи да работите в мрежа с други организации?",
                "text_en": "What keeps you from working in networks with other organisations?",
                "show_if": ("network", "ne"),
            },
            {
                "kind": "scale",
                "text": "Доколко бихте искали да участвате във фамилията НПО на РСО „Марица“?",
                "text_en": "How much would you like to take part in the RSO Maritsa NGO family?",
                "choices": "никак\nмного",
                "choices_en": "not at all\nvery much",
            },
        ],
    },
    {
        "title": "Диалог с администрацията",
        "title_en": "Dialogue with the administration",
        "description": "",
        "description_en": "",
        "questions": [
            {
                "kind": "multiple",
                "text": "С кои институции организацията е работила през последните две години?",
                "text_en": "Which institutions has the organisation worked with in the last two "
                "years?",
                "choices": (
                    "obshtina | общинската администрация\noblast | областната администрация\n"
                    "tsentralni | централни органи и техните териториални звена\nsadilishta | "
                    "съдилищата"
                ),
                "choices_en": (
                    "the municipal administration\nthe provincial administration\n"
                    "central bodies and their territorial units\nthe courts"
                ),
            },
            {
                "kind": "multiple",
                "text": "По какъв начин обикновено общувате с администрацията?",
                "text_en": "How do you usually communicate with the administration?",
                "allow_other": True,
                "choices": (
                    "pisma | писма и заявления\nsreshti | срещи\nkonsultatsii | обществени "
                    "консултации\nsaveti | консултативни съвети и работни групи\n"
                    "elektronno | имейл и електронни услуги"
                ),
                "choices_en": (
                    "letters and applications\nmeetings\npublic consultations\n"
                    "advisory councils and working groups\nemail and e-services"
                ),
            },
            {
                "kind": "scale",
                "text": "Как оценявате диалога с общинската администрация?",
                "text_en": "How do you rate the dialogue with the municipal administration?",
                "choices": "много слаб\nотличен",
                "choices_en": "very poor\nexcellent",
            },
            {
                "kind": "multiple",
                "text": "Кои са основните пречки пред диалога?",
                "text_en": "What are the main obstacles to the dialogue?",
                "allow_other": True,
                "choices": (
                    "informatsiya | липса на информация кой за какво отговаря\n"
                    "srokove | кратки срокове за становища\nobratna-vrazka | няма обратна "
                    "връзка по предложенията\nkapatsitet | липса на капацитет в организацията"
                ),
                "choices_en": (
                    "no information on who is responsible for what\nshort deadlines for "
                    "opinions\nno feedback on proposals\nlack of capacity in the organisation"
                ),
            },
        ],
    },
    {
        "title": "Електронен регион",
        "title_en": "e-Region",
        "description": "",
        "description_en": "",
        "questions": [
            {
                "kind": "multiple",
                "text": "Какво бихте искали да ви дава порталът „Електронен регион“?",
                "text_en": "What would you like the e-Region portal to give you?",
                "allow_other": True,
                "choices": (
                    "spravochnik | справочник на администрацията\npartnyori | търсене на "
                    "партньори\nobucheniya | обучения\nkonsultatsii | обществени консултации "
                    "онлайн\nizdaniya | издания и анализи"
                ),
                "choices_en": (
                    "a directory of the administration\nfinding partners\ntrainings\n"
                    "public consultations online\npublications and analyses"
                ),
            },
            {
                "kind": "short_text",
                "text": "Една дума за най-голямата нужда на организацията днес",
                "text_en": "One word for the organisation's greatest need today",
            },
            {
                "kind": "long_text",
                "text": "Други предложения и коментари",
                "text_en": "Other suggestions and comments",
            },
        ],
    },
]


def seed(apps, schema_editor):
    Survey = apps.get_model("ngofamily", "Survey")
    Section = apps.get_model("ngofamily", "Section")
    Question = apps.get_model("ngofamily", "Question")
    if Survey.objects.filter(slug=SLUG).exists():
        return
    survey = Survey.objects.create(
        slug=SLUG,
        title=(
            "Необходимости от обучение, работа в мрежа и диалог на гражданските структури с "
            "администрацията"
        ),
        title_en="Training and networking needs of civil-society organisations and their "
        "dialogue with the administration",
        introduction=(
            "Анкетата е част от изследването на РСО „Марица“ (Дейност 3) и е основа на доклада "
            "„Необходимости от обучение, работа в мрежа и подходи за подобряване на диалога на "
            "гражданските структури с администрацията“. Отговаря един човек от организацията; "
            "отговорите се запазват след всеки раздел и могат да се променят до затварянето. "
            "Резултатите се публикуват само обобщено."
        ),
        introduction_en=(
            "The survey is part of RSO Maritsa's research (Activity 3) and the basis of the "
            "report on the training and networking needs of civil-society organisations and on "
            "ways to improve their dialogue with the administration. One person answers for "
            "the organisation; answers are saved after each section and can be changed until "
            "the survey closes. Results are published only in aggregate."
        ),
        opens_on=datetime.date(2026, 12, 1),
        closes_on=datetime.date(2027, 3, 31),
        audience="organisations",
        results_public=True,
        in_report=True,
    )
    for s_pos, data in enumerate(SECTIONS, 1):
        section = Section.objects.create(
            survey=survey,
            position=s_pos,
            title=data["title"],
            title_en=data["title_en"],
            description=data["description"],
            description_en=data["description_en"],
        )
        keys = {}
        for q_pos, q in enumerate(data["questions"], 1):
            condition = q.get("show_if")
            question = Question.objects.create(
                section=section,
                position=q_pos,
                kind=q["kind"],
                text=q["text"],
                text_en=q["text_en"],
                choices=q.get("choices", ""),
                choices_en=q.get("choices_en", ""),
                allow_other=q.get("allow_other", False),
                required=q.get("required", False),
                training_topics=q.get("training_topics", False),
                show_if=keys[condition[0]] if condition else None,
                show_if_value=condition[1] if condition else "",
            )
            if "key" in q:
                keys[q["key"]] = question


def unseed(apps, schema_editor):
    Survey = apps.get_model("ngofamily", "Survey")
    Question = apps.get_model("ngofamily", "Question")
    if Survey.objects.filter(slug=SLUG, responses__isnull=False).exists():
        return  # answered: the survey stays
    Question.objects.filter(section__survey__slug=SLUG, show_if__isnull=False).delete()
    Survey.objects.filter(slug=SLUG).delete()


class Migration(migrations.Migration):
    dependencies = [("ngofamily", "0005_survey")]

    operations = [migrations.RunPython(seed, unseed)]
