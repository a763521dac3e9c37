"""`make backup` / `make restore`: a round trip on a scratch copy of the test database.

The scratch database is a pg_dump copy of the test database (the whole real region plus rows
this test adds); the commands run as an operator runs them, in their own process with
DATABASE_URL, MEDIA_ROOT and BACKUP_DIR; the database is dropped and the files deleted in
between, and the restore must bring back every row of every table and every file.
"""

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.conf import settings

from eregion.backup import _pg_env
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]


def conninfo(dbname: str) -> str:
    db = settings.DATABASES["default"]
    return psycopg.conninfo.make_conninfo(
        dbname=dbname,
        host=db.get("HOST") or None,
        port=db.get("PORT") or None,
        user=db.get("USER") or None,
        password=db.get("PASSWORD") or None,
    )


def database_url(dbname: str) -> str:
    db = settings.DATABASES["default"]
    auth = db.get("USER") or ""
    if db.get("PASSWORD"):
        auth += f":{db['PASSWORD']}"
    host = db.get("HOST") or ""
    if db.get("PORT"):
        host += f":{db['PORT']}"
    return f"postgres://{auth + '@' if auth else ''}{host}/{dbname}"


def admin(sql: str) -> None:
    with psycopg.connect(conninfo("postgres"), autocommit=True) as conn:
        conn.execute(sql)


def fingerprint(dbname: str) -> dict:
    """Every table's row count and a checksum of all its rows; every sequence's position."""
    result = {}
    with psycopg.connect(conninfo(dbname)) as conn:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1"
            )
        ]
        for table in tables:
            result[table] = conn.execute(
                f"SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text),"
                f" '')) FROM \"{table}\" t"
            ).fetchone()
        for (sequence,) in conn.execute(
            "SELECT sequence_name FROM information_schema.sequences "
            "WHERE sequence_schema = 'public'"
        ).fetchall():
            result[f"sequence {sequence}"] = conn.execute(
                f'SELECT last_value, is_called FROM "{sequence}"'
            ).fetchone()
    return result


def files(root: Path) -> dict:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def manage(*args, env):
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.fixture
def scratch(transactional_db):
    """A copy of the test database (with a few rows of this test) under another name."""
    UserFactory(email="backup-owner@example.org", full_name="Мария Петрова")
    name = settings.DATABASES["default"]["NAME"] + "_backup_scratch"
    admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin(f'CREATE DATABASE "{name}"')
    env = _pg_env(settings.DATABASES["default"])
    dump = subprocess.run(
        ["pg_dump", "--format=custom", settings.DATABASES["default"]["NAME"]],
        env=env, capture_output=True, check=True,
    )  # fmt: skip
    subprocess.run(["pg_restore", "--no-owner", "-d", name], input=dump.stdout, env=env,
                   check=True, capture_output=True)  # fmt: skip
    yield name
    admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_backup_restores_every_row_and_file_after_the_database_is_dropped(scratch, tmp_path):
    media = tmp_path / "media"
    (media / "ngofamily/logos").mkdir(parents=True)
    (media / "ngofamily/logos/zeleni-rodopi.png").write_bytes(os.urandom(5000))
    (media / "publications/builds/handbook").mkdir(parents=True)
    (media / "publications/builds/handbook/наръчник-1.pdf").write_bytes(b"%PDF-1.7 " * 1000)
    (media / "trainings/certificates").mkdir(parents=True)
    (media / "trainings/certificates/certificate-7.pdf").write_bytes(b"%PDF certificate")
    env = {
        **os.environ,
        "DATABASE_URL": database_url(scratch),
        "MEDIA_ROOT": str(media),
        "BACKUP_DIR": str(tmp_path / "backups"),
        "DEBUG": "1",
    }
    rows_before, files_before = fingerprint(scratch), files(media)
    assert rows_before["eregion_user"][0] > 0
    assert rows_before["directory_settlement"][0] > 1000  # the real region is in it

    folder = Path(manage("backup", env=env))
    assert folder.parent == tmp_path / "backups"
    assert sorted(p.name for p in folder.iterdir()) == [
        "database.dump", "manifest.json", "media.tar.gz"
    ]  # fmt: skip

    admin(f'DROP DATABASE "{scratch}" WITH (FORCE)')  # the disaster
    subprocess.run(["rm", "-rf", str(media)], check=True)

    out = manage("restore", str(folder), "--yes", env=env)
    assert "3 media files" in out
    assert fingerprint(scratch) == rows_before
    assert files(media) == files_before

    # a damaged backup is refused before anything is dropped
    with open(folder / "database.dump", "r+b") as dump:
        dump.seek(100)
        dump.write(b"broken")
    done = subprocess.run(
        [sys.executable, "manage.py", "restore", str(folder), "--yes"],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode != 0
    assert "damaged" in done.stderr
    assert fingerprint(scratch) == rows_before
