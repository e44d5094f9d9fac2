"""Work done in fresh processes forked from this warm one: each starts at once with everything this process has
loaded (fonts, WeasyPrint's style sheets), and its heap is gone when it ends, so a long report's layout never
accumulates in one process.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
from collections import deque
from collections.abc import Callable
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from typing import Any

# Work for a forked process: called there, its result sent back (it must pickle).
Task = Callable[[], Any]


def run_forked(
    tasks: deque[tuple[int, Task]],
    workers: int,
    arrived: Callable[[int, Any], None],
    *,
    what: str = "task",
    collect_cycles: bool = False,
) -> None:
    """Each task in a process of its own, at most `workers` at a time, taken from `tasks` as they go (the parent
    keeps no task it has handed over); `arrived(index, result)` in this process as each finishes, in whatever order
    they finish. Returns once every task is done; raises RuntimeError, stopping the others, if one fails.

    The cyclic garbage collector stays off in them unless `collect_cycles` (for work that makes reference cycles
    in bulk, such as loading database records)."""
    context = multiprocessing.get_context("fork")
    running: dict[Connection, tuple[BaseProcess, int]] = {}
    try:
        while tasks or running:
            while tasks and len(running) < workers:
                index, task = tasks.popleft()
                receive, send = context.Pipe(duplex=False)
                started = context.Process(target=_task_process, args=(task, send, collect_cycles), daemon=True)
                started.start()
                send.close()
                running[receive] = (started, index)
                del task
            ready = wait(list(running))
            for connection in [connection for connection in running if connection in ready]:
                process, index = running.pop(connection)
                try:
                    status, outcome = connection.recv()
                except EOFError:
                    status, outcome = "error", "the process stopped"
                connection.close()
                process.join()
                if status != "ok":
                    raise RuntimeError(f"{what.capitalize()} {index + 1} failed: {outcome}")
                arrived(index, outcome)
    finally:
        for connection, (process, _) in running.items():
            process.kill()
            process.join()
            connection.close()


def _task_process(task: Task, send: Connection, collect_cycles: bool) -> None:
    """A forked process doing one task and sending back the result (or what went wrong), then ending at once: its
    heap goes with it, so nothing in it is freed or collected one object at a time."""
    # Whatever the parent does on these signals (an RQ worker shuts down warmly), this process just stops.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    # A layout allocates millions of short-lived objects and few reference cycles; the cyclic garbage collector
    # would walk the growing heap again and again (a fifth of the render time), and the process ends when the task
    # is done, so it never runs there. What this process inherited is never garbage: it is left out of collections.
    gc.freeze()
    if not collect_cycles:
        gc.disable()
    try:
        send.send(("ok", task()))
    except BaseException as error:  # reported to the parent, which raises it
        send.send(("error", f"{type(error).__name__}: {error}"))
    send.close()
    os._exit(0)
