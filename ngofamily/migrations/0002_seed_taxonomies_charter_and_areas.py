"""Seed the fields of activity, target groups, the family's charter and its first areas of joint
work (staff edit them afterwards in admin); on PostgreSQL add a trigram index for search."""

from django.db import migrations

FIELDS = [
    ("Образование", "Education", "obrazovanie"),
    ("Култура", "Culture", "kultura"),
    ("Социални услуги", "Social services", "sotsialni-uslugi"),
    ("Здравеопазване", "Health", "zdraveopazvane"),
    ("Околна среда", "Environment", "okolna-sreda"),
    ("Граждански права и демокрация", "Civil rights and democracy", "grazhdanski-prava"),
    ("Младежки дейности", "Youth", "mladezhki-deynosti"),
    ("Спорт", "Sport", "sport"),
    ("Регионално и местно развитие", "Regional and local development", "regionalno-razvitie"),
    ("Земеделие и селски райони", "Agriculture and rural areas", "zemedelie"),
    ("Туризъм", "Tourism", "turizam"),
    ("Застъпничество и мониторинг на политики", "Advocacy and policy monitoring", "zastapnichestvo"),
]

GROUPS = [
    ("Деца", "Children", "detsa"),
    ("Младежи", "Young people", "mladezhi"),
    ("Възрастни хора", "Elderly people", "vazrastni-hora"),
    ("Хора с увреждания", "People with disabilities", "hora-s-uvrezhdaniya"),
    ("Етнически малцинства", "Ethnic minorities", "etnicheski-maltsinstva"),
    ("Жени", "Women", "zheni"),
    ("Безработни", "Unemployed people", "bezrabotni"),
    ("Местни общности", "Local communities", "mestni-obshtnosti"),
    ("Общини и администрации", "Municipalities and administrations", "obshtini"),
    ("Граждански организации", "Civil-society organisations", "npo"),
]

AREAS = [
    (
        "Партньорства и работа в мрежа",
        "Съвместни проекти, обмен на опит и общи позиции на организациите от района.",
    ),
    (
        "Застъпнически кампании и диалог с администрацията",
        "Кампании, преговори и диалог с общините и областните администрации.",
    ),
    (
        "Разработване и мониторинг на политики",
        "Предложения за местни политики и наблюдение на изпълнението им от администрацията.",
    ),
]

CHARTER = """Фамилията НПО на Южен централен район е доброволна мрежа на граждански организации,
създадена с подкрепата на РСО „Марица“.

Членовете ѝ:

1. работят в обществена полза, прозрачно и независимо от политически партии;
2. споделят информация и опит и планират съвместни дейности в направленията на фамилията;
3. изпълняват поетите в работния план задачи и отчитат напредъка си;
4. зачитат мнението на останалите членове и решават спорове чрез диалог.

Организация, която не спазва хартата, може да бъде изключена с решение на РСО „Марица“.
"""


def seed(apps, schema_editor):
    FieldOfActivity = apps.get_model("ngofamily", "FieldOfActivity")
    TargetGroup = apps.get_model("ngofamily", "TargetGroup")
    FamilyCharter = apps.get_model("ngofamily", "FamilyCharter")
    WorkArea = apps.get_model("ngofamily", "WorkArea")
    for model, rows in ((FieldOfActivity, FIELDS), (TargetGroup, GROUPS)):
        for position, (name, name_en, slug) in enumerate(rows):
            model.objects.update_or_create(
                slug=slug, defaults={"name": name, "name_en": name_en, "position": position}
            )
    if not FamilyCharter.objects.exists():
        FamilyCharter.objects.create(title="Харта на фамилията НПО", text=CHARTER)
    for position, (name, description) in enumerate(AREAS):
        WorkArea.objects.get_or_create(
            name=name,
            defaults={
                "description": description,
                "position": position,
                "slug": ["partnyorstva", "zastapnichestvo", "politiki"][position],
            },
        )
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS ngofamily_org_search_trgm ON ngofamily_organisation "
            "USING gin (search_key gin_trgm_ops)"
        )


def unseed(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS ngofamily_org_search_trgm")


class Migration(migrations.Migration):
    dependencies = [("ngofamily", "0001_catalogue_and_family")]

    operations = [migrations.RunPython(seed, unseed)]

