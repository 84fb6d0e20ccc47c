"""Child processes: started so the user's working directory cannot shadow our modules, and
unable to outlive the process that started them."""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import signal
import sys
import threading

__all__ = ["die_with_parent", "exit_unless_done_within", "python_module"]

log = logging.getLogger(__name__)

_PR_SET_PDEATHSIG = 1


def die_with_parent(sig: signal.Signals = signal.SIGTERM) -> None:
    """``preexec_fn`` for a child: receive ``sig`` when the parent dies, even by SIGKILL.

    Linux only (prctl); elsewhere the child is left to notice on its own.
    """
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, sig)


def python_module(module: str) -> list[str]:
    """The argv that runs ``python -m module`` with this interpreter.

    ``-P`` keeps the working directory off ``sys.path``: run from a project that has its
    own ``schemas/`` or ``streams/`` package, a plain ``-m`` would import those first.
    """
    return [sys.executable, "-P", "-m", module]


def exit_unless_done_within(seconds: float, code: int = 1) -> threading.Timer:
    """Exit the process with ``code`` if it is still alive ``seconds`` from now.

    A graceful shutdown waits on the broker (commits, leaving the group); with the broker
    gone it would wait for ever and outlive whoever stopped it. The timer is a thread, so
    it fires even while the event loop is stuck.
    """

    def give_up() -> None:
        log.error("shutdown did not finish within %.0f s; exiting now", seconds)
        logging.shutdown()
        os._exit(code)

    timer = threading.Timer(seconds, give_up)
    timer.daemon = True
    timer.start()
    return timer
