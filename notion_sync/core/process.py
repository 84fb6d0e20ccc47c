"""Child processes: started so the user's working directory cannot shadow our modules, and
unable to outlive the process that started them."""

from __future__ import annotations

import contextlib
import ctypes
import signal
import sys

__all__ = ["die_with_parent", "python_module"]

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
