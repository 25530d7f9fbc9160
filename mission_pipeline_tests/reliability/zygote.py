"""A fork server for the fault tests: imports Dagster and the definitions once, forks a run per request.

Importing Dagster, pandas and the definitions and creating an instance takes several seconds on a
busy machine; dozens of runs killed with SIGKILL should not pay that each time. Each forked child is
a real, separate process running the real `usage_job`, with its own connections, killed for real.

Protocol (JSON lines): the parent writes `{"id", "argv", "env", "log"}` on stdin; the zygote answers
`{"id", "pid"}` after forking and `{"exit": pid, "code": n}` when a child ends (code -9: SIGKILL).
The child applies `env` (null deletes), sends its output to `log`, writes its summary to
MP_TEST_RESULT (see run_usage_day) and exits. Single-threaded, so forking is safe.
"""

import json
import os
import select
import sys
from typing import Any

import dagster as dg

from mission_pipeline.definitions import defs  # noqa: F401 - imported once, before forking
from mission_pipeline.settings import get_settings
from mission_pipeline_tests.reliability import run_usage_day


def _emit(message: dict[str, Any]) -> None:
    os.write(1, (json.dumps(message) + "\n").encode())


def _child(request: dict[str, Any], instance: dg.DagsterInstance) -> None:
    code = 70
    try:
        log = os.open(request["log"], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        os.dup2(log, 1)
        os.dup2(log, 2)
        os.close(log)
        sys.stdout = os.fdopen(1, "w", buffering=1, closefd=False)
        sys.stderr = os.fdopen(2, "w", buffering=1, closefd=False)
        for key, value in request.get("env", {}).items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        get_settings.cache_clear()
        argv = request["argv"]
        summary = run_usage_day.run(argv[0], argv[1] if len(argv) > 1 else None, instance)
        run_usage_day.report(summary)
        code = 0 if summary["success"] else 1
    except BaseException as exc:
        print(f"zygote child failed: {type(exc).__name__}: {exc}", file=sys.stderr, flush=True)
    finally:
        os._exit(code)


def main() -> None:
    stdin = sys.stdin.fileno()
    pending = b""
    children: set[int] = set()
    # Created once (it migrates its in-memory storage): each child works on its own copy of it.
    instance = dg.DagsterInstance.ephemeral()
    _emit({"ready": os.getpid()})
    while True:
        readable, _, _ = select.select([stdin], [], [], 0.02)
        for pid in list(children):
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                children.discard(pid)
                _emit({"exit": pid, "code": os.waitstatus_to_exitcode(status)})
        if not readable:
            continue
        data = os.read(stdin, 65536)
        if not data:
            break
        pending += data
        while b"\n" in pending:
            line, pending = pending.split(b"\n", 1)
            request = json.loads(line)
            pid = os.fork()
            if pid == 0:
                _child(request, instance)
            children.add(pid)
            _emit({"id": request["id"], "pid": pid})
    for pid in children:
        os.waitpid(pid, 0)


if __name__ == "__main__":
    main()
