"""Backups of the portal's state: the PostgreSQL database (pg_dump's custom format) and the
uploaded and generated files (a tar of MEDIA_ROOT), side by side in one timestamped folder.

``make backup`` / ``make restore BACKUP=<folder>`` (or ``manage.py backup`` / ``restore``) run
these; README.md, "Backups", says how and what to keep.
"""

import hashlib
import json
import os
import shutil
import subprocess
import tarfile
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError

DUMP = "database.dump"
MEDIA = "media.tar.gz"
MANIFEST = "manifest.json"


def _database():
    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.postgresql":
        raise CommandError("Backups need PostgreSQL (DATABASE_URL=postgres://…).")
    return db


def _pg_env(db) -> dict:
    """libpq's environment for pg_dump/pg_restore/psql: no password on the command line."""
    env = {**os.environ}
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"),
                     ("PASSWORD", "PGPASSWORD")):  # fmt: skip
        if db.get(key):
            env[var] = str(db[key])
    return env


def _run(cmd, env, what):
    done = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise CommandError(f"{what} failed: {done.stderr.strip()[-2000:]}")
    return done


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def backup(target_dir=None) -> Path:
    """Write a new backup folder under ``target_dir`` (default BACKUP_DIR) and return it."""
    db = _database()
    root = Path(target_dir or settings.BACKUP_DIR)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    folder = root / stamp
    partial = root / f".{stamp}.partial"
    partial.mkdir(parents=True)
    try:
        env = _pg_env(db)
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges",
              f"--file={partial / DUMP}", db["NAME"]], env, "pg_dump")  # fmt: skip
        media_root = Path(settings.MEDIA_ROOT)
        files = 0
        with tarfile.open(partial / MEDIA, "w:gz") as tar:
            if media_root.is_dir():
                for path in sorted(media_root.rglob("*")):
                    if path.is_file():
                        tar.add(path, arcname=str(path.relative_to(media_root)))
                        files += 1
        manifest = {
            "created": stamp,
            "database": db["NAME"],
            "media_files": files,
            "sha256": {name: _sha256(partial / name) for name in (DUMP, MEDIA)},
        }
        (partial / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
        partial.rename(folder)  # a folder without the dot is complete
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return folder


def restore(folder) -> dict:
    """Drop and recreate the database and MEDIA_ROOT from ``folder`` (made by ``backup``).

    The files are checked against the manifest first; the database is dropped only then, and
    recreated empty, owned by the configured user, before pg_restore loads it."""
    db = _database()
    folder = Path(folder)
    manifest_path = folder / MANIFEST
    if not manifest_path.is_file():
        raise CommandError(f"{folder} is not a backup (no {MANIFEST}).")
    manifest = json.loads(manifest_path.read_text())
    for name, digest in manifest["sha256"].items():
        if _sha256(folder / name) != digest:
            raise CommandError(f"{folder / name} is damaged (checksum differs from the manifest).")

    from django.db import connections

    connections.close_all()
    env = _pg_env(db)
    name = db["NAME"]
    quoted = '"' + name.replace('"', '""') + '"'
    psql = ["psql", "--no-psqlrc", "-v", "ON_ERROR_STOP=1", "-d", "postgres", "-c"]
    _run([*psql, f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)"], env, "dropping the database")
    _run([*psql, f"CREATE DATABASE {quoted}"], env, "creating the database")
    _run(["pg_restore", "--exit-on-error", "--no-owner", "--no-privileges", "-d", name,
          str(folder / DUMP)], env, "pg_restore")  # fmt: skip

    media_root = Path(settings.MEDIA_ROOT)
    incoming = media_root.with_name(media_root.name + ".restoring")
    shutil.rmtree(incoming, ignore_errors=True)
    incoming.mkdir(parents=True)
    with tarfile.open(folder / MEDIA, "r:gz") as tar:
        tar.extractall(incoming, filter="data")
    old = media_root.with_name(media_root.name + ".before-restore")
    shutil.rmtree(old, ignore_errors=True)
    if media_root.exists():
        media_root.rename(old)
    incoming.rename(media_root)
    shutil.rmtree(old, ignore_errors=True)
    return manifest
