# One image for web (gunicorn), worker and beat (celery); see docker-compose.yml.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=eregion.settings

# WeasyPrint needs Pango; DejaVu gives every PDF Cyrillic glyphs; gettext compiles translations;
# postgresql-client (pg_dump, pg_restore, psql 15, as the postgres service) for `manage.py backup`.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b \
      postgresql-client \
      fonts-dejavu-core gettext \
 && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --uid 1000 eregion
WORKDIR /app

COPY pyproject.toml ./
RUN pip install --upgrade pip && mkdir -p eregion && pip install -e . && rm -rf eregion

COPY --chown=eregion:eregion . .
# Translations compiled and static files collected with the production settings (DEBUG=0), so
# the hashed manifest the pages need is written. The key and host only let the settings load at
# build time; they are not kept in the image (tests/eregion/test_production.py runs this line).
RUN DEBUG=0 SECRET_KEY=build-time-only ALLOWED_HOSTS=localhost python manage.py compilemessages \
 && DEBUG=0 SECRET_KEY=build-time-only ALLOWED_HOSTS=localhost python manage.py collectstatic --noinput \
 && test -f /app/var/staticfiles/staticfiles.json \
 && mkdir -p /app/var && chown -R eregion:eregion /app/var

USER eregion
EXPOSE 8000
CMD ["gunicorn", "eregion.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", \
     "--access-logfile", "-", "--timeout", "60"]
