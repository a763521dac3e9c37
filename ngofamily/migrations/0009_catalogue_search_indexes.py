"""Indexes for the catalogue's search at national scale (PostgreSQL only).

- A GIN index on the words of each organisation's key: a misspelt query word corrected to
  dictionary words is matched by array overlap (one index probe), where four trigram ``LIKE``
  patterns (the word alone, first, last, in the middle) each walked every organisation whose
  key has the common word ("сдружение": a third of them). The directory's migration 0005 did
  the same for structures.
- The published organisations by name and id, the catalogue's order: the list without a search
  reads its first page in that order and stops, instead of sorting a hundred thousand rows.
"""

from django.db import migrations

WORDS = "ngofamily_org_search_words"
BY_NAME = "ngofamily_org_published_name"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {WORDS} ON ngofamily_organisation "
        "USING gin (string_to_array(search_key, ' '))"
    )
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {BY_NAME} ON ngofamily_organisation (name, id) "
        "WHERE status = 'published'"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {WORDS}")
    schema_editor.execute(f"DROP INDEX IF EXISTS {BY_NAME}")


class Migration(migrations.Migration):
    dependencies = [
        ("ngofamily", "0008_catalogue_words"),
    ]

    operations = [
        migrations.RunPython(create, drop),
    ]
