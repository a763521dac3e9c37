"""A seeded national data set for the benchmarks: the whole country's EKATTE geography, the
region's real data, then 50,000 administrative structures, 100,000 organisations and a few
hundred training sessions with their enrolments, seated in random settlements of Bulgaria.

Everything goes through the portal's own models and code paths in bulk: structures through the
loaders' ``StructureWriter`` (slugs, ``fill_derived`` search keys, phones in E.164, history,
working hours, services, the search dictionary), organisations through ``Organisation.
fill_derived`` and ``bulk_create_with_history``. Names and contacts come from pools of real
Bulgarian first names, family names and the settlements' own names. The same ``--seed`` gives
the same data. Generated rows are marked (structures' ``source_key`` ``bench:…``,
organisations' ``register_number`` ``bench-…``, users ``…@bench.invalid``) and replaced on a
re-run, so the command can be repeated.

    createdb -h 127.0.0.1 -U postgres eregion_bench   # once
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/eregion_bench \\
        .venv/bin/python bench/generate.py            # about 3-5 minutes on 2 cores
"""

import argparse
import os
import random
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)  # not bench/: bench/http.py would hide the standard library's http
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "eregion.settings")
os.environ.setdefault("DEBUG", "1")  # development settings: the command needs no SECRET_KEY

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from django.utils.text import slugify  # noqa: E402

# --- pools of real Bulgarian names --------------------------------------------------------------

MEN = """Георги Иван Димитър Николай Петър Христо Йордан Стефан Васил Тодор Александър Атанас
Илия Красимир Ангел Костадин Стоян Пламен Валентин Кирил Методий Борислав Емил Светослав Любомир
Мартин Даниел Виктор Калоян Симеон Асен Здравко Живко Огнян Румен Цветан Владимир Благой Станимир
Радослав Антон Райчо Велизар Добромир Евгени Захари Ясен Милен Теодор Генади Михаил""".split()
WOMEN = """Мария Иванка Елена Йорданка Пенка Даниела Виолета Радка Снежана Валентина Силвия
Гергана Десислава Надежда Цветелина Станка Милена Росица Галина Анелия Теодора Кристина Николета
Веселина Божидара Ралица Таня Емилия Катерина Невена Светла Калина Мариана Ваня Яна Златка
Павлина Деница Анна Антония Александра Габриела Лилия Марияна Петя Боряна Стефка
Димитрина""".split()
FAMILIES = """Иванов Георгиев Димитров Петров Николов Христов Стоянов Тодоров Илиев Василев
Атанасов Петков Ангелов Колев Йорданов Маринов Стефанов Попов Михайлов Кръстев Костов Димов
Павлов Костадинов Ненчев Желев Енчев Бонев Генчев Тончев Славов Вълчев Радев Кирилов Цветков
Александров Асенов Борисов Миленков Пеев Янков Шишков Каменов Делчев Караиванов Ботев Левски
Раковски Вазов Яворов Славейков Дончев Бакърджиев Чернев Русев Лазаров Грозев""".split()
# "Основно училище „Христо Ботев“": patrons of schools, community centres and streets.
PATRONS = [
    "Христо Ботев", "Васил Левски", "Иван Вазов", "Св. св. Кирил и Методий", "Паисий Хилендарски",
    "Отец Паисий", "Неофит Рилски", "Христо Смирненски", "Пейо Яворов", "Никола Вапцаров",
    "Елин Пелин", "Йордан Йовков", "Алеко Константинов", "Любен Каравелов", "Петко Славейков",
    "Георги Раковски", "Софроний Врачански", "Захари Стоянов", "Димчо Дебелянов",
    "Св. Климент Охридски",
    "Пробуда", "Просвета", "Светлина", "Възраждане", "Надежда", "Напредък", "Единство", "Зора",
]  # fmt: skip
THEMES = [
    "Бъдеще", "Зелени Родопи", "Наследство", "Младежки форум", "Родолюбие", "Живот без граници",
    "Шанс", "Европейски перспективи", "Гражданска инициатива", "Природа и хора", "Чиста вода",
    "Тракийско наследство", "Детски свят", "Сребърна възраст", "Равен старт", "Общност",
    "Балкански мостове", "Заедно", "Открито общество", "Здраве за всички", "Дигитално село",
    "Спорт за всички", "Млади фермери", "Занаяти и традиции", "Слънчогледи", "Доброволци",
    "Пъстра черга", "Родопска песен", "Горите на България", "Приятели на библиотеката",
]  # fmt: skip
STRUCTURE_KINDS = [
    # (name pattern, kind, agency, hours)
    ("Основно училище „{patron}“", "other", "", "office"),
    ("Средно училище „{patron}“", "other", "", "office"),
    ("Детска градина „{theme}“", "other", "", "office"),
    ("Пощенска станция {place}", "other", "", "office"),
    ("Здравна служба {place}", "other", "", "office"),
    ("Библиотека „{patron}“", "other", "", "office"),
    ("Социален патронаж {place}", "territorial", "social", "office"),
    ("Дирекция „Социално подпомагане“ {place}", "territorial", "social", "office"),
    ("Бюро по труда {place}", "territorial", "labour", "office"),
    ("Офис на НАП {place}", "territorial", "nap", "office"),
    ("Районно управление {place}", "territorial", "odmvr", "office"),
    ("Противопожарна служба {place}", "territorial", "odmvr", "office"),
    ("Горско стопанство {place}", "territorial", "forests", "office"),
    ("Общинска служба по земеделие {place}", "territorial", "agriculture", "office"),
    ("Кметство {place}", "mayoralty", "", "mayoralty"),
    ("Районен съд {place}", "court", "", "court"),
]
ORG_FORMS = [
    ("Сдружение „{theme}“", "association"),
    ("Сдружение „{theme} – {place}“", "association"),
    ("Фондация „{theme}“", "foundation"),
    ("Фондация „{first} {family}“", "foundation"),
    ("Народно читалище „{patron} – {year}“", "community_centre"),
    ("Спортен клуб „{theme}“", "association"),
    ("Пенсионерски клуб „{theme}“", "association"),
    ("Младежко сдружение „{theme}“", "association"),
]
MAIL_HOSTS = ["abv.bg", "mail.bg", "gmail.com", "dir.bg", "yahoo.com"]
BULGARIA = (41.24, 44.21, 22.36, 28.61)  # lat min/max, lon min/max


