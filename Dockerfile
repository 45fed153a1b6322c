# Firstline's one image: web (daphne), worker and beat differ only by command (deploy/compose.yaml).
# Dependencies come from the hashed lock, installed by the same commands scripts/firstline.py runs.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1

RUN groupadd --system firstline \
 && useradd --system --gid firstline --home-dir /app --shell /usr/sbin/nologin firstline \
 && mkdir -p /var/lib/firstline /run/firstline-metrics \
 && chown firstline:firstline /var/lib/firstline /run/firstline-metrics

WORKDIR /app
COPY requirements/lock.txt requirements/lock.txt
RUN python -m pip install --quiet --upgrade pip
RUN python -m pip install --quiet --require-hashes --no-deps -r requirements/lock.txt
COPY . .
RUN python -m pip install --quiet --no-deps .
# Translations: locale/*.po compiled to .mo in Python (docs/i18n.md).
RUN python -m apps.common.catalogs compile

# Static files are collected (hashed and compressed) at build time; the values below exist only so
# the production settings load here. None of them is used at run time.
RUN DJANGO_SETTINGS_MODULE=config.settings.production \
    SECRET_KEY=build-time-only-never-used-to-sign-anything-0123456789abcdef \
    FIRSTLINE_FIELD_KEYS=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= \
    ALLOWED_HOSTS=build \
    DATABASE_URL=postgres://build@127.0.0.1:5432/build \
    REDIS_URL=redis://127.0.0.1:6379/0 \
    STATIC_ROOT=/app/static-collected \
    python manage.py collectstatic --noinput

USER firstline
ENV DJANGO_SETTINGS_MODULE=config.settings.production \
    STATIC_ROOT=/app/static-collected \
    FIRSTLINE_VAR_DIR=/var/lib/firstline
EXPOSE 8000
CMD ["daphne", "-b", "0.0.0.0", "-p", "8000", "--proxy-headers", "config.asgi:application"]
