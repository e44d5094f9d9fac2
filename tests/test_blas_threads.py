"""The app keeps numpy's BLAS to one thread: a web worker's small matrix products (the board's agreement figures)
are many times slower when BLAS starts threads on cores the other workers are using."""

from __future__ import annotations

import subprocess
import sys


def test_an_app_made_in_a_new_process_limits_blas_to_one_thread():
    script = (
        "from threadpoolctl import threadpool_info\n"
        "from recruit import create_app\n"
        "create_app(SQLALCHEMY_DATABASE_URI='sqlite://', MAIL_SERVER=None)\n"
        "blas = [pool for pool in threadpool_info() if pool['user_api'] == 'blas']\n"
        "assert blas, 'numpy loads a BLAS library'\n"
        "print(sorted({pool['num_threads'] for pool in blas}))\n"
    )
    # Two threads asked for from the environment, as a machine with more cores would give by default.
    env = {"OPENBLAS_NUM_THREADS": "2", "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[1]"
