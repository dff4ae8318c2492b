"""The container image, checked the way an operator would use it (docs/operations.md).

Runs the built image (``--image``, default kuntur:latest) against the PostgreSQL on
127.0.0.1:5432 (a database of its own, made afresh) with host networking, and Caddy from
the host (``caddy`` on PATH) in front, configured from deploy/Caddyfile with only the site
address and the upstreams changed:

1. the image runs as an unprivileged user and refuses to start in production without
   its keys, saying which;
2. keys made by the image itself (as deploy/make-secrets.sh does), secrets as files under
   /run/secrets, the schema brought up by ``kuntur db upgrade``;
3. two server containers behind Caddy over TLS, both ready (``/health/ready``);
4. 20 clients writing incidents through the proxy for 8 s; one container killed
   (``docker kill``, SIGKILL) at 3 s: every acknowledged write stored, none twice, and a
   live screen through the proxy hears incidents after the kill;
5. inside the image: the weekly brief's PDF engine (WeasyPrint on Pango), a verified
   backup of the store, and ``kuntur audit verify``.

Prints one line per check and exits 1 at the first failure. Needs docker, caddy and the
project's .venv (httpx2, SQLAlchemy, psycopg). Usage:

    .venv/bin/python scripts/image_check.py [--image kuntur:latest] [--keep]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import NoReturn

import httpx2 as httpx
import yaml  # type: ignore[import-untyped]
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the burst of writes tests/ops/test_failover.py uses too
from tests.ops.burst import WriteBurst  # noqa: E402 - after the path it needs

PG = "postgresql+psycopg://postgres@127.0.0.1:5432"
DB = "kuntur_image_check"
PORTS = (18101, 18102)
PROXY_PORT = 18443


def ok(label: str, detail: str = "") -> None:
    print(f"ok   {label}" + (f": {detail}" if detail else ""), flush=True)


def fail(label: str, detail: str) -> NoReturn:
    print(f"FAIL {label}: {detail}", flush=True)
    raise SystemExit(1)


def serve_args(port: int) -> list[str]:
    """`kuntur serve` on this port of the host's loopback (host networking)."""
    return ["kuntur", "serve", "--host", "127.0.0.1", "--port", str(port)]


