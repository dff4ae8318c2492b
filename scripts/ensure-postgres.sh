#!/usr/bin/env bash
# Make sure the PostgreSQL the tests use is up. With KUNTUR_TEST_POSTGRES_URL set,
# that server is the caller's business; otherwise start the local cluster if it is down.
set -euo pipefail
if [ -n "${KUNTUR_TEST_POSTGRES_URL:-}" ]; then
  exit 0
fi
if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  exit 0
fi
if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
  version=$(ls /etc/postgresql | sort -V | tail -n 1)
  echo "Starting PostgreSQL $version ..."
  pg_ctlcluster --skip-systemctl-redirect "$version" main start
  for _ in $(seq 1 30); do
    pg_isready -q -h 127.0.0.1 -p 5432 && exit 0
    sleep 1
  done
fi
echo "PostgreSQL is not running on 127.0.0.1:5432 and could not be started." >&2
echo "Start it, or set KUNTUR_TEST_POSTGRES_URL to a server the tests may use." >&2
exit 1
