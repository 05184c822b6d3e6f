"""`make bench`: the app served as production serves it, measured over HTTP from another process.

1. The scaled database (BENCH_DB, default clinic_scale) is migrated and seeded with
   `seed_scale --patients $BENCH_PATIENTS` (the command returns at once when already seeded).
2. gunicorn starts with gunicorn.conf.py and production settings (DEBUG off) on a free port,
   serving benchmarks.urls: the app plus the reference view.
3. Every account signs in once (two-factor included), before any measurement.
4. locust runs the mixed day (40 front desk, 25 practitioners, 5 clinic admins, 1–3 s think time)
   for BENCH_MIXED_SECONDS, then saturates each page alone for BENCH_SATURATION_SECONDS.
5. Results go to benchmarks/results/<label>.json and to the <label> section of docs/benchmarks.md.

Environment: BENCH_DB, BENCH_PATIENTS (100000), BENCH_MIXED_SECONDS (180), BENCH_SATURATION_SECONDS (20),
BENCH_SATURATION_USERS (16), BENCH_PAGES (comma-separated subset of the saturation pass, or "none"),
BENCH_LABEL (after; or before), BENCH_APP_DIR (a checkout to serve instead of this one),
BENCH_SKIP_SEED=1, DATABASE_URL (the server; its database name is replaced by BENCH_DB).
"""

import csv
import hashlib
import hmac
import http.cookiejar
import json
import os
import platform
import re
import secrets
import shlex
import signal
import socket
import struct
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from zoneinfo import ZoneInfo

import psycopg2

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import fixtures as bench_fixtures  # noqa: E402  (after the path is set)

RESULTS = ROOT / "benchmarks" / "results"
DOC = ROOT / "docs" / "benchmarks.md"
LOCUSTFILE = ROOT / "benchmarks" / "locustfile.py"
LOCUST = Path(os.environ.get("BENCH_LOCUST", ROOT / ".venv" / "bench" / "bin" / "locust"))

# Targets from issue 12: p95 in milliseconds in the mixed run, and the saturation ratio to the reference view.
P95_TARGETS = {
    **dict.fromkeys(
        [
            "name search (common)",
            "name search (rare)",
            "MRN search",
            "chart (front desk)",
            "chart (clinician)",
            "day sheet",
            "registration form",
            "registration [POST]",
            "booking form",
            "booking [POST]",
        ],
        100,
    ),
    **dict.fromkeys(["session form", "session save [POST]", "session record"], 150),
    **dict.fromkeys(
        [
            "outcomes",
            "outcomes (one approach)",
            "plans behind a figure",
            "outcomes CSV",
            "plans CSV",
            "adverse events",
            "review queue",
        ],
        300,
    ),
}
RATIO_TARGETS = {"day sheet": 0.20}
DEFAULT_RATIO_TARGET = 0.40
SATURATION_ORDER = [
    "reference",
    "name search (common)",
    "name search (rare)",
    "MRN search",
    "chart (front desk)",
    "registration form",
    "booking form",
    "day sheet",
    "my schedule",
    "chart (clinician)",
    "plan progress",
    "session record",
    "session form",
    "review queue",
    "adverse events",
    "plans behind a figure",
    "outcomes (one approach)",
    "outcomes",
    "outcomes CSV",
    "plans CSV",
]
ROLE_OF_PAGE = {
    **dict.fromkeys(SATURATION_ORDER[:8], "front_desk"),
    **dict.fromkeys(SATURATION_ORDER[8:13], "practitioner"),
    **dict.fromkeys(SATURATION_ORDER[13:], "clinic_admin"),
}
MIX = {"front_desk": 40, "practitioner": 25, "clinic_admin": 5}


def say(message: str) -> None:
    print(f"[bench] {message}", flush=True)


def setting(name: str, default: str) -> str:
    return os.environ.get(name, "").strip() or default


# --- the database ---------------------------------------------------------------------------


def database_url() -> str:
    server = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/clinic")
    return urllib.parse.urlunparse(
        urllib.parse.urlparse(server)._replace(path="/" + setting("BENCH_DB", "clinic_scale"))
    )


def manage(*args: str, url: str, cwd: Path = ROOT, extra: dict | None = None) -> None:
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "1", **(extra or {})}
    subprocess.run([sys.executable, "manage.py", *args], cwd=cwd, env=env, check=True)  # noqa: S603


