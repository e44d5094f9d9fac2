"""gunicorn settings for Recruit; gunicorn reads this file when started from the repository's top folder
(`gunicorn wsgi:app`), or name it with `--config gunicorn.conf.py`.

Link tokens never reach the logs: the logger class replaces the token in /set-password/<token> and
/register/confirm/<token> with [token], wherever it appears in a line (request line, path, referrer).
The access log format is gunicorn's "combined" format:

    203.0.113.7 - - [04/Dec/2026:19:30:01 +0000] "GET /set-password/[token] HTTP/1.1" 200 5120 "-" "Mozilla/5.0 ..."

Turn the access log on with `--access-logfile -` (or a file path); settings given on the command line win.

Each worker, once it has loaded the app, keeps the garbage collector out of its way: what it loaded is frozen out of
the collector's sight, and young objects are collected less often (recruit/processes.py says why and how much).
"""

from recruit.processes import settle_worker

logger_class = "recruit.log_masking.TokenMaskingLogger"
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s"'


def post_worker_init(worker):
    settle_worker()
