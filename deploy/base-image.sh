#!/bin/sh
# A base image for Kuntur's Dockerfile built from a Debian mirror alone, for a build host
# that reaches no container registry (an institution's closed network with its own Debian
# and PyPI mirrors). Debian 12 (bookworm) minbase with its Python 3.11, venv, Pango for
# the PDF brief, and the libraries the official python:3.11-slim image carries.
#
#   sudo deploy/base-image.sh [MIRROR] [TAG]
#   docker build --build-arg BASE_IMAGE=kuntur-base:bookworm -t kuntur:latest .
#
# MIRROR defaults to http://deb.debian.org/debian, TAG to kuntur-base:bookworm.
# Needs debootstrap and docker, run as root. docs/operations.md, "Without Docker Hub".
set -eu
MIRROR=${1:-http://deb.debian.org/debian}
TAG=${2:-kuntur-base:bookworm}
ROOT=$(mktemp -d)
trap 'rm -rf "$ROOT"' EXIT

debootstrap --variant=minbase \
  --include=ca-certificates,netbase,tzdata,python3,python3-venv,libpango-1.0-0,libpangoft2-1.0-0,fonts-dejavu-core,passwd \
  bookworm "$ROOT" "$MIRROR"
# What the image needs at run time only: no package lists, caches, manuals or logs.
rm -rf "$ROOT"/var/lib/apt/lists/* "$ROOT"/var/cache/apt/*.bin "$ROOT"/var/cache/apt/archives/*.deb \
  "$ROOT"/usr/share/doc/* "$ROOT"/usr/share/man/* "$ROOT"/usr/share/info/* "$ROOT"/var/log/*
tar -C "$ROOT" --numeric-owner -c . \
  | docker import --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
      --change 'ENV LANG=C.UTF-8' --change 'CMD ["python3"]' - "$TAG"
echo "built $TAG from $MIRROR"
