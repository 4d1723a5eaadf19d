"""A single 100 MB line, in every format: rejected with a reason, memory bounded.

Each file holds good records around one 100 MB line. ``tagjack load`` runs in a child
process whose peak RSS is compared with the same load without the huge line: the
readers read lines in bounded pieces (16 MB for JSON Lines, 4 Mi characters for CSV),
so the huge line may cost a few tens of MB, never its own size.
"""

from __future__ import annotations

import subprocess
import sys

import orjson
import pytest

from .support import TAGJACK, cli_env

HUGE = 100 * 1024 * 1024
MAX_EXTRA_RSS = 200 * 1024 * 1024

MEASURE = """
import resource, subprocess, sys
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
sys.stdout.write(f"{done.returncode}\\n{peak}\\n{done.stdout}")
sys.stderr.write(done.stderr)
"""


def v1(k: int) -> bytes:
    return orjson.dumps({"id_str": str(100 + k), "created_at": "Tue Apr 22 18:00:00 +0000 2014",
                         "text": "#MyNYPD", "user": {"id_str": str(k), "screen_name": f"u{k}"}})


def v2(k: int) -> bytes:
    return orjson.dumps({"data": [{"id": str(100 + k), "author_id": str(k), "text": "#MyNYPD",
                                   "created_at": "2014-04-22T18:00:00.000Z"}],
                         "includes": {"users": [{"id": str(k), "username": f"u{k}"}]}})


CSV_HEADER = b"id,author_id,author.username,created_at,text"


def csv_row(k: int) -> bytes:
    return f"{100 + k},{k},u{k},2014-04-22T18:00:00.000Z,#MyNYPD".encode()


FILES = {  # format: (header lines, a good line, the huge line, the line number it gets)
    "v1": ([], v1, lambda fh: fh.write(b'{"text": "' + b"x" * HUGE + b'"}'), 2),
    "v2": ([], v2, lambda fh: fh.write(b'{"data": [{"text": "' + b"x" * HUGE + b'"}]}'), 2),
    "csv": ([CSV_HEADER], csv_row, lambda fh: fh.write(b"1,2,u,2014-04-22T18:00:00Z," + b"x" * HUGE), 3),
    "edgelist": ([b"source,target,weight"], lambda k: f"u{k},u{k + 1},2".encode(),
                 lambda fh: fh.write(b"u1," + b"y" * HUGE + b",1"), 3),
}


def write(path, fmt: str, *, huge: bool) -> None:
    header, good, big, _ = FILES[fmt]
    with path.open("wb") as fh:
        for line in header:
            fh.write(line + b"\n")
        fh.write(good(1) + b"\n")
        if huge:
            big(fh)
            fh.write(b"\n")
        fh.write(good(2) + b"\n")


def peak_load(path, tmp, fmt: str) -> tuple[int, dict, str]:
    """Peak RSS (bytes) of `tagjack load` on ``path``, its --json summary and stderr."""
    db = tmp / f"{path.stem}.db"
    done = subprocess.run([sys.executable, "-c", MEASURE, str(TAGJACK), "load", str(path), "--db", str(db),
                           "--format", fmt, "--quiet", "--json"],
                          capture_output=True, text=True, env=cli_env(), cwd=tmp, timeout=600, check=False)
    code, peak, stdout = done.stdout.split("\n", 2)
    assert code == "0", done.stderr
    return int(peak), orjson.loads(stdout), done.stderr


@pytest.mark.slow
@pytest.mark.parametrize("fmt", list(FILES))
def test_a_100_mb_line_is_rejected_with_a_reason_in_bounded_memory(fmt, tmp_path):
    small, big = tmp_path / f"small.{fmt}", tmp_path / f"huge.{fmt}"
    write(small, fmt, huge=False)
    write(big, fmt, huge=True)
    baseline, clean, _ = peak_load(small, tmp_path, fmt)
    peak, summary, _ = peak_load(big, tmp_path, fmt)
    big.unlink()
    assert summary["rejected"] == 1
    assert (summary["posts"], summary["edges"]) == (clean["posts"], clean["edges"])
    (reject,) = [orjson.loads(line) for line in open(summary["rejects_file"], "rb")]
    assert reject["line"] == FILES[fmt][3]
    assert "longer than" in reject["reason"], reject
    print(f"{fmt}: peak RSS {peak / 2**20:.0f} MB, {(peak - baseline) / 2**20:+.0f} MB over the "
          f"same load without the 100 MB line")
    assert peak - baseline < MAX_EXTRA_RSS


@pytest.mark.slow
def test_a_100_mb_first_line_loses_only_itself(tmp_path):
    """A first line too long to be a line is read as one document (a whole JSON array
    on one line is one); when it is none, the lines after it still load."""
    path = tmp_path / "huge-first.jsonl"
    with path.open("wb") as fh:
        fh.write(b'{"text": "' + b"x" * HUGE + b'"}\n' + v1(1) + b"\n" + v1(2) + b"\n")
    _, summary, _ = peak_load(path, tmp_path, "v1")
    assert (summary["posts"], summary["rejected"]) == (2, 1)
    (reject,) = [orjson.loads(line) for line in open(summary["rejects_file"], "rb")]
    assert reject["line"] == 1 and "longer than" in reject["reason"]
