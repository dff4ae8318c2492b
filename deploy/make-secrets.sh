#!/bin/sh
# Make the secret files the compose file mounts (once, on the host that runs it). Keys are
# made by Kuntur itself (the same commands as on a plain machine); nothing is overwritten.
set -eu
cd "$(dirname "$0")"
mkdir -p secrets && chmod 700 secrets
umask 077
gen() { python3 -c 'import secrets; print(secrets.token_urlsafe(32))'; }
[ -f secrets/db_password ] || gen > secrets/db_password
[ -f secrets/kuntur_database_url ] || \
  printf 'postgresql+psycopg://kuntur:%s@db:5432/kuntur' "$(cat secrets/db_password)" > secrets/kuntur_database_url
[ -f secrets/kuntur_metrics_token ] || gen > secrets/kuntur_metrics_token
[ -f secrets/audit-signing.key ] || docker compose run --rm --no-deps -v "$PWD/secrets:/out" migrate \
  kuntur audit keygen --path /out/audit-signing.key
[ -f secrets/audit-commitment.key ] || docker compose run --rm --no-deps -v "$PWD/secrets:/out" migrate \
  kuntur audit commitment-keygen --path /out/audit-commitment.key
[ -f secrets/identity.key ] || docker compose run --rm --no-deps -v "$PWD/secrets:/out" migrate \
  kuntur users keygen --path /out/identity.key
[ -f secrets/citizens-desk.key ] || docker compose run --rm --no-deps -v "$PWD/secrets:/out" \
  -e KUNTUR_CITIZENS_DESK_KEY_PATH=/out/citizens-desk.key \
  -e KUNTUR_CITIZENS_SECRET_KEY_PATH=/out/citizens-secret.key migrate kuntur citizens keygen
echo "secrets in $(pwd)/secrets"
