"""The files benchmarks share: simulated tweets and a loaded store, made once, kept in bench/work/.

Each is made by the tagjack CLI in a child process and kept with a stamp of
what made it (size, format, seed and a hash of the code that wrote it), so a
later run reuses it only while that code is unchanged.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from bench.measure import Run, run, tagjack

REPO = Path(__file__).resolve().parent.parent
WORK = REPO / "bench" / "work"
SEED = 1
HASHTAG = "#MyNYPD"
SIMULATOR_SOURCES = ("graph/simulation",)
STORE_SOURCES = ("graph", "cli")  # the reader, ingest and store code that makes a store


def source_hash(*paths: str) -> str:
    digest = hashlib.blake2b(digest_size=8)
    for rel in paths:
        root = REPO / rel
        files = sorted(root.rglob("*.py")) + sorted(root.rglob("*.sql")) if root.is_dir() else [root]
        for path in files:
            digest.update(str(path.relative_to(REPO)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def tweets_file(folder: Path, fmt: str) -> Path:
    return folder / ("tweets.csv" if fmt == "csv" else "tweets.jsonl")


def simulation_dir(work: Path, tweets: int, fmt: str, seed: int = SEED) -> Path:
    return work / f"sim-{fmt}-{tweets}-seed{seed}"


def simulate_into(folder: Path, tweets: int, fmt: str, seed: int = SEED) -> Run:
    """Write a fresh simulation into ``folder`` with ``tagjack simulate``; the timed run."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.parent.mkdir(parents=True, exist_ok=True)
    made = run(tagjack("simulate", "--out", str(folder), "--tweets", str(tweets), "--format", fmt,
                       "--seed", str(seed), "-q"))
    _stamp(folder, f"{tweets} {fmt} {seed} {source_hash(*SIMULATOR_SOURCES)}")
    return made


def simulated(work: Path, tweets: int, fmt: str, seed: int = SEED) -> Path:
    """The tweets file of a simulation, reused while the simulator is unchanged."""
    folder = simulation_dir(work, tweets, fmt, seed)
    if not _fresh(folder, f"{tweets} {fmt} {seed} {source_hash(*SIMULATOR_SOURCES)}"):
        simulate_into(folder, tweets, fmt, seed)
    return tweets_file(folder, fmt)


def fresh_db(path: Path) -> Path:
    """Remove a SQLite file and its companions (WAL, rejects) so a load starts from nothing."""
    for companion in path.parent.glob(path.name + "*"):
        companion.unlink()
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def load_into(db: Path, tweets_path: Path) -> Run:
    """``tagjack load`` of one file into a fresh SQLite file; the timed run."""
    fresh_db(db)
    (db.parent / ".stamp").unlink(missing_ok=True)
    done = run(tagjack("load", str(tweets_path), "--db", str(db), "--json", "-q"))
    _stamp(db.parent, _store_key(db, tweets_path))
    return done


def loaded_store(work: Path, tweets: int, seed: int = SEED) -> Path:
    """A SQLite store holding the v1 simulation of ``tweets``, reused while the code is unchanged."""
    source = simulated(work, tweets, "v1", seed)
    db = source.parent / "store" / "tagjack.db"
    if not _fresh(db.parent, _store_key(db, source)):
        load_into(db, source)
    return db


def _store_key(db: Path, source: Path) -> str:
    return f"{db.name} {(source.parent / '.stamp').read_text()} {source_hash(*STORE_SOURCES)}"


def _stamp(folder: Path, key: str) -> None:
    (folder / ".stamp").write_text(key)


def _fresh(folder: Path, key: str) -> bool:
    stamp = folder / ".stamp"
    return stamp.exists() and stamp.read_text() == key