def person(rng) -> tuple[str, str]:
    family = rng.choice(FAMILIES)
    if rng.random() < 0.5:
        return rng.choice(MEN), family
    return rng.choice(WOMEN), family[:-1] + "ва" if family.endswith("в") else family + "а"


def mobile(rng) -> str:
    return f"08{rng.choice('789')}{rng.randrange(10**7):07d}"


def email_of(rng, first: str, family: str) -> str:
    from eregion.text import transliterate

    local = slugify(transliterate(f"{first}.{family}")).replace("-", ".")
    return f"{local}{rng.randrange(100)}@{rng.choice(MAIL_HOSTS)}"


def point(rng, settlement) -> tuple[Decimal, Decimal]:
    """Near the settlement's own point when it has one, else anywhere in the country."""
    six = Decimal("0.000001")
    if settlement.lat is not None:
        lat = float(settlement.lat) + rng.uniform(-0.03, 0.03)
        lon = float(settlement.lon) + rng.uniform(-0.03, 0.03)
    else:
        lat, lon = rng.uniform(*BULGARIA[:2]), rng.uniform(*BULGARIA[2:])
    return Decimal(lat).quantize(six), Decimal(lon).quantize(six)


# --- steps --------------------------------------------------------------------------------------


def load_real_data(out):
    """The national EKATTE import and every loader of the region's data (idempotent)."""
    from directory import loaders as directory_loaders
    from ngofamily import loaders as ngofamily_loaders

    call_command("migrate", "--noinput", verbosity=0)
    call_command(
        "import_ekatte", str(settings.DATA_DIR / "ekatte"), "--provinces", "all", stdout=out
    )
    for loader in (*directory_loaders.LOADERS, *ngofamily_loaders.LOADERS):
        for line in loader(settings.DATA_DIR / "region")[:1]:
            out.write(line + "\n")


