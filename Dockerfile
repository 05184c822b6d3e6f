FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# XStatic-Bootstrap builds from an sdist that needs pkg_resources: pin setuptools and build without isolation.
COPY requirements.txt .
RUN pip install --no-cache-dir 'setuptools==80.9.0' \
 && pip install --no-cache-dir --no-build-isolation -r requirements.txt

COPY . .

# Static files are collected at build time and served by WhiteNoise.
RUN SECRET_KEY=collectstatic-only DATABASE_URL=postgres://build@localhost/build \
    python manage.py collectstatic --noinput

RUN useradd --system --uid 1000 clinic && chown -R clinic /app
USER clinic

EXPOSE 8000
# gunicorn.conf.py: threaded workers sized for the cores (WEB_CONCURRENCY, THREADS), bind from PORT or BIND,
# access log with ACCESS_LOG=1. Persistent database connections come from CONN_MAX_AGE (clinic/settings.py).
CMD ["sh", "-c", "python manage.py migrate --noinput && exec gunicorn -c gunicorn.conf.py clinic.wsgi:application"]
