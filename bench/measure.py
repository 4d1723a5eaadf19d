"""Run a command in a child process and measure its wall time and peak RSS."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import psutil


@dataclass(frozen=True)
class Run:
    """One child's wall time and memory.

    ``peak_rss_mb`` covers the child and every process it starts (e.g. a load's
    worker processes): the larger of wait4's peak and the sampled peak of their
    summed RSS. Summed RSS counts shared pages once per process, so
    ``peak_pss_mb`` (sampled proportional set size, shared pages split) is given too.
    """

    seconds: float
    peak_rss_mb: float
    stdout: str
    cpu_seconds: float = 0.0  # user + system of the child and its reaped children
    peak_pss_mb: float = 0.0
    processes: int = 1  # most processes seen at once in the child's tree


class TimedOut(RuntimeError):
    """The child ran past its time limit and was killed."""

    def __init__(self, args: list[str], seconds: float) -> None:
        super().__init__(f"{command_name(args)} killed after {seconds:.0f} s")
        self.seconds = seconds


def run(args: list[str], *, check: bool = True, timeout: float | None = None,
        cwd: Path | None = None, env: dict[str, str] | None = None) -> Run:
    """Wall time and peak RSS of one child (measured with wait4, so only that child counts).

    ``timeout`` kills the child's whole process group and raises TimedOut.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(args, stdout=out, stderr=err, cwd=cwd, env=env,
                                start_new_session=True)
        killed = threading.Event()
        timer = threading.Timer(timeout, _kill, (proc.pid, killed)) if timeout else None
        sampler = TreeSampler(proc.pid)
        sampler.start()
        if timer:
            timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            if timer:
                timer.cancel()
            sampler.finish()
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here: Popen must not wait
        seconds = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode(errors="replace")
    if killed.is_set():
        raise TimedOut(args, seconds)
    if check and proc.returncode != 0:
        raise RuntimeError(f"{command_name(args)} exited {proc.returncode}: {last_words(stderr)}")
    return Run(seconds, max(usage.ru_maxrss / 1024, sampler.peak_rss / 2**20), stdout,
               usage.ru_utime + usage.ru_stime, sampler.peak_pss / 2**20, sampler.processes)


class TreeSampler(threading.Thread):
    """Peak summed RSS and PSS of a process and its descendants, sampled every ``interval`` s."""

    def __init__(self, pid: int, *, interval: float = 0.1) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.peak_rss = self.peak_pss = 0
        self.processes = 1
        self._halt = threading.Event()

    def run(self) -> None:
        try:
            root = psutil.Process(self.pid)
        except psutil.NoSuchProcess:
            return
        while not self._halt.is_set():
            self.sample(root)
            self._halt.wait(self.interval)

    def sample(self, root: psutil.Process) -> None:
        try:
            tree = [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            return
        rss = pss = 0
        for proc in tree:
            try:
                rss += proc.memory_info().rss
            except psutil.Error:
                continue
            pss += _pss(proc.pid)
        self.peak_rss, self.peak_pss = max(self.peak_rss, rss), max(self.peak_pss, pss)
        self.processes = max(self.processes, len(tree))

    def finish(self) -> None:
        self._halt.set()
        self.join()


def _pss(pid: int) -> int:
    """Proportional set size in bytes from /proc/PID/smaps_rollup (0 where it cannot be read)."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as fh:
            for line in fh:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def command_name(args: list[str]) -> str:
    """``tagjack report``, ``python -c``: enough to say which child it was."""
    return " ".join([Path(args[0]).name, *args[1:2]])


def last_words(stderr: str, *, lines: int = 3) -> str:
    """The last few lines of a child's stderr, without rich's box drawing, on one line."""
    words = [line.strip(" │╭╮╰╯─") for line in stderr.splitlines()]
    return " / ".join([w for w in words if any(c.isalnum() for c in w)][-lines:])[-400:]


def _kill(pid: int, killed: threading.Event) -> None:
    killed.set()
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def python(*args: str) -> list[str]:
    return [sys.executable, *args]


def tagjack(*args: str) -> list[str]:
    """The tagjack console script of this interpreter's environment (the process wait4 sees)."""
    return [str(Path(sys.executable).parent / "tagjack"), *args]


def self_peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def warm(path: Path) -> None:
    """Read a file once so every timed reader finds it in the page cache alike."""
    with path.open("rb", buffering=0) as fh:
        while fh.read(16 << 20):
            pass