def forget_generated():
    """Remove what an earlier run generated (raw deletes: no per-row signals)."""
    from directory.models import AdministrativeStructure, WorkingHours
    from eregion.models import User
    from ngofamily.models import Organisation
    from trainings.models import Enrolment, Session

    structures = AdministrativeStructure.objects.filter(source_key__startswith="bench:")
    organisations = Organisation.objects.filter(register_number__startswith="bench-")
    users = User.objects.filter(email__endswith="@bench.invalid")
    Enrolment.objects.filter(user__in=users)._raw_delete(connection.alias)
    Session.objects.filter(trainers__startswith="bench:")._raw_delete(connection.alias)
    users._raw_delete(connection.alias)
    WorkingHours.objects.filter(structure__in=structures)._raw_delete(connection.alias)
    Through = AdministrativeStructure.services.through
    Through.objects.filter(administrativestructure__in=structures)._raw_delete(connection.alias)
    AdministrativeStructure.history.filter(source_key__startswith="bench:")._raw_delete(
        connection.alias
    )
    structures._raw_delete(connection.alias)
    for through in (Organisation.fields_of_activity.through, Organisation.target_groups.through):
        through.objects.filter(organisation__in=organisations)._raw_delete(connection.alias)
    Organisation.history.filter(register_number__startswith="bench-")._raw_delete(connection.alias)
    organisations._raw_delete(connection.alias)


def generate_structures(n: int, rng, settlements, out):
    from directory.loaders import COURT, MAYORALTY, OFFICE, StructureWriter
    from directory.models import AdministrativeStructure, Service

    hours = {"office": OFFICE, "court": COURT, "mayoralty": MAYORALTY}
    services = list(Service.objects.all())
    writer = StructureWriter("generated structures", "bench:")
    started = time.perf_counter()
    for i in range(n):
        s = rng.choice(settlements)
        pattern, kind, agency, hours_kind = rng.choice(STRUCTURE_KINDS)
        first, family = person(rng)
        name = pattern.format(patron=rng.choice(PATRONS), theme=rng.choice(THEMES), place=s.name)
        if "{place}" not in pattern:
            name = f"{name} {s.name}"
        lat, lon = point(rng, s)
        values = {
            "name": name[:200],
            "kind": kind,
            "agency": agency,
            "province": s.municipality.province,
            "municipality": s.municipality,
            "settlement": s,
            "address": f"ул. „{rng.choice(PATRONS)}“ № {rng.randrange(1, 120)}",
            "postal_code": s.postal_code or f"{rng.randrange(1000, 9999)}",
            "phones": mobile(rng),
            "emails": email_of(rng, first, family),
            "head_title": "Директор",
            "head_name": f"{first} {family}",
            "lat": lat,
            "lon": lon,
        }
        provided = rng.sample(services, k=min(len(services), rng.randrange(0, 3)))
        writer.write(f"bench:{i}", values, hours[hours_kind], provided)
        if len(writer.pending) >= 5000:
            writer.flush()
    for line in writer.report():
        out.write(line + "\n")
    total = AdministrativeStructure.objects.count()
    out.write(f"  {n} structures in {time.perf_counter() - started:.0f} s ({total} in all)\n")


def generate_organisations(n: int, rng, settlements, out):
    from simple_history.utils import bulk_create_with_history

    from ngofamily.models import FieldOfActivity, Organisation, TargetGroup

    fields = list(FieldOfActivity.objects.all())
    groups = list(TargetGroup.objects.all())
    slugs = set(Organisation.objects.values_list("slug", flat=True))
    started = time.perf_counter()
    now = timezone.now()
    batch = []

    def flush():
        created = bulk_create_with_history(batch, Organisation, batch_size=1000)
        if created and created[0].pk is None:
            raise SystemExit("the database did not return keys")
        F = Organisation.fields_of_activity.through
        T = Organisation.target_groups.through
        F.objects.bulk_create(
            F(organisation_id=o.pk, fieldofactivity_id=f.pk)
            for o in batch
            for f in rng.sample(fields, k=min(len(fields), rng.randrange(1, 3)))
        )
        if groups:
            T.objects.bulk_create(
                T(organisation_id=o.pk, targetgroup_id=g.pk)
                for o in batch
                for g in rng.sample(groups, k=min(len(groups), rng.randrange(0, 3)))
            )
        batch.clear()

    for i in range(n):
        s = rng.choice(settlements)
        pattern, legal_form = rng.choice(ORG_FORMS)
        first, family = person(rng)
        name = pattern.format(
            theme=rng.choice(THEMES),
            place=s.name,
            first=first,
            family=family,
            patron=rng.choice(PATRONS),
            year=rng.randrange(1870, 2020),
        )
        status = "published" if rng.random() < 0.9 else rng.choice(["draft", "pending"])
        org = Organisation(
            name=name[:255],
            legal_form=legal_form,
            settlement=s,
            address=f"ул. „{rng.choice(PATRONS)}“ № {rng.randrange(1, 120)}",
            phones=[f"+359{mobile(rng)[1:]}"],
            emails=[email_of(rng, first, family)],
            description=f"{name} работи в {s.name} от {rng.randrange(1991, 2025)} г.",
            founded_year=rng.randrange(1991, 2025),
            status=status,
            published_at=now if status == "published" else None,
            register_number=f"bench-{i}",
        )
        org.fill_derived()  # name_latin, municipality, province, search_key
        base = slugify(org.name_latin)[:80] or "organisation"
        slug, k = f"{base}-{slugify(s.name_latin)}"[:110], 2
        while slug in slugs:
            slug, k = f"{base}-{slugify(s.name_latin)}-{k}"[:118], k + 1
        slugs.add(slug)
        org.slug = slug
        batch.append(org)
        if len(batch) >= 5000:
            flush()
    if batch:
        flush()
    total = Organisation.objects.count()
    out.write(
        f"generated organisations: {n} in {time.perf_counter() - started:.0f} s ({total} in all)\n"
    )


