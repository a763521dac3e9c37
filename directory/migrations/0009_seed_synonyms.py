"""The common abbreviations and words citizens type, seeded into the staff-editable synonyms
table, and the services' search keys (their words join the search dictionary)."""

from django.db import migrations

# term, words to search instead, kind, agency, meaning, where the agency lists its offices
# fmt: off
SYNONYMS = [
    ("НАП", "", "", "nap", "Национална агенция за приходите", "https://nra.bg/wps/portal/nra/kontakti"),
    ("НОИ", "", "", "noi", "Национален осигурителен институт", "https://www.nssi.bg/za-nas/kontakti/"),
    ("Бюро по труда", "", "", "labour", "Агенция по заетостта, дирекции „Бюро по труда“", "https://www.az.government.bg/pages/kontakti/"),
    ("АЗ", "", "", "labour", "Агенция по заетостта", "https://www.az.government.bg/pages/kontakti/"),
    ("Социално подпомагане", "", "", "social", "Агенция за социално подпомагане", "https://asp.government.bg/bg/kontakti"),
    ("АСП", "", "", "social", "Агенция за социално подпомагане", "https://asp.government.bg/bg/kontakti"),
    ("СГКК", "", "", "sgkk", "Служба по геодезия, картография и кадастър", "https://www.cadastre.bg/kontakti"),
    ("кадастър", "", "", "sgkk", "Служба по геодезия, картография и кадастър", "https://www.cadastre.bg/kontakti"),
    ("МВР", "", "", "odmvr", "Министерство на вътрешните работи", ""),
    ("полиция", "", "", "odmvr", "Областна дирекция на МВР", ""),
    ("лична карта", "", "", "odmvr", "Документи за самоличност: звената на МВР", ""),
    ("паспорт", "", "", "odmvr", "Документи за самоличност: звената на МВР", ""),
    ("РЗИ", "", "", "rzi", "Регионална здравна инспекция", ""),
    ("РИОСВ", "", "", "riosv", "Регионална инспекция по околната среда и водите", ""),
    ("ОДЗ", "", "", "agriculture", "Областна дирекция „Земеделие“", ""),
    ("РУО", "", "", "ruo", "Регионално управление на образованието", ""),
    ("ТСБ", "", "", "statistics", "Териториално статистическо бюро", ""),
    ("НСИ", "", "", "statistics", "Национален статистически институт", ""),
    ("ГРАО", "гражданска регистрация", "", "", "Гражданска регистрация и административно обслужване", ""),
    ("ЕСГРАОН", "гражданска регистрация", "", "", "Единна система за гражданска регистрация", ""),
    ("адресна регистрация", "постоянен адрес", "", "", "Удостоверение за постоянен адрес", ""),
    ("настоящ адрес", "постоянен адрес", "", "", "Удостоверение за постоянен и настоящ адрес", ""),
    ("общинска администрация", "", "municipal", "", "", ""),
    # English words, so that the English pages find what the Bulgarian ones do.
    ("municipality", "община", "", "", "", ""),
    ("municipal", "община", "", "", "", ""),
    ("mayoralty", "кметство", "", "", "", ""),
    ("mayor", "кметство", "", "", "", ""),
    ("court", "съд", "", "", "", ""),
    ("district court", "районен съд", "", "", "", ""),
    ("regional court", "окръжен съд", "", "", "", ""),
    ("administrative court", "административен съд", "", "", "", ""),
    ("appeal court", "апелативен съд", "", "", "", ""),
    ("court of appeal", "апелативен съд", "", "", "", ""),
    ("regional administration", "областна администрация", "", "", "", ""),
    ("administration", "администрация", "", "", "", ""),
    ("police", "", "", "odmvr", "", ""),
    ("certificate", "удостоверение", "", "", "", ""),
    ("permanent address", "постоянен адрес", "", "", "", ""),
    ("address registration", "постоянен адрес", "", "", "", ""),
    ("heirs", "наследници", "", "", "", ""),
    ("birth certificate", "удостоверение раждане", "", "", "", ""),
    ("marital status", "семейно положение", "", "", "", ""),
    ("civil registration", "гражданска регистрация", "", "", "", ""),
    ("tax", "", "", "nap", "", "https://nra.bg/wps/portal/nra/kontakti"),
    ("pension", "", "", "noi", "", "https://www.nssi.bg/za-nas/kontakti/"),
    ("health inspectorate", "", "", "rzi", "", ""),
    ("environment", "", "", "riosv", "", ""),
    ("agriculture", "", "", "agriculture", "", ""),
    ("education", "", "", "ruo", "", ""),
    ("statistics", "", "", "statistics", "", ""),
    ("forestry", "", "", "forests", "", ""),
]
# fmt: on

def seed(apps, schema_editor):
    from eregion.text import fold, search_key, transliterate

    Synonym = apps.get_model("directory", "Synonym")
    for term, words, kind, agency, meaning, website in SYNONYMS:
        Synonym.objects.get_or_create(
            term=term,
            words=words,
            kind=kind,
            agency=agency,
            defaults={
                "meaning": meaning,
                "website": website,
                "key": fold(term),
                "key_latin": fold(transliterate(term)),
            },
        )
    Service = apps.get_model("directory", "Service")
    SearchWord = apps.get_model("directory", "SearchWord")
    for service in Service.objects.all():
        service.search_key = f" {search_key(service.name, service.name_en)} "
        service.description_key = f" {search_key(service.description, service.description_en)} "
        service.save(update_fields=["search_key", "description_key"])
        words = (service.search_key + service.description_key).split()
        SearchWord.objects.bulk_create(
            [SearchWord(word=w[:100]) for w in set(words)],
            ignore_conflicts=True,
        )


def unseed(apps, schema_editor):
    Synonym = apps.get_model("directory", "Synonym")
    for term, words, kind, agency, _meaning, _website in SYNONYMS:
        Synonym.objects.filter(term=term, words=words, kind=kind, agency=agency).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0008_service_english_synonyms"),
    ]

    operations = [
        migrations.RunPython(seed, unseed),
    ]
