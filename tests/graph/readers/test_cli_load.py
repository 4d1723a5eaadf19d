"""tagjack load end to end: folders, globs, .gz, rejects, --strict, --format, reloads."""

from __future__ import annotations

import json
import shutil

import pytest
from tagjack.cli.app import app
from tagjack.graph.store.sqlite import SqliteStore
from typer.testing import CliRunner

from .helpers import DATA, GOLDEN

runner = CliRunner()


def load(*args: str) -> tuple[int, dict | None, str]:
    result = runner.invoke(app, ["load", "--json", "--quiet", *args])
    doc = json.loads(result.stdout) if result.exit_code == 0 else None
    return result.exit_code, doc, result.output


@pytest.fixture
def files(tmp_path):
    shutil.copytree(DATA / "v1-rtweet", tmp_path / "rtweet")  # with its SOURCE.md
    shutil.copy(DATA / "twarc2-csv" / "kpop.jsonl.gz", tmp_path)
    shutil.copy(GOLDEN / "v1" / "bad_json_line.jsonl", tmp_path)
    return tmp_path


def test_folder_glob_gz_and_a_malformed_file(files, tmp_path):
    db, rejects = tmp_path / "t.db", tmp_path / "t.db.rejects.jsonl"
    code, doc, output = load(str(files / "rtweet"), str(files / "*.gz"),
                             str(files / "bad_json_line.jsonl"), "--db", str(db))
    assert code == 0, output
    assert doc["posts"] == 88 + 121 + 2 and doc["rejected"] == 6
    assert doc["rejects_file"] == str(rejects)
    lines = [json.loads(line) for line in rejects.read_text().splitlines()]
    assert len(lines) == 6
    assert all(r["source"] == "bad_json_line.jsonl" and r["line"] > 0 and r["reason"] for r in lines)
    assert [r["line"] for r in lines] == [2, 4, 5, 6, 7, 7]
    with SqliteStore(db) as store:
        assert store.status().posts == 211

    code, again, output = load(str(files / "rtweet"), str(files / "*.gz"),
                               str(files / "bad_json_line.jsonl"), "--db", str(db))
    assert code == 0, output
    assert (again["posts"], again["accounts"], again["edges"]) == (0, 0, 0)
    with SqliteStore(db) as store:
        assert store.status().posts == 211


def test_strict_stops_at_the_first_reject_and_keeps_nothing_of_the_batch(files, tmp_path):
    db = tmp_path / "strict.db"
    code, _, output = load(str(files / "bad_json_line.jsonl"), "--db", str(db), "--strict")
    assert code == 2
    assert "bad_json_line.jsonl:2: invalid JSON" in output
    with SqliteStore(db) as store:
        assert store.status().posts == 0  # line 1 was fine, but it was in the same batch


def test_unknown_file_named_explicitly_is_one_clear_error(tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("not tweets at all\n")
    code, _, output = load(str(notes), "--db", str(tmp_path / "x.db"))
    assert code == 1
    assert f"{notes}: unknown format" in output


def test_format_option(tmp_path):
    edges = tmp_path / "edges.txt"
    edges.write_text("ann rt,bob\n")
    code, doc, output = load(str(edges), "--format", "edgelist", "--db", str(tmp_path / "e.db"))
    assert code == 0, output
    assert (doc["accounts"], doc["edges"]) == (2, 1)
    code, _, output = load(str(edges), "--format", "xml", "--db", str(tmp_path / "e.db"))
    assert code == 2 and "xml" in output
