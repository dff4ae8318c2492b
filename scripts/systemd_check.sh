#!/bin/sh
# The guide's "Without containers (systemd)" block (docs/operations.md), run as written on
# a clean Debian 12 with systemd, then checked. The machine is a container booting systemd
# (Debian minbase from kuntur-base:bookworm, deploy/base-image.sh, with systemd, sudo and
# curl added: what a fresh server has); the block is taken from the guide itself, with
# SERVER_NAME set to localhost (Caddy's own local certificate authority then).
#
# Only the build host's network is added: when pip here trusts a TLS-inspecting proxy
# (PIP_CERT), that certificate bundle is given to pip in the machine too. Needs root,
# docker with cgroup v1 or v2, and kuntur-base:bookworm.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
NAME=kuntur-systemd-check
say() { echo "$*"; }
cleanup() { [ -n "${KEEP:-}" ] || docker rm -f "$NAME" >/dev/null 2>&1 || true; }
trap cleanup EXIT
docker rm -f "$NAME" >/dev/null 2>&1 || true

tmp=$(mktemp -d)
cat > "$tmp/Dockerfile" <<'EOF'
FROM kuntur-base:bookworm
RUN apt-get update && apt-get install -y --no-install-recommends systemd systemd-sysv sudo \
      curl procps && rm -rf /var/lib/apt/lists/*
CMD ["/lib/systemd/systemd"]
EOF
docker build -q -t kuntur-systemd-machine "$tmp" >/dev/null
rm -rf "$tmp"
docker run -d --name "$NAME" --cap-add SYS_ADMIN --tmpfs /run --tmpfs /run/lock \
  -v /sys/fs/cgroup:/sys/fs/cgroup:rw --cgroupns=host kuntur-systemd-machine >/dev/null
for i in $(seq 1 30); do
  state=$(docker exec "$NAME" systemctl is-system-running 2>/dev/null || true)
  case "$state" in running|degraded) break ;; esac
  sleep 1
done
say "ok   machine: systemd $state"

# The source folder, as an operator would have it (the working tree's tracked files).
docker exec "$NAME" mkdir -p /src/kuntur
(cd "$ROOT" && git ls-files -z | tar --null -T - -c) | docker exec -i "$NAME" tar -x -C /src/kuntur
if [ -n "${PIP_CERT:-}" ] && [ -f "$PIP_CERT" ]; then
  docker cp "$PIP_CERT" "$NAME:/etc/pip-ca.pem"
  docker exec "$NAME" sh -c 'printf "[global]\ncert = /etc/pip-ca.pem\n" > /etc/pip.conf'
fi

block=$(awk '/<!-- systemd-guide/{f=1; next} f && /^```bash/{g=1; next} g && /^```/{exit} g' \
  "$ROOT/docs/operations.md" | sed 's/^SERVER_NAME=.*/SERVER_NAME=localhost/')
[ -n "$block" ] || { say "FAIL the guide's block was not found"; exit 1; }
t0=$(date +%s)
docker exec -w /src/kuntur "$NAME" bash -euo pipefail -c "$block" >/tmp/systemd-guide.log 2>&1 \
  || { say "FAIL the guide's block (log: /tmp/systemd-guide.log)"; tail -20 /tmp/systemd-guide.log; exit 1; }
say "ok   the guide's block ran as written in $(( $(date +%s) - t0 )) s"

in_machine() { docker exec "$NAME" sh -c "$1"; }
for i in $(seq 1 60); do
  code=$(in_machine "curl -sk -o /dev/null -w '%{http_code}' https://localhost/health/ready" || true)
  [ "$code" = 200 ] && break
  sleep 2
done
active=$(in_machine "systemctl is-active kuntur@8001 kuntur@8002 kuntur-tak caddy kuntur-backup.timer kuntur-purge.timer | tr '\n' ' '")
case "$active" in *inactive*|*failed*|*activating*)
  say "FAIL units: $active"; in_machine "journalctl -n 30 --no-pager"; exit 1 ;; esac
[ "$code" = 200 ] || { say "FAIL through Caddy: /health/ready $code"; exit 1; }
say "ok   units active ($active), /health/ready through Caddy over TLS: $code"

password="simulacro-$(date +%s%N)"
in_machine "printf '%s\n' '$password' | kuntur-admin users create despacho --agency PNP --role dispatcher --password-stdin" >/dev/null
login=$(in_machine "curl -sk -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' -d '{\"username\":\"despacho\",\"password\":\"$password\"}' https://localhost/api/auth/login")
[ "$login" = 200 ] || { say "FAIL sign-in through Caddy: $login"; exit 1; }
say "ok   a user made with kuntur-admin signs in through Caddy ($login)"

in_machine "systemctl start kuntur-backup.service"
backups=$(in_machine "ls /var/backups/kuntur | wc -l")
verify=$(in_machine "kuntur-admin audit verify 2>&1" | tr "\n" " ")
[ "$backups" -ge 1 ] || { say "FAIL the backup unit wrote nothing"; exit 1; }
case "$verify" in *INTACT*) ;; *) say "FAIL audit verify: $verify"; exit 1 ;; esac
say "ok   kuntur-backup.service wrote $backups backup; kuntur-admin audit verify: ${verify%%,*}"

in_machine "systemctl stop kuntur@8001"
answered=0
for i in $(seq 1 10); do
  c=$(in_machine "curl -sk -o /dev/null -w '%{http_code}' https://localhost/health/ready")
  [ "$c" = 200 ] && answered=$((answered + 1))
done
[ "$answered" = 10 ] || { say "FAIL with kuntur@8001 stopped: $answered of 10"; exit 1; }
say "ok   kuntur@8001 stopped: 10 of 10 requests answered through Caddy by kuntur@8002"
say '{"guide": "docs/operations.md#without-containers-systemd", "result": "passed"}'
