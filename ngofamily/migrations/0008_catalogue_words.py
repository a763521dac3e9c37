"""The catalogue's dictionary as a table kept by triggers (PostgreSQL only; the embedded
SQLite database reads the words from the organisations in Python).

Search used to gather the distinct words of every published organisation's key in a CTE on
each query: about a second of PostgreSQL per search at 100,000 organisations. Now the words are
a table with a trigram GiST index, as the directory's ``SearchWord`` is, and statement-level
triggers with transition tables keep it exact: every insert, update (of the key or the status)
and delete, bulk or not, adds or takes away its published words in the same transaction, in
word order (so that concurrent writers lock them in the same order), and a word whose count
falls to zero is deleted. ``TRUNCATE`` of the organisations (a test flush) truncates the words
with them.
"""

from django.db import migrations, models

# The words of a key, as the search's CTE read them; a word is cut to the column's length.
_WORDS = "left(unnest(string_to_array({key}, ' ')), 100)"

FUNCTION = f"""
CREATE OR REPLACE FUNCTION ngofamily_catalogue_words() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO ngofamily_catalogueword AS c (word, organisations)
        SELECT word, count(*) FROM (
            SELECT {_WORDS.format(key="search_key")} AS word
            FROM new_rows WHERE status = 'published'
        ) w WHERE word <> '' GROUP BY word ORDER BY word
        ON CONFLICT (word) DO UPDATE SET organisations = c.organisations + EXCLUDED.organisations;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO ngofamily_catalogueword AS c (word, organisations)
        SELECT word, -count(*) FROM (
            SELECT {_WORDS.format(key="search_key")} AS word
            FROM old_rows WHERE status = 'published'
        ) w WHERE word <> '' GROUP BY word ORDER BY word
        ON CONFLICT (word) DO UPDATE SET organisations = c.organisations + EXCLUDED.organisations;
    ELSE
        INSERT INTO ngofamily_catalogueword AS c (word, organisations)
        SELECT word, sum(delta) FROM (
            SELECT {_WORDS.format(key="o.search_key")} AS word, -1 AS delta
            FROM old_rows o JOIN new_rows n ON n.id = o.id
            WHERE o.status = 'published'
              AND (o.search_key, o.status) IS DISTINCT FROM (n.search_key, n.status)
            UNION ALL
            SELECT {_WORDS.format(key="n.search_key")}, 1
            FROM old_rows o JOIN new_rows n ON n.id = o.id
            WHERE n.status = 'published'
              AND (o.search_key, o.status) IS DISTINCT FROM (n.search_key, n.status)
        ) w WHERE word <> '' GROUP BY word HAVING sum(delta) <> 0 ORDER BY word
        ON CONFLICT (word) DO UPDATE SET organisations = c.organisations + EXCLUDED.organisations;
    END IF;
    DELETE FROM ngofamily_catalogueword WHERE organisations <= 0;
    RETURN NULL;
END
$$;
"""

TRIGGERS = [
    ("INSERT", "REFERENCING NEW TABLE AS new_rows"),
    ("UPDATE", "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows"),
    ("DELETE", "REFERENCING OLD TABLE AS old_rows"),
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    execute = schema_editor.execute
    execute(
        "CREATE INDEX ngofamily_catalogueword_word_gist "
        "ON ngofamily_catalogueword USING gist (word gist_trgm_ops)"
    )
    # Words whose count fell to zero are found by this (nearly empty) index, not a scan.
    execute(
        "CREATE INDEX ngofamily_catalogueword_spent "
        "ON ngofamily_catalogueword (organisations) WHERE organisations <= 0"
    )
    execute(FUNCTION)
    for event, referencing in TRIGGERS:
        execute(
            f"CREATE TRIGGER ngofamily_catalogue_words_{event.lower()} AFTER {event} "
            f"ON ngofamily_organisation {referencing} "
            "FOR EACH STATEMENT EXECUTE FUNCTION ngofamily_catalogue_words()"
        )
    execute(
        "INSERT INTO ngofamily_catalogueword (word, organisations) "
        f"SELECT word, count(*) FROM (SELECT {_WORDS.format(key='search_key')} AS word "
        "FROM ngofamily_organisation WHERE status = 'published') w "
        "WHERE word <> '' GROUP BY word"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for event, _referencing in TRIGGERS:
        schema_editor.execute(
            f"DROP TRIGGER IF EXISTS ngofamily_catalogue_words_{event.lower()} "
            "ON ngofamily_organisation"
        )
    schema_editor.execute("DROP FUNCTION IF EXISTS ngofamily_catalogue_words()")


class Migration(migrations.Migration):
    dependencies = [
        ("ngofamily", "0007_stored_rendered_descriptions"),
    ]

    operations = [
        migrations.CreateModel(
            name="CatalogueWord",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("word", models.CharField(max_length=100, unique=True)),
                ("organisations", models.IntegerField(default=0)),
            ],
            options={
                "verbose_name": "дума от каталога",
                "verbose_name_plural": "думи от каталога",
            },
        ),
        migrations.RunPython(forwards, backwards),
    ]
