# Kuntur's production image (docs/operations.md): the package and its dependencies in a
# virtual environment, run as an unprivileged user; configuration from the environment,
# secrets from mounted files.
#
# Pinned base image: a new Python patch release is a deliberate change, not a surprise.
# BASE_IMAGE can name a mirror of it, or the image deploy/base-image.sh builds from a
# Debian mirror for a build host without Docker Hub (Python from Debian then, 3.11.2).
# The dependencies are installed at the versions in deploy/constraints.txt (the ones the
# test suite ran with), so two builds of one commit hold the same packages.
ARG BASE_IMAGE=python:3.11.7-slim-bookworm

FROM ${BASE_IMAGE} AS build
# A PyPI mirror, and the certificate of a proxy that inspects TLS (deploy/build-ca/*.crt),
# for build hosts on a closed network; neither reaches the final image.
ARG PIP_INDEX_URL=https://pypi.org/simple
ENV PIP_INDEX_URL=${PIP_INDEX_URL} PIP_CERT=/tmp/pip-ca.pem PIP_DISABLE_PIP_VERSION_CHECK=1
COPY deploy/build-ca/ /tmp/build-ca/
RUN cat /etc/ssl/certs/ca-certificates.crt /tmp/build-ca/*.crt > /tmp/pip-ca.pem 2>/dev/null \
 || cp /etc/ssl/certs/ca-certificates.crt /tmp/pip-ca.pem
WORKDIR /src
# binutils for strip, in this stage only.
RUN apt-get update && apt-get install -y --no-install-recommends binutils \
 && rm -rf /var/lib/apt/lists/* \
 && python3 -m venv /opt/kuntur
# The dependencies first, in a layer of their own: a change to Kuntur's code alone
# rebuilds only the last step.
COPY deploy/constraints.txt ./
# Symbols out of the compiled libraries that carry them (OpenDP alone: 107 MB), except
# those a wheel's repair tool rewrote (vendored under *.libs/, or with an RPATH to them):
# strip breaks those ("ELF load command address/offset not page-aligned").
# scripts/image_check.py imports and runs every compiled dependency in the image.
RUN /opt/kuntur/bin/pip install --no-cache-dir -r constraints.txt \
 && find /opt/kuntur -type f \( -name '*.so' -o -name '*.so.[0-9]*' \) | while read -r f; do \
      case "$f" in *.libs/*) continue ;; esac; \
      readelf -d "$f" 2>/dev/null | grep -q -E 'RPATH|RUNPATH' && continue; \
      strip --strip-unneeded "$f"; \
    done
COPY pyproject.toml README.md ./
COPY src ./src
RUN /opt/kuntur/bin/pip install --no-cache-dir --no-deps . \
 && /opt/kuntur/bin/pip check \
 && find /opt/kuntur -name '__pycache__' -prune -exec rm -rf {} + \
 && find /opt/kuntur -name 'tests' -path '*/site-packages/*/tests' -prune -exec rm -rf {} +

FROM ${BASE_IMAGE}
# WeasyPrint (the weekly brief as PDF) draws text with Pango; fonts for Spanish text.
# Already there in the image deploy/base-image.sh builds.
RUN if ! ldconfig -p | grep -q libpangoft2-1.0; then \
      apt-get update \
      && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 \
           fonts-dejavu-core \
      && rm -rf /var/lib/apt/lists/*; \
    fi \
 && groupadd --system --gid 10001 kuntur \
 && useradd --system --uid 10001 --gid kuntur --home-dir /var/lib/kuntur --create-home kuntur
COPY --from=build /opt/kuntur /opt/kuntur
ENV PATH=/opt/kuntur/bin:$PATH \
    KUNTUR_ENVIRONMENT=production \
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