def ensure_scaled_database(url: str) -> None:
    maintenance = urllib.parse.urlunparse(urllib.parse.urlparse(url)._replace(path="/postgres"))
    name = urllib.parse.urlparse(url).path.lstrip("/")
    connection = psycopg2.connect(maintenance)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            say(f"creating database {name}")
            cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()
    if os.environ.get("BENCH_SKIP_SEED") == "1":
        return
    manage("migrate", "--noinput", "-v0", url=url)
    patients = int(setting("BENCH_PATIENTS", "100000"))
    seeded = last_seed(url)
    if seeded and seeded[0] == patients:
        # seed_scale refuses a database holding patients it did not make, and earlier runs registered some.
        say(f"{name} holds seed_scale's {patients:,} patients (today {seeded[1]}): not seeding again")
    elif (ROOT / "demo" / "management" / "commands" / "seed_scale.py").exists():
        manage("seed_scale", "--patients", str(patients), url=url)
    else:
        say("seed_scale is not in this checkout: measuring the database as it is")


def last_seed(url: str) -> tuple | None:
    """(patients, today) of the last seed_scale run recorded in the database, if any."""
    with psycopg2.connect(url) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('seed_scale_run') IS NOT NULL")
        if not cursor.fetchone()[0]:
            return None
        cursor.execute("SELECT patients, today FROM seed_scale_run ORDER BY id DESC LIMIT 1")
        return cursor.fetchone()


def data_size(url: str) -> dict:
    tables = {
        "patients": "patients_patient",
        "treatment plans": "treatments_treatmentplan",
        "appointments": "treatments_appointment",
        "treatment sessions": "treatments_treatmentsession",
        "staff accounts": "clinic_user",
        "access-log rows": "audit_accessevent",
    }
    with psycopg2.connect(url) as connection, connection.cursor() as cursor:
        counts = {}
        for label, table in tables.items():
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608  (fixed table names)
            counts[label] = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM treatments_treatmentsession WHERE signed_at IS NOT NULL")
        counts["signed sessions"] = cursor.fetchone()[0]
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database())), version()")
        size, version = cursor.fetchone()
    return {"rows": counts, "database size": size, "postgresql": version.split(" on ")[0]}


# --- the machine ------------------------------------------------------------------------------


def machine() -> dict:
    cpu = next(
        (line.split(":", 1)[1].strip() for line in _lines("/proc/cpuinfo") if line.startswith("model name")),
        platform.processor(),
    )
    memory = next((line.split()[1] for line in _lines("/proc/meminfo") if line.startswith("MemTotal")), "0")
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": round(int(memory) / 1024 / 1024, 1),
        "python": platform.python_version(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }


def _lines(path: str) -> list[str]:
    try:
        return Path(path).read_text().splitlines()
    except OSError:
        return []


def checkout(app_dir: Path) -> str:
    """The commit being served, read from .git without running git (worktrees included)."""
    dot_git = app_dir / ".git"
    try:
        git_dir = dot_git if dot_git.is_dir() else (app_dir / dot_git.read_text().split(":", 1)[1].strip())
        head = (git_dir / "HEAD").read_text().strip()
        if not head.startswith("ref: "):
            return head[:12]
        ref = head[5:]
        common = Path((git_dir / "commondir").read_text().strip()) if (git_dir / "commondir").exists() else None
        for base in filter(None, [git_dir, common and (git_dir / common).resolve()]):
            if (base / ref).exists():
                return (base / ref).read_text().strip()[:12]
            packed = base / "packed-refs"
            if packed.exists():
                for line in packed.read_text().splitlines():
                    if line.endswith(" " + ref):
                        return line[:12]
    except (OSError, IndexError):
        pass
    return "unknown"


# --- the server -------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def settings_module(app_dir: Path, work: Path) -> dict:
    """An older checkout whose settings fix ROOT_URLCONF gets a two-line shim that reads it from the environment."""
    if 'os.environ.get("ROOT_URLCONF"' in (app_dir / "clinic" / "settings.py").read_text():
        return {}
    (work / "bench_settings.py").write_text(
        'import os\n\nfrom clinic.settings import *  # noqa: F403\n\nROOT_URLCONF = os.environ["ROOT_URLCONF"]\n'
    )
    return {"DJANGO_SETTINGS_MODULE": "bench_settings"}