def generate_trainings(sessions: int, rng, settlements, out):
    """Sessions of the real courses with enrolments of generated people for generated
    organisations (the trainings' pages and results at a busy programme's size)."""
    from eregion.models import User
    from ngofamily.models import Organisation
    from trainings.models import Course, Enrolment, Session

    courses = list(Course.objects.all())
    if not courses:
        out.write("no courses: trainings skipped\n")
        return
    organisations = list(
        Organisation.objects.filter(register_number__startswith="bench-").values_list(
            "pk", flat=True
        )[:5000]
    )
    now = timezone.now()
    people = []
    for i in range(sessions * 10):
        first, family = person(rng)
        people.append(
            User(
                email=f"person{i}@bench.invalid",
                full_name=f"{first} {family}",
                email_verified=True,
                password="!",  # unusable
            )
        )
    User.objects.bulk_create(people, batch_size=2000)
    people = list(
        User.objects.filter(email__endswith="@bench.invalid").values_list("pk", flat=True)
    )
    made = []
    for _ in range(sessions):
        start = now + timedelta(days=rng.randrange(-400, 200), hours=rng.randrange(8, 12))
        s = rng.choice(settlements)
        made.append(
            Session(
                course=rng.choice(courses),
                starts_at=start,
                ends_at=start + timedelta(hours=6),
                settlement=s,
                address=f"Читалище „{rng.choice(PATRONS)}“",
                capacity=rng.choice([15, 20, 25]),
                trainers=f"bench: {' '.join(person(rng))}",
                status="completed" if start < now else "open",
            )
        )
    Session.objects.bulk_create(made)
    enrolments = []
    for session in made:
        for user in rng.sample(people, k=min(len(people), session.capacity)):
            enrolments.append(
                Enrolment(
                    session=session,
                    user_id=user,
                    organisation_id=rng.choice(organisations) if organisations else None,
                    status="confirmed",
                    attended=session.status == "completed" and rng.random() < 0.9,
                )
            )
    Enrolment.objects.bulk_create(enrolments, batch_size=2000)
    out.write(f"generated trainings: {len(made)} sessions, {len(enrolments)} enrolments\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--structures", type=int, default=50_000)
    parser.add_argument("--organisations", type=int, default=100_000)
    parser.add_argument("--sessions", type=int, default=300)
    parser.add_argument("--seed", type=int, default=19)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("set DATABASE_URL to a PostgreSQL database")
    out = sys.stdout
    rng = random.Random(args.seed)
    started = time.perf_counter()
    load_real_data(out)

    from directory.models import Settlement

    # One transaction per step: a re-run starts by removing whatever an earlier one left.
    with transaction.atomic():
        forget_generated()
    settlements = list(Settlement.objects.select_related("municipality__province"))
    with transaction.atomic():
        generate_structures(args.structures, rng, settlements, out)
    with transaction.atomic():
        generate_organisations(args.organisations, rng, settlements, out)
    with transaction.atomic():
        generate_trainings(args.sessions, rng, settlements, out)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    out.write(f"done in {time.perf_counter() - started:.0f} s\n")


if __name__ == "__main__":
    main()
