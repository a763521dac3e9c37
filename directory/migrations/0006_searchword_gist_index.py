"""The dictionary of search words gets a trigram GiST index instead of the GIN one (PostgreSQL
only): the nearest words of a misspelt query word come from a k-nearest-neighbour index scan
(``ORDER BY word <-> q``) in under a millisecond, where the planner took the GIN index for too
dear and compared the word with the whole dictionary."""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS directory_searchword_word_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS directory_searchword_word_gist "
        "ON directory_searchword USING gist (word gist_trgm_ops)"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS directory_searchword_word_gist")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS directory_searchword_word_trgm "
        "ON directory_searchword USING gin (word gin_trgm_ops)"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0005_structure_search_words_index"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