def server_environment(url: str, app_dir: Path, port: int, work: Path) -> dict:
    return {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        # Plain HTTP on the loopback interface: no TLS redirect, cookies not marked Secure.
        "HTTPS_ONLY": "0",
        "ROOT_URLCONF": "benchmarks.urls",
        "DATABASE_URL": url,
        "BIND": f"127.0.0.1:{port}",
        # This checkout's benchmarks package (reference view) after the served app's own modules.
        "PYTHONPATH": os.pathsep.join([str(app_dir), str(ROOT), str(work)]),
        "CLINIC_MANAGEMENT_COMMAND": "",
        **settings_module(app_dir, work),
    }


def start_server(url: str, app_dir: Path, log_path: Path) -> tuple[subprocess.Popen, str, dict]:
    port = free_port()
    env = server_environment(url, app_dir, port, log_path.parent)
    say("collecting static files for the production storage")
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=app_dir,
        env={**env, "CLINIC_MANAGEMENT_COMMAND": "1"},
        check=True,
    )
    gunicorn = Path(sys.executable).with_name("gunicorn")
    command = [str(gunicorn), "-c", str(ROOT / "gunicorn.conf.py"), "clinic.wsgi:application"]
    say(f"starting {' '.join(command[-3:])} in {app_dir} on port {port}")
    log = log_path.open("w")
    server = subprocess.Popen(  # noqa: S603  (our own venv's gunicorn)
        command, cwd=app_dir, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode}; see {log_path}")
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2) as answer:  # noqa: S310  (our own server)
                if answer.status == 200:
                    return server, base, env
        except OSError:
            time.sleep(0.5)
    stop(server)
    raise SystemExit("gunicorn did not answer /healthz within 90 s")


def stop(process: subprocess.Popen | None) -> None:
    if process is None or process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    except ProcessLookupError:
        pass


