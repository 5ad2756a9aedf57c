"""`cli.main` run in-process, its output captured: a subprocess's (returncode, stdout, stderr) without the
interpreter start and the imports (use a real subprocess only for signals, concurrency or the entry point)."""
import contextlib
import io
import os
from dataclasses import dataclass
from unittest import mock

import cli


@dataclass
class Ran:
    returncode: int
    stdout: str
    stderr: str


class Screen(io.StringIO):
    """Captured output that says whether it is a terminal."""

    def __init__(self, tty: bool = False):
        super().__init__()
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


def run(*args, env: dict | None = None, tty: bool = False) -> Ran:
    """cli.main([...]) with str() arguments; `env` added to os.environ while it runs; `tty`: stderr is a terminal."""
    out, err = Screen(), Screen(tty)
    with mock.patch.dict(os.environ, env or {}), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        rc = cli.main([str(a) for a in args])
    return Ran(rc, out.getvalue(), err.getvalue())
