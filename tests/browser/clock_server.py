"""Serve Ketaflow (gunicorn, one worker) as if the clock read the given moment: `python clock_server.py
2026-11-16T12:00:00+00:00 PORT`. Test-only: the browser test of a diary week fills each day on its own
day (a day's diary cannot be filled later), without a clock knob in the product. The workers are forked
from this process and keep time-machine's shifted (ticking) clock."""

import datetime as dt
import sys

import time_machine

moment, port = dt.datetime.fromisoformat(sys.argv[1]), sys.argv[2]
time_machine.travel(moment, tick=True).start()
sys.argv = ["gunicorn", "ketaflow.config.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", "1",
            "--worker-class", "gthread", "--threads", "2"]  # fmt: skip
from gunicorn.app.wsgiapp import run  # noqa: E402

run()