# --- signing in ------------------------------------------------------------------------------


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def totp(hex_key: str, at: float | None = None) -> str:
    """The 6-digit code an authenticator app shows (RFC 6238: SHA-1, 30 s steps), as django_otp checks it."""
    counter = int((time.time() if at is None else at) // 30)
    digest = hmac.new(bytes.fromhex(hex_key), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{number % 1_000_000:06d}"


class Browser:
    """Just enough of a browser to sign in: cookies, no redirects followed."""

    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirects)

    def add_cookies(self, cookies: dict) -> None:
        host = urllib.parse.urlparse(self.base).hostname
        for name, value in cookies.items():
            self.jar.set_cookie(
                http.cookiejar.Cookie(
                    0, name, value, None, False, host, False, False, "/", True, False, None, True, None, None, {}
                )
            )

    def cookie(self, name: str) -> str:
        return next((c.value for c in self.jar if c.name == name), "")

    def request(self, path: str, data: dict | None = None) -> tuple[int, str, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body)  # noqa: S310  (our own server)
        try:
            with self.opener.open(request, timeout=60) as answer:
                return answer.status, answer.headers.get("Location", ""), answer.read().decode()
        except urllib.error.HTTPError as answer:
            return answer.code, answer.headers.get("Location", ""), answer.read().decode(errors="replace")


def sign_in(base: str, username: str, password: str, totp_key: str) -> dict:
    browser = Browser(base)
    browser.request("/accounts/login/")
    status, location, _ = browser.request(
        "/accounts/login/",
        {"username": username, "password": password, "csrfmiddlewaretoken": browser.cookie("csrftoken"), "next": ""},
    )
    if status != 302:
        raise RuntimeError(f"{username} could not sign in (HTTP {status})")
    status, location, _ = browser.request("/bench/reference/")
    if status == 302 and "two-factor/verify" in location:
        # django_otp takes each code once per device: on refusal, wait for the next 30-second step.
        for _attempt in range(3):
            status, location, _ = browser.request(
                "/accounts/two-factor/verify/",
                {"code": totp(totp_key), "csrfmiddlewaretoken": browser.cookie("csrftoken"), "next": "/"},
            )
            if status == 302:
                break
            time.sleep(31 - time.time() % 30)
        status, location, _ = browser.request("/bench/reference/")
    if status != 200:
        raise RuntimeError(f"{username} is not through sign-in (HTTP {status} to {location})")
    return {"sessionid": browser.cookie("sessionid"), "csrftoken": browser.cookie("csrftoken")}


def sign_in_everyone(base: str, data: dict) -> dict:
    wanted = {role: data["accounts"][role][:count] for role, count in MIX.items()}
    missing = [role for role, names in wanted.items() if not names]
    if missing:
        raise SystemExit(f"no {', '.join(missing)} accounts in the database: has seed_scale run?")
    started = time.monotonic()

    def one(username: str) -> tuple[str, dict]:
        return username, sign_in(base, username, data["password"], data["totp_key"])

    with ThreadPoolExecutor(max_workers=6) as pool:
        sessions = dict(pool.map(one, wanted["front_desk"] + wanted["practitioner"]))
    # Admins one at a time: each has their own device, but a retry must not race another.
    sessions.update(one(username) for username in wanted["clinic_admin"])
    say(f"{len(sessions)} accounts signed in in {time.monotonic() - started:.0f} s")
    return sessions


def keep_signed_in(base: str, sessions: dict, data: dict, usernames: list[str]) -> None:
    """Sessions end after 15 idle minutes: touch each one a pass will use, signing in again if it ended."""
    for username in usernames:
        browser = Browser(base)
        browser.add_cookies(sessions[username])
        try:
            status, _, _ = browser.request("/bench/reference/")
        except OSError:
            # Still busy with the last pass's slow requests: the session is not idle, so it has not ended.
            continue
        if status != 200:
            sessions[username] = sign_in(base, username, data["password"], data["totp_key"])


def book_today_for_practitioners(base: str, sessions: dict, data: dict, wanted: int = 6) -> int:
    """Sessions are recorded for today's patients: book a few reviews later today, through the app, when the
    data set's own day is not today (seed_scale may have been given another "today")."""
    zone = ZoneInfo(data["time_zone"])
    now = datetime.now(zone)
    today = now.date()
    booked = 0
    for username, own in data["practitioners"].items():
        if username not in sessions or len(own["booked_today"]) >= wanted or not own["patients"]:
            continue
        browser = Browser(base)
        browser.add_cookies(sessions[username])
        shifts = [s for s in data["working_hours"].get(str(own["id"]), []) if s[0] == today.weekday()]
        starts = []
        for _weekday, first, last, location in shifts:
            start = datetime.combine(today, clock_time.fromisoformat(first), zone)
            end = datetime.combine(today, clock_time.fromisoformat(last), zone)
            start = max(start, now.replace(minute=now.minute - now.minute % 15, second=0, microsecond=0))
            start += timedelta(minutes=30)
            while start + timedelta(minutes=45) <= end:
                starts.append((start, location))
                start += timedelta(minutes=45)
        for (start, location), patient in zip(starts[:wanted], own["patients"], strict=False):
            status, _, _ = browser.request(
                f"/treatments/appointments/new/?patient={patient}",
                {
                    "practitioner": own["id"],
                    "location": location,
                    "kind": "review",
                    "date": today.isoformat(),
                    "start_time": f"{start:%H:%M}",
                    "minutes": "",
                    "csrfmiddlewaretoken": sessions[username]["csrftoken"],
                },
            )
            booked += status == 302
    return booked


def check_in_for_session_pass(base: str, sessions: dict, data: dict) -> None:
    """The session form opens only for a checked-in patient: check one in per practitioner, through the app."""
    if any(own["checked_in_today"] for own in data["practitioners"].values()):
        return
    for username, own in data["practitioners"].items():
        if username in sessions and own["booked_today"]:
            browser = Browser(base)
            browser.add_cookies(sessions[username])
            appointment = own["booked_today"][0]
            browser.request(
                f"/treatments/appointments/{appointment}/check-in/",
                {"csrfmiddlewaretoken": sessions[username]["csrftoken"]},
            )


# --- load -------------------------------------------------------------------------------------


def locust(
    prefix: Path, base: str, *, users: int, rate: int, seconds: int, classes: list[str], env: dict
) -> list[dict]:
    command = [
        str(LOCUST),
        "-f",
        str(LOCUSTFILE),
        "--headless",
        "--only-summary",
        "--reset-stats",
        "--loglevel",
        "WARNING",
        "-u",
        str(users),
        "-r",
        str(rate),
        "-t",
        f"{seconds}s",
        "--stop-timeout",
        "5",
        "--host",
        base,
        "--csv",
        str(prefix),
        *classes,
    ]
    with Path(f"{prefix}.log").open("w") as log:
        process = subprocess.Popen(  # noqa: S603  (the bench venv's locust)
            command, env={**os.environ, **env}, start_new_session=True, stdout=log, stderr=subprocess.STDOUT
        )
        try:
            process.wait(timeout=seconds + 120)
        finally:
            stop(process)
    stats = Path(f"{prefix}_stats.csv")
    if not stats.exists():
        raise SystemExit(f"locust wrote no statistics ({' '.join(map(shlex.quote, command))})")
    with stats.open() as file:
        return list(csv.DictReader(file))


def row_summary(row: dict) -> dict:
    def number(key: str) -> float:
        value = row.get(key, "") or "0"
        return 0.0 if value == "N/A" else float(value)

    return {
        "requests": int(number("Request Count")),
        "failures": int(number("Failure Count")),
        "rps": round(number("Requests/s"), 2),
        "p50": number("50%"),
        "p95": number("95%"),
        "p99": number("99%"),
        "mean": round(number("Average Response Time"), 1),
        "bytes": int(number("Average Content Size")),
    }


def failures(prefix: Path) -> list[dict]:
    """Failed requests, then exceptions in the load generator itself (a bug there must not pass unseen)."""
    found = []
    path = Path(f"{prefix}_failures.csv")
    if path.exists():
        with path.open() as file:
            found += [
                {"name": row["Name"], "method": row["Method"], "error": row["Error"], "count": int(row["Occurrences"])}
                for row in csv.DictReader(file)
            ]
    path = Path(f"{prefix}_exceptions.csv")
    if path.exists():
        with path.open() as file:
            found += [
                {"name": "locustfile", "method": "exception", "error": row["Message"], "count": int(row["Count"])}
                for row in csv.DictReader(file)
            ]
    return found


# --- the report -------------------------------------------------------------------------------


def verdict(ok: bool | None) -> str:
    return "—" if ok is None else ("met" if ok else "**missed**")


def markdown(result: dict) -> str:
    m, d = result["machine"], result["data"]
    lines = [
        f"Measured {result['finished']} on commit `{result['commit']}` ({result['label']}).",
        "",
        f"- Machine: {m['cores']} cores ({m['cpu']}), {m['memory_gb']} GB RAM, {d['postgresql']}, Python {m['python']};"
        f" load average {', '.join(map(str, m['load_average_at_start']))} when the run started"
        " (locust runs on the same cores as the server).",
        f"- Data: {', '.join(f'{n:,} {label}' for label, n in d['rows'].items())}; database {d['database size']}.",
        f"- Server: gunicorn gthread, {result['server']['workers']} workers × {result['server']['threads']} threads,"
        " DEBUG off, CONN_MAX_AGE 60 with health checks.",
        f"- Command: `{result['command']}`",
        "",
        f"**Mixed run**: {result['mixed']['users']} users for {result['mixed']['seconds']} s,"
        f" {result['mixed']['total_rps']} requests/s in all, {result['mixed']['total_failures']} errors.",
        "",
        "| Page or action | Requests | Req/s | p50 ms | p95 ms | p99 ms | Errors | p95 target | |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for name, row in result["mixed"]["pages"].items():
        target = P95_TARGETS.get(name)
        ok = None if target is None or not row["requests"] else row["p95"] <= target and not row["failures"]
        lines.append(
            f"| {name} | {row['requests']} | {row['rps']} | {row['p50']:.0f} | {row['p95']:.0f} | {row['p99']:.0f}"
            f" | {row['failures']} | {target or '—'} | {verdict(ok)} |"
        )
    if result["mixed"]["outcomes"]:
        counted = ", ".join(f"{name} {n}" for name, n in result["mixed"]["outcomes"].items())
        lines += ["", f"Counted, not timed: {counted}."]
    if result["mixed"]["errors"]:
        lines += ["", "Errors:", ""]
        lines += [f"- {e['method']} {e['name']}: {e['error']} ({e['count']}×)" for e in result["mixed"]["errors"][:10]]
    saturation = result["saturation"]
    if saturation["pages"]:
        lines += [
            "",
            f"**Saturation**: {saturation['users']} users with no pause, {saturation['seconds']} s per page.",
            "",
            "| Page | Req/s | p50 ms | p95 ms | Errors | Ratio to reference | Target | |",
            "|---|---:|---:|---:|---:|---:|---:|---|",
        ]
        for name, row in saturation["pages"].items():
            target = None if name == "reference" else RATIO_TARGETS.get(name, DEFAULT_RATIO_TARGET)
            # Failed requests count in locust's requests/s, so a page with errors cannot meet its ratio.
            ok = None if target is None or row["ratio"] is None else row["ratio"] >= target and not row["failures"]
            ratio = "—" if row["ratio"] is None else f"{row['ratio']:.0%}"
            lines.append(
                f"| {name} | {row['rps']} | {row['p50']:.0f} | {row['p95']:.0f} | {row['failures']}"
                f" | {ratio} | {f'{target:.0%}' if target else '—'} | {verdict(ok)} |"
            )
    return "\n".join(lines) + "\n"


def write_doc(label: str, section: str) -> None:
    start, end = f"<!-- results:{label} -->", f"<!-- /results:{label} -->"
    text = DOC.read_text() if DOC.exists() else ""
    if start in text and end in text:
        head, rest = text.split(start, 1)
        text = head + start + "\n" + section + end + rest.split(end, 1)[1]
    else:
        text += f"\n### {label.capitalize()}\n\n{start}\n{section}{end}\n"
    DOC.write_text(text)


# --- the run ----------------------------------------------------------------------------------


class Run:
    """One `make bench`: where things are, what to measure, and the signed-in sessions."""

    def __init__(self):
        self.label = setting("BENCH_LABEL", "after")
        self.app_dir = Path(setting("BENCH_APP_DIR", str(ROOT))).resolve()
        self.mixed_seconds = int(setting("BENCH_MIXED_SECONDS", "180"))
        self.saturation_seconds = int(setting("BENCH_SATURATION_SECONDS", "20"))
        self.saturation_users = int(setting("BENCH_SATURATION_USERS", "16"))
        pages = setting("BENCH_PAGES", ",".join(SATURATION_ORDER))
        self.pages = [] if pages == "none" else [p.strip() for p in pages.split(",") if p.strip()]
        if self.pages and "reference" not in self.pages:
            self.pages.insert(0, "reference")
        unknown = set(self.pages) - set(SATURATION_ORDER)
        if unknown:
            raise SystemExit(f"BENCH_PAGES: no such page {sorted(unknown)}; choose from {SATURATION_ORDER}")
        self.work = RESULTS / "raw" / self.label
        self.work.mkdir(parents=True, exist_ok=True)
        self.fixture_file = self.work / "fixtures.json"
        self.session_file = self.work / "sessions.json"
        self.url = database_url()
        self.data: dict = {}
        self.sessions: dict = {}
        self.base = ""

    @property
    def env(self) -> dict:
        return {"BENCH_FIXTURES": str(self.fixture_file), "BENCH_SESSIONS": str(self.session_file)}

    def refresh_fixtures(self) -> None:
        self.data = bench_fixtures.collect(self.url)
        self.fixture_file.write_text(json.dumps(self.data))

    def mixed(self) -> dict:
        users = sum(MIX.values())
        say(f"mixed run: {users} users for {self.mixed_seconds} s")
        rows = locust(
            self.work / "mixed",
            self.base,
            users=users,
            rate=10,
            seconds=self.mixed_seconds,
            classes=["FrontDesk", "Practitioner", "ClinicAdmin"],
            env=self.env,
        )
        timed = [r for r in rows if r["Type"] not in ("OUTCOME", "") and r["Name"] != "Aggregated"]
        pages = {r["Name"]: row_summary(r) for r in timed}
        result = {
            "users": users,
            "seconds": self.mixed_seconds,
            "pages": dict(sorted(pages.items(), key=lambda item: _page_order(item[0]))),
            "outcomes": {r["Name"]: int(r["Request Count"]) for r in rows if r["Type"] == "OUTCOME"},
            "errors": failures(self.work / "mixed"),
            "total_rps": round(sum(p["rps"] for p in pages.values()), 1),
            "total_failures": sum(p["failures"] for p in pages.values()),
        }
        say(f"mixed run: {result['total_rps']} requests/s, {result['total_failures']} errors")
        return result

    def saturation(self) -> dict:
        result = {"users": self.saturation_users, "seconds": self.saturation_seconds, "pages": {}}
        if "session form" in self.pages:
            self.refresh_fixtures()
            check_in_for_session_pass(self.base, self.sessions, self.data)
            self.refresh_fixtures()
        for page in self.pages:
            role = ROLE_OF_PAGE[page]
            keep_signed_in(self.base, self.sessions, self.data, self.data["accounts"][role][: MIX[role]])
            self.session_file.write_text(json.dumps(self.sessions))
            slug = re.sub(r"[^a-z0-9]+", "-", page.lower()).strip("-")
            rows = locust(
                self.work / f"saturation-{slug}",
                self.base,
                users=self.saturation_users,
                rate=self.saturation_users,
                seconds=self.saturation_seconds,
                classes=["Saturator"],
                env={**self.env, "BENCH_SATURATE": page},
            )
            row = next((r for r in rows if r["Name"] == page and r["Type"] != "OUTCOME"), None)
            summary = row_summary(row) if row else {**row_summary({}), "missing": True}
            result["pages"][page] = summary
            say(f"saturation {page}: {summary['rps']} requests/s, p95 {summary['p95']:.0f} ms")
        reference = result["pages"].get("reference", {}).get("rps") or None
        for summary in result["pages"].values():
            summary["ratio"] = round(summary["rps"] / reference, 3) if reference and summary["rps"] else None
        return result


def _page_order(name: str) -> int:
    order = [*SATURATION_ORDER, "registration [POST]", "booking [POST]", "check-in [POST]", "session save [POST]"]
    return order.index(name) if name in order else len(order)


def command_line() -> str:
    names = ("BENCH_LABEL", "BENCH_APP_DIR", "BENCH_DB", "BENCH_PATIENTS", "BENCH_MIXED_SECONDS")
    names += ("BENCH_SATURATION_SECONDS", "BENCH_SATURATION_USERS", "BENCH_PAGES")
    return " ".join([*(f"{k}={shlex.quote(os.environ[k])}" for k in names if os.environ.get(k)), "make bench"])


def main() -> None:
    if not LOCUST.exists():
        raise SystemExit(f"{LOCUST} is missing: `make bench` installs it from requirements-bench.txt")
    run = Run()
    started_machine = machine()
    ensure_scaled_database(run.url)
    run.refresh_fixtures()
    size = data_size(run.url)
    say(f"data: {size['rows']}")

    server, server_env = None, {}
    # A kill from outside ends like Ctrl-C, so the finally below still stops gunicorn.
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    try:
        server, run.base, server_env = start_server(run.url, run.app_dir, run.work / "gunicorn.log")
        run.sessions = sign_in_everyone(run.base, run.data)
        run.session_file.write_text(json.dumps(run.sessions))
        booked = book_today_for_practitioners(run.base, run.sessions, run.data)
        if booked:
            say(f"booked {booked} appointments later today, for the practitioners' session records")
            run.refresh_fixtures()
        mixed = run.mixed()
        saturation = run.saturation()
    finally:
        stop(server)
        say("gunicorn stopped")

    result = {
        "label": run.label,
        "finished": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": checkout(run.app_dir),
        "app_dir": str(run.app_dir),
        "command": command_line(),
        "machine": started_machine,
        "data": size,
        "server": {
            "workers": int(server_env.get("WEB_CONCURRENCY") or (os.cpu_count() or 1) + 1),
            "threads": int(server_env.get("THREADS") or 4),
        },
        "targets": {"p95_ms": P95_TARGETS, "saturation_ratio": {"default": DEFAULT_RATIO_TARGET, **RATIO_TARGETS}},
        "mixed": mixed,
        "saturation": saturation,
    }
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    for path in (RESULTS / f"{run.label}.json", RESULTS / f"{run.label}-{stamp}.json"):
        path.write_text(json.dumps(result, indent=1) + "\n")
    write_doc(run.label, markdown(result))
    say(f"results: {RESULTS / f'{run.label}.json'} and the '{run.label}' section of {DOC.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
