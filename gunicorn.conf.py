"""gunicorn settings for Recruit; gunicorn reads this file when started from the repository's top folder
(`gunicorn wsgi:app`), or name it with `--config gunicorn.conf.py`.

Link tokens never reach the logs: the logger class replaces the token in /set-password/<token> and
/register/confirm/<token> with [token], wherever it appears in a line (request line, path, referrer).
The access log format is gunicorn's "combined" format:

    203.0.113.7 - - [04/Dec/2026:19:30:01 +0000] "GET /set-password/[token] HTTP/1.1" 200 5120 "-" "Mozilla/5.0 ..."

Turn the access log on with `--access-logfile -` (or a file path); settings given on the command line win.

Each worker, once it has loaded the app, moves everything loaded so far (the app, its modules, SQLAlchemy's mappers,
the compiled templates: some 250,000 objects) out of the garbage collector's sight with gc.freeze(). They live as long
as the worker, and a full collection no longer walks them all: a page that makes many objects, such as the moderation
board of a large sift, otherwise pays tens of milliseconds now and then for a collection that finds nothing of theirs.
"""

import gc

logger_class = "recruit.log_masking.TokenMaskingLogger"
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s"'


def post_worker_init(worker):
    gc.freeze()
