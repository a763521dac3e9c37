"""A GIN index on the words of each structure's search key (PostgreSQL only): a query word
corrected to dictionary words is matched by array overlap, which stays a few milliseconds at
100k structures where a trigram ``LIKE`` on common words turns into a sequential scan."""

from django.db import migrations

INDEX = "directory_structure_search_words"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON directory_administrativestructure "
        "USING gin (string_to_array(btrim(search_key), ' '))"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0004_structure_slug_optional"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index),
    ]
