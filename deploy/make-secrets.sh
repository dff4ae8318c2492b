#!/bin/sh
# Make the secret files the compose file mounts (once, as root on the host that runs it).
# Keys are made by Kuntur's image itself (the same commands as on a plain machine);
# nothing is overwritten. Compose mounts each file as it is on the host, so each belongs
# to the one container user that reads it, readable by that user alone (0400): the
# database password to PostgreSQL's (uid 999 in the postgres image), everything else to
# Kuntur's (uid 10001, the Dockerfile's). Run `make image` (or docker compose build) first.
#
#   cd deploy && sudo ./make-secrets.sh
set -eu
cd "$(dirname "$0")"
if [ "$(id -u)" != 0 ]; then
  echo "make-secrets.sh: run it as root (sudo), it gives each file to its container's user" >&2
  exit 1
fi
IMAGE=${KUNTUR_IMAGE:-kuntur:latest}
KUNTUR_UID=10001
PG_UID=999
mkdir -p secrets
chmod 711 secrets  # the containers reach their own files; nobody lists the folder
umask 077
gen() { python3 -c 'import secrets; print(secrets.token_urlsafe(32))'; }
[ -f secrets/db_password ] || gen > secrets/db_password
[ -f secrets/kuntur_database_url ] || \
  printf 'postgresql+psycopg://kuntur:%s@db:5432/kuntur' "$(cat secrets/db_password)" > secrets/kuntur_database_url
[ -f secrets/kuntur_metrics_token ] || gen > secrets/kuntur_metrics_token
keygen() {  # the image's own command, as root in the container so it may write here
  docker run --rm --user root -v "$PWD/secrets:/out" "$@"
}
[ -f secrets/audit-signing.key ] || keygen "$IMAGE" kuntur audit keygen --path /out/audit-signing.key
[ -f secrets/audit-commitment.key ] || \
  keygen "$IMAGE" kuntur audit commitment-keygen --path /out/audit-commitment.key
[ -f secrets/identity.key ] || keygen "$IMAGE" kuntur users keygen --path /out/identity.key
[ -f secrets/citizens-desk.key ] || keygen \
  -e KUNTUR_CITIZENS_DESK_KEY_PATH=/out/citizens-desk.key \
  -e KUNTUR_CITIZENS_SECRET_KEY_PATH=/out/citizens-secret.key "$IMAGE" kuntur citizens keygen
chown "$KUNTUR_UID:$KUNTUR_UID" secrets/*
chown "$PG_UID:$PG_UID" secrets/db_password
chmod 400 secrets/*
echo "secrets in $(pwd)/secrets"
