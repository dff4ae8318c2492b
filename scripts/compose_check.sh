#!/bin/sh
# deploy/compose.yaml brought up as the guide says (docs/operations.md, "Checked"), on a
# copy of deploy/ in a temporary folder: `sudo ./make-secrets.sh`, `docker compose up -d`,
# the first user made with `docker compose run`, then checked through the proxy. Changed
# in the copy only: the site address (localhost, Caddy's own local certificate authority,
# since no public name points here).
#
# Where Docker Hub is out of reach, the postgres and caddy images are the stand-ins of
# scripts/compose-standins (Debian's PostgreSQL 15 and Caddy 2.6, built on
# kuntur-base:bookworm), tagged with the official names for the run and untagged after;
# an image already there under the official name is used as it is. Compose v1
# (docker-compose, Debian's) needs the file without its top-level `name:`; the project is
# named with -p instead. Needs root, docker, the kuntur:latest image and ports 80, 443, 8089.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d)
TAGGED=""
if docker compose version >/dev/null 2>&1; then
  COMPOSE="docker compose -p kuntur -f compose.yaml"
else
  COMPOSE="docker-compose -p kuntur -f compose.yaml"
fi
say() { echo "$*"; }
cleanup() {
  (cd "$WORK/deploy" 2>/dev/null && $COMPOSE down -v --remove-orphans >/dev/null 2>&1) || true
  for t in $TAGGED; do docker rmi "$t" >/dev/null 2>&1 || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT
standin() {  # official name, stand-in folder
  if ! docker image inspect "$1" >/dev/null 2>&1; then
    docker build -q -t "$1" "$ROOT/scripts/compose-standins/$2" >/dev/null
    TAGGED="$TAGGED $1"
    say "stand-in  $1 (scripts/compose-standins/$2)"
  fi
}
standin postgres:15.19-bookworm postgres
standin caddy:2.8.4 caddy

cp -r "$ROOT/deploy" "$WORK/deploy"
cd "$WORK/deploy"
rm -rf secrets
sed -i 's/^comando.example.pe {/localhost {/' Caddyfile
case "$COMPOSE" in docker-compose*) sed -i '/^name: kuntur$/d' compose.yaml ;; esac

./make-secrets.sh >/dev/null
say "ok   make-secrets.sh: $(ls secrets | wc -l) files, $(stat -c '%a' secrets/* | sort -u | tr '\n' ' ')mode, owners $(stat -c '%u' secrets/* | sort -u | tr '\n' ' ')"

t0=$(date +%s)
$COMPOSE up -d --no-build >/dev/null 2>&1 || { $COMPOSE logs --tail 30; exit 1; }
for i in $(seq 1 90); do
  h1=$(docker inspect -f '{{.State.Health.Status}}' kuntur_kuntur-1_1 kuntur-kuntur-1-1 2>/dev/null | head -1 || true)
  h2=$(docker inspect -f '{{.State.Health.Status}}' kuntur_kuntur-2_1 kuntur-kuntur-2-1 2>/dev/null | head -1 || true)
  [ "$h1" = healthy ] && [ "$h2" = healthy ] && break
  sleep 2
done
[ "$h1" = healthy ] && [ "$h2" = healthy ] || { say "FAIL servers not healthy: $h1 $h2"; $COMPOSE logs --tail 20; exit 1; }
say "ok   docker compose up: migrations once, both servers healthy in $(( $(date +%s) - t0 )) s"

code=$(curl -sk -o /dev/null -w '%{http_code}' --resolve localhost:443:127.0.0.1 https://localhost/health/ready)
[ "$code" = 200 ] || { say "FAIL proxy /health/ready: $code"; $COMPOSE logs --tail 20 proxy; exit 1; }
metrics=$(curl -sk -o /dev/null -w '%{http_code}' https://localhost/metrics)
say "ok   Caddy over TLS: /health/ready $code, /metrics $metrics from outside"

password="simulacro-$(date +%s%N)"
printf '%s\n' "$password" | $COMPOSE run --rm -T migrate kuntur users create despacho \
  --agency PNP --role dispatcher --password-stdin >/dev/null
login=$(curl -sk -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
  -d "{\"username\":\"despacho\",\"password\":\"$password\"}" https://localhost/api/auth/login)
[ "$login" = 200 ] || { say "FAIL sign-in through the proxy: $login"; exit 1; }
say "ok   first user by docker compose run, signed in through the proxy ($login)"

$COMPOSE exec -T db psql -U kuntur -d kuntur -qAt -c "SELECT pg_switch_wal()" >/dev/null
sleep 3
archiver=$($COMPOSE exec -T db psql -U kuntur -d kuntur -qAt -c \
  "SELECT archived_count || ' archived, ' || failed_count || ' failed' FROM pg_stat_archiver")
case "$archiver" in *" 0 failed"*) ;; *) say "FAIL WAL archiving: $archiver"; exit 1 ;; esac
say "ok   WAL archiving for point-in-time recovery: $archiver"

$COMPOSE stop kuntur-1 >/dev/null 2>&1
ok_after=0
for i in $(seq 1 10); do
  c=$(curl -sk -o /dev/null -w '%{http_code}' https://localhost/health/ready)
  [ "$c" = 200 ] && ok_after=$((ok_after + 1))
done
[ "$ok_after" = 10 ] || { say "FAIL with kuntur-1 stopped: $ok_after of 10 answered"; exit 1; }
say "ok   kuntur-1 stopped: 10 of 10 requests answered through the proxy by kuntur-2"
say '{"compose": "deploy/compose.yaml", "result": "passed"}'
