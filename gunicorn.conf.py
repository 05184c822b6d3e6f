"""How production serves the app: `gunicorn -c gunicorn.conf.py clinic.wsgi:application`.

Every setting can be changed from the environment, so the Dockerfile, docker-compose.yml and
`make bench` run the same configuration. docs/benchmarks.md explains the sizing.
"""

import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


CORES = os.cpu_count() or 1

bind = os.environ.get("BIND") or f"0.0.0.0:{_int('PORT', 8000)}"

# Threaded workers. A request here spends much of its time waiting on PostgreSQL, and a thread waiting
# on a socket releases the GIL, so a few threads per process keep both cores busy without the memory
# of one process per concurrent request. The classic 2 × cores + 1 sync workers assumes requests that
# wait on nothing; with threads, one process per core plus one (so a process stuck in a long report or
# in garbage collection never leaves a core idle) and four threads each gives 12 requests in flight on
# two cores. More threads only lengthen the queue for the GIL: past that, add cores or machines.
worker_class = "gthread"
workers = _int("WEB_CONCURRENCY", CORES + 1)
threads = _int("THREADS", 4)

# A request that needs more than this is a bug (reports have their own statement timeout in PostgreSQL);
# the worker is restarted rather than left holding its threads.
timeout = _int("TIMEOUT", 30)
graceful_timeout = 30
# Keep-alive between a proxy and gunicorn saves a TCP handshake per request.
keepalive = 5

# Recycle each worker after a few thousand requests, staggered so they never all restart at once:
# a slow leak in any library stays bounded.
max_requests = _int("MAX_REQUESTS", 2000)
max_requests_jitter = _int("MAX_REQUESTS_JITTER", 200)

# The app is not preloaded: each worker imports Django itself. Preloading saves memory by sharing
# pages after fork, but a database connection opened while importing would then be shared by every
# worker, and `kill -HUP` could no longer reload new code. Django opens connections lazily, per thread,
# and keeps them for CONN_MAX_AGE seconds with a health check before reuse (clinic/settings.py).
preload_app = _flag("PRELOAD_APP")

# Errors always go to stderr; the access log (one line per request) only when asked for, because
# the proxy in front usually logs the same requests.
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
accesslog = "-" if _flag("ACCESS_LOG") else None

# The app sits behind one TLS proxy at most; trust its X-Forwarded-* only when BEHIND_PROXY says so.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
