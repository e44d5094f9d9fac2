"""gunicorn settings for the journeys: the served app's clock can be moved forward, so a closing date
passes without the run waiting for it.

The test writes a number of seconds to the file named by RECRUIT_JOURNEY_CLOCK; before each request
the worker's clock is set that far ahead of real time and keeps ticking (time-machine, as the unit
tests use). The app itself is unchanged: it is wsgi.py's app, reading the time as it always does.
"""

import os
import threading
import time
from pathlib import Path

import time_machine

_lock = threading.Lock()
_state = {"offset": 0.0, "traveller": None}


def _requested_offset() -> float:
    try:
        return float(Path(os.environ["RECRUIT_JOURNEY_CLOCK"]).read_text(encoding="utf-8").strip() or 0)
    except (KeyError, OSError, ValueError):
        return 0.0


def pre_request(worker, req):
    offset = _requested_offset()
    if offset == _state["offset"]:
        return
    with _lock:
        if offset == _state["offset"]:
            return
        if _state["traveller"] is not None:
            _state["traveller"].stop()
            _state["traveller"] = None
        if offset:
            traveller = time_machine.travel(time.time() + offset, tick=True)
            traveller.start()
            _state["traveller"] = traveller
        _state["offset"] = offset
        worker.log.info("Clock moved to %.0f seconds ahead of real time", offset)


# As gunicorn.conf.py, which this file stands in for: link tokens are masked in the access and error logs.
logger_class = "recruit.log_masking.TokenMaskingLogger"
