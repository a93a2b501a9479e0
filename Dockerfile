# Production image: gunicorn behind whatever terminates TLS; static files served by whitenoise.
FROM python:3.11-slim

# The image is the production shape: production settings unless told otherwise.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DJANGO_ENV=production

# libcairo2 draws chart PNGs (cairosvg); DejaVu Sans is the font the charts ask for and is
# measured with, and has every Kyrgyz and Russian letter (ү, ө, ң).
RUN apt-get update \
    && apt-get install -y --no-install-recommends libcairo2 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md ./
COPY accountability ./accountability
COPY assessments ./assessments
RUN pip install .
COPY . .
# Hashed static files and their manifest: without them every page answers 500 in production
# ("Missing staticfiles manifest entry"). The key only lets settings load; nothing is signed.
RUN DJANGO_SECRET_KEY=build-only-not-a-secret python manage.py collectstatic --noinput \
    && mkdir -m 700 /app/previews \
    && useradd --system --home /app app && chown -R app /app
USER app

EXPOSE 8000
CMD ["sh", "-c", "python manage.py migrate --noinput && python manage.py load_study --if-missing && exec gunicorn accountability.wsgi:application --bind 0.0.0.0:${PORT:-8000} --workers ${WEB_CONCURRENCY:-3} --access-logfile -"]