def sh(
    *args: str, check: bool = True, timeout: float = 300, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    # The drill's own fixed commands (docker, caddy), no outside input.
    p = subprocess.run(args, capture_output=True, text=True, timeout=timeout, input=stdin)  # noqa: S603
    if check and p.returncode != 0:
        fail(" ".join(args[:6]), (p.stderr or p.stdout)[-800:])
    return p


class Drill:
    def __init__(self, image: str, work: Path) -> None:
        self.image = image
        self.work = work
        self.secrets = work / "secrets"
        self.out = work / "out"
        self.containers: list[str] = []
        self.caddy: subprocess.Popen[bytes] | None = None
        self.db_url = f"{PG}/{DB}"
        self.compose = yaml.safe_load((ROOT / "deploy" / "compose.yaml").read_text())

    # -- helpers ---------------------------------------------------------------
    def env_args(self) -> list[str]:
        """The Kuntur containers' settings and secrets exactly as deploy/compose.yaml
        gives them: its environment, each secret file mounted at /run/secrets/NAME."""
        args = ["--network", "host", "-v", f"{self.out}:/out"]
        for k, v in self.compose["x-kuntur"]["environment"].items():
            args += ["-e", f"{k}={v}"]
        for name in self.compose["x-kuntur"]["secrets"]:
            host_file = self.secrets / Path(self.compose["secrets"][name]["file"]).name
            args += ["-v", f"{host_file}:/run/secrets/{name}:ro"]
        return args

    def run(self, *cmd: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return sh("docker", "run", "--rm", *self.env_args(), self.image, *cmd, check=check)

    # -- the checks ------------------------------------------------------------
    def unprivileged(self) -> None:
        uid = sh("docker", "run", "--rm", self.image, "id", "-u").stdout.strip()
        if uid == "0":
            fail("unprivileged user", "the image runs as root")
        size = sh("docker", "image", "inspect", self.image, "--format", "{{.Size}}").stdout
        ok("unprivileged user", f"uid {uid}; image {int(size) / 1e6:,.0f} MB")

    def refuses_unsafe_production(self) -> None:
        """The schema is there but no key is: the server must refuse, naming one."""
        p = sh(
            "docker",
            "run",
            "--rm",
            "--network",
            "host",
            "-e",
            f"KUNTUR_DATABASE_URL={self.db_url}",
            self.image,
            *serve_args(PORTS[0]),
            check=False,
            timeout=120,
        )
        said = " ".join((p.stdout + p.stderr).split())
        if p.returncode == 0 or "keygen" not in said or "Traceback" in said:
            fail("production without keys", f"exit {p.returncode}: {said[-300:]}")
        ok("production without keys refused", f"exit {p.returncode}, {said[:150]}")

    def keys_and_schema(self) -> None:
        self.secrets.mkdir(mode=0o700)
        self.out.mkdir()
        os.chmod(self.out, 0o777)  # noqa: S103 - the image's user 10001 writes its keys and backup here
        engine = create_engine(f"{PG}/postgres", isolation_level="AUTOCOMMIT")
        with engine.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)'))
            c.execute(text(f'CREATE DATABASE "{DB}"'))
        engine.dispose()
        (self.secrets / "kuntur_database_url").write_text(self.db_url)
        # The secret files under the names deploy/compose.yaml mounts (as make-secrets.sh
        # makes them), each key made by the image itself.
        (self.secrets / "kuntur_metrics_token").write_text(uuid.uuid4().hex)
        for cmd in (
            ["kuntur", "audit", "keygen", "--path", "/out/audit-signing.key"],
            ["kuntur", "audit", "commitment-keygen", "--path", "/out/audit-commitment.key"],
            ["kuntur", "users", "keygen", "--path", "/out/identity.key"],
        ):
            sh("docker", "run", "--rm", "-v", f"{self.out}:/out", self.image, *cmd)
        sh(
            "docker",
            "run",
            "--rm",
            "-v",
            f"{self.out}:/out",
            "-e",
            "KUNTUR_CITIZENS_DESK_KEY_PATH=/out/citizens-desk.key",
            "-e",
            "KUNTUR_CITIZENS_SECRET_KEY_PATH=/out/citizens-secret.key",
            self.image,
            "kuntur",
            "citizens",
            "keygen",
        )
        for f in self.out.iterdir():
            shutil.copy(f, self.secrets / f.name)
            f.unlink()
        for f in self.secrets.iterdir():  # as make-secrets.sh leaves them: the reader's, 0400
            os.chown(f, 10001, 10001)
            os.chmod(f, 0o400)
        os.chmod(self.secrets, 0o711)  # noqa: S103 - traversal only, as make-secrets.sh
        t0 = time.perf_counter()
        self.run("kuntur", "db", "upgrade")
        ok("keys made by the image, schema upgraded", f"{time.perf_counter() - t0:.1f} s")

    def dispatcher_password(self) -> str:
        """A person at a screen: a dispatcher who signs in (the live map is theirs)."""
        password = "simulacro-" + uuid.uuid4().hex
        sh(
            "docker",
            "run",
            "--rm",
            "-i",
            *self.env_args(),
            self.image,
            "kuntur",
            "users",
            "create",
            "despacho",
            "--agency",
            "PNP",
            "--role",
            "dispatcher",
            "--password-stdin",
            stdin=password + "\n",
        )
        return password

    def token(self) -> str:
        self.run(
            "kuntur",
            "users",
            "service-account",
            "simulacro",
            "--agency",
            "PNP",
            "--role",
            "dispatcher",
        )
        p = self.run(
            "kuntur", "users", "service-token", "simulacro", "--scope", "eido:write", "--days", "1"
        )
        m = re.search(r"\b([A-Za-z0-9_\-]{32,})\b", p.stdout)
        if not m:
            fail("service token", p.stdout[-300:])
        return m.group(1)

    def start_servers(self) -> None:
        for i, port in enumerate(PORTS):
            name = f"kuntur-check-{i + 1}"
            sh("docker", "rm", "-f", name, check=False)
            sh(
                "docker",
                "run",
                "-d",
                "--name",
                name,
                *self.env_args(),
                self.image,
                *serve_args(port),
            )
            self.containers.append(name)
        deadline = time.time() + 90
        for port in PORTS:
            while True:
                with contextlib.suppress(httpx.TransportError):
                    r = httpx.get(f"http://127.0.0.1:{port}/health/ready", timeout=3)
                    if r.status_code == 200:
                        break
                if time.time() > deadline:
                    logs = sh("docker", "logs", "--tail", "20", self.containers[-1], check=False)
                    fail("servers ready", (logs.stdout + logs.stderr)[-800:])
                time.sleep(1)
        ok("two server containers ready", ", ".join(f"127.0.0.1:{p}" for p in PORTS))

    def start_proxy(self) -> str:
        conf = (ROOT / "deploy" / "Caddyfile").read_text()
        conf = conf.replace(
            "comando.example.pe {", f"https://127.0.0.1:{PROXY_PORT} {{\n\ttls internal"
        )
        conf = conf.replace(
            "kuntur-1:8000 kuntur-2:8000", " ".join(f"127.0.0.1:{p}" for p in PORTS)
        )
        conf = "{\n\tadmin off\n\tauto_https disable_redirects\n\tskip_install_trust\n}\n" + conf
        path = self.work / "Caddyfile"
        path.write_text(conf)
        sh("caddy", "validate", "--config", str(path), "--adapter", "caddyfile")
        env = {
            **os.environ,
            "XDG_DATA_HOME": str(self.work / "caddy-data"),
            "XDG_CONFIG_HOME": str(self.work / "caddy-config"),
        }
        caddy = ["caddy", "run", "--config", str(path), "--adapter", "caddyfile"]
        self.caddy = subprocess.Popen(  # noqa: S603
            caddy,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        base = f"https://127.0.0.1:{PROXY_PORT}"
        deadline = time.time() + 30
        while time.time() < deadline:
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(f"{base}/health/ready", verify=False, timeout=3).status_code == 200:
                    ok("Caddy in front, TLS", base)
                    return base
            time.sleep(0.5)
        fail("proxy", "Caddy did not answer")

    def failover(self, base: str, token: str, password: str) -> None:
        headers = {"Authorization": f"Bearer {token}"}
        run = uuid.uuid4().hex[:6]
        burst = WriteBurst(base, headers, f"imagen-{run}", verify=False)
        stop = burst.stop
        events: list[float] = []

        def screen() -> None:
            deadline = stop + 6
            while time.monotonic() < deadline:
                try:
                    with httpx.Client(base_url=base, verify=False, timeout=3) as c:
                        r = c.post(
                            "/api/auth/login", json={"username": "despacho", "password": password}
                        )
                        r.raise_for_status()
                        with c.stream("GET", "/api/dispatch/live") as live:
                            for line in live.iter_lines():
                                if line.startswith("data: ") and '"incident"' in line:
                                    events.append(time.monotonic())
                                if time.monotonic() > deadline:
                                    return
                except (httpx.TransportError, httpx.HTTPError):
                    time.sleep(0.3)  # sign in again and reconnect, as the page does

        watcher = threading.Thread(target=screen, daemon=True)
        watcher.start()
        burst.start()
        time.sleep(3.0)
        sh("docker", "kill", "--signal", "KILL", self.containers[0])
        killed = time.monotonic()
        burst.join(timeout=40)
        watcher.join(timeout=15)
        acknowledged = burst.acknowledged
        engine = create_engine(self.db_url)
        with engine.connect() as c:
            rows = c.execute(
                text(
                    "SELECT external_id, count(*) FROM incidents WHERE external_id LIKE :p "
                    "GROUP BY external_id"
                ),
                {"p": f"imagen-{run}-%"},
            ).all()
        engine.dispose()
        stored = {e: n for e, n in rows}
        missing = acknowledged - set(stored)
        doubled = [e for e, n in stored.items() if n > 1]
        heard = sum(1 for e in events if e > killed + 1)
        figures = (
            f"{len(acknowledged)} acknowledged, {len(stored)} stored, {len(missing)} "
            f"missing, {len(doubled)} doubled; the live screen heard {len(events)} "
            f"incidents, {heard} after the kill"
        )
        if len(acknowledged) < 50 or missing or doubled or not heard:
            fail("container killed mid-burst", figures)
        ok("container killed mid-burst", figures)

    def metrics(self, base: str) -> None:
        """Prometheus scrapes each server directly, with the token from the secret file;
        the proxy does not let /metrics out."""
        token = (self.secrets / "kuntur_metrics_token").read_text().strip()
        survivor = f"http://127.0.0.1:{PORTS[1]}/metrics"
        outside = httpx.get(f"{base}/metrics", verify=False, timeout=5).status_code
        anonymous = httpx.get(survivor, timeout=5).status_code
        r = httpx.get(survivor, headers={"Authorization": f"Bearer {token}"}, timeout=5)
        posts = sum(
            float(line.rsplit(" ", 1)[1])
            for line in r.text.splitlines()
            if line.startswith("kuntur_http_requests_total{") and 'method="POST"' in line
        )
        if outside != 404 or anonymous == 200 or r.status_code != 200 or posts < 1:
            fail(
                "metrics",
                f"proxy {outside}, no token {anonymous}, token {r.status_code}, "
                f"{posts:.0f} POSTs counted",
            )
        ok(
            "metrics",
            f"not through the proxy ({outside}), refused without the token "
            f"({anonymous}), {posts:.0f} POSTs counted by the surviving server",
        )

    def compiled_dependencies(self) -> None:
        """Every compiled dependency imported and used once in the image (their libraries
        are stripped at build time: a broken one shows here, not in production)."""
        probe = (
            "import numpy, scipy.optimize, pandas, pyarrow.csv, io, numba, shapely, h3, pyproj,"
            " pyogrio, igraph, highspy, opendp.prelude as dp, nacl.public, argon2, rapidfuzz,"
            " PIL.Image, cryptography.hazmat.primitives.asymmetric.ed25519 as ed, psycopg,"
            " uvloop, httptools, pydantic_core, tzfpy\n"
            "f = numba.njit(lambda n: sum(range(n)))\n"
            "assert f(10) == 45\n"
            "assert abs(scipy.optimize.brentq(lambda x: x * x - 2, 0, 2) - 2 ** 0.5) < 1e-9\n"
            "t = pyarrow.csv.read_csv(io.BytesIO(b'a,b\\n1,2\\n'))\n"
            "assert t.num_rows == 1 and len(pandas.DataFrame({'a': [1]})) == 1\n"
            "assert shapely.Point(0, 0).buffer(1).area > 3\n"
            "assert h3.latlng_to_cell(-12.05, -77.03, 9)\n"
            "x, y = pyproj.Transformer.from_crs(4326, 32718, always_xy=True)"
            ".transform(-77.03, -12.05)\n"
            "assert 'GPKG' in pyogrio.list_drivers()\n"
            "assert igraph.Graph.Ring(5).diameter() == 2\n"
            "h = highspy.Highs()\n"
            "dp.enable_features('contrib')\n"
            "m = dp.m.make_laplace(dp.atom_domain(T=int), dp.absolute_distance(T=int), 1.0)\n"
            "assert isinstance(m(5), int)\n"
            "k = nacl.public.PrivateKey.generate()\n"
            "assert argon2.PasswordHasher().hash('x')\n"
            "assert rapidfuzz.fuzz.ratio('kuntur', 'kuntor') > 80\n"
            "PIL.Image.new('RGB', (2, 2)).tobytes()\n"
            "ed.Ed25519PrivateKey.generate().sign(b'x')\n"
            "assert psycopg.pq.__impl__ == 'binary', psycopg.pq.__impl__\n"
            "assert tzfpy.get_tz(-77.03, -12.05) == 'America/Lima'\n"
            "print('23 libraries')\n"
        )
        p = self.run("python", "-c", probe, check=False)
        if p.returncode != 0:
            fail("compiled dependencies", (p.stderr or p.stdout)[-600:])
        ok("compiled dependencies in the image", p.stdout.strip().splitlines()[-1])

    def inside(self) -> None:
        p = self.run(
            "python",
            "-c",
            "import weasyprint,sys; d=weasyprint.HTML(string='<h1>Balance semanal: "
            "señales, años</h1>').write_pdf(); sys.stdout.write(str(len(d)) + ' '"
            " + d[:5].decode())",
        )
        if "%PDF" not in p.stdout:
            fail("PDF engine", p.stdout + p.stderr[-300:])
        ok("PDF engine in the image", f"{p.stdout.split()[0]} bytes")
        p = self.run("kuntur", "backup", "/out/check.kbk")
        ok("backup inside the image", (p.stdout.strip().splitlines() or ["?"])[-1][:160])
        p = self.run("kuntur", "audit", "verify")
        ok("audit verify inside the image", " ".join((p.stdout + p.stderr).split())[:160])

    def close(self) -> None:
        for name in self.containers:
            sh("docker", "rm", "-f", name, check=False)
        if self.caddy is not None:
            self.caddy.send_signal(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.caddy.wait(timeout=10)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--image", default="kuntur:latest")
    ap.add_argument("--keep", action="store_true", help="leave the work folder for a look")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="kuntur-image-"))
    drill = Drill(args.image, work)
    try:
        drill.unprivileged()
        drill.keys_and_schema()
        drill.refuses_unsafe_production()
        token = drill.token()
        password = drill.dispatcher_password()
        drill.start_servers()
        base = drill.start_proxy()
        drill.failover(base, token, password)
        drill.metrics(base)
        drill.compiled_dependencies()
        drill.inside()
    finally:
        drill.close()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print(json.dumps({"image": args.image, "result": "passed"}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
