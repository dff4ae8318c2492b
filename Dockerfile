# Kuntur's production image (docs/operations.md): the package and its dependencies, run as
# an unprivileged user; configuration from the environment, secrets from mounted files.
# Pinned base image: a new Python patch release is a deliberate change, not a surprise.
FROM python:3.11.7-slim-bookworm AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY src ./src
RUN pip install --no-cache-dir --prefix=/install .

FROM python:3.11.7-slim-bookworm
RUN groupadd --system --gid 10001 kuntur \
 && useradd --system --uid 10001 --gid kuntur --home-dir /var/lib/kuntur --create-home kuntur
COPY --from=build /install /usr/local
ENV KUNTUR_ENVIRONMENT=production \
    KUNTUR_VAR_DIR=/var/lib/kuntur \
    KUNTUR_LOG_FORMAT=json \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1
USER kuntur
WORKDIR /var/lib/kuntur
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --retries=3 \
  CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/health/live', timeout=2).status != 200)"
CMD ["kuntur", "serve", "--host", "0.0.0.0", "--port", "8000"]
