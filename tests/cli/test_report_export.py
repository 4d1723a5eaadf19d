"""tagjack report and tagjack export: files written, paths printed, one-line errors with exit 1."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import networkx as nx
import pytest
from report_cases import crafted_store
from tagjack.cli.app import app
from typer.testing import CliRunner

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args))


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("cli_report") / "crafted.db"
    crafted_store(path).close()
    return str(path)


def test_report_writes_the_page_and_prints_its_path(db, tmp_path):
    out = tmp_path / "reports" / "case.html"  # missing folders are made
    result = run("report", "--hashtag", "#MyTag", "--db", db, "--out", str(out), "--top", "5")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == str(out)
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "#MyTag: who took it over" in page
    assert "<script>alert(1)</script>" not in page


@pytest.mark.parametrize("fmt", ["gexf", "graphml", "json"])
def test_export_file_formats(db, tmp_path, fmt):
    out = tmp_path / f"case.{fmt}"
    result = run("export", "--format", fmt, "--out", str(out), "--db", db)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == str(out)
    if fmt == "json":
        doc = json.loads(out.read_bytes())
        assert len(doc["accounts"]) == 16 and doc["edges"]
    else:
        g = nx.read_gexf(out) if fmt == "gexf" else nx.read_graphml(out)
        assert g.number_of_nodes() == 16


@pytest.mark.parametrize("hashtag", [(), ("--hashtag", "#MyTag")])
def test_export_geojson(db, tmp_path, hashtag):
    out = tmp_path / "cities.geojson"
    result = run("export", "--format", "geojson", "--out", str(out), "--db", db, *hashtag)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == str(out)
    scope = "#mytag" if hashtag else "all posts"
    assert result.stderr.startswith("exported 3 cities and ") and result.stderr.strip().endswith(scope)
    doc = json.loads(out.read_bytes())
    assert doc["type"] == "FeatureCollection" and len(doc["features"]) > 3


def test_export_csv_folder_with_hashtag(db, tmp_path):
    result = run("export", "-f", "csv", "-o", str(tmp_path / "csv"), "--db", db, "-t", "#MyTag")
    assert result.exit_code == 0, result.output
    assert [line.rsplit("/", 1)[-1] for line in result.stdout.split()] == \
        ["accounts.csv", "edges.csv", "cities.csv"]
    with open(tmp_path / "csv" / "edges.csv", newline="", encoding="utf-8") as fh:
        assert next(csv.reader(fh)) == ["source", "target", "type", "weight", "first_at", "last_at"]


def one_line_error(result) -> str:
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert "Traceback" not in result.output
    return lines[0]


def test_out_in_a_folder_that_cannot_be(db, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    line = one_line_error(run("report", "-t", "#MyTag", "--db", db, "--out",
                              str(blocker / "report.html")))
    assert str(blocker) in line and "not a folder" in line
    for fmt, out in (("csv", blocker), ("gexf", blocker / "x.gexf"), ("json", tmp_path)):
        one_line_error(run("export", "--format", fmt, "--out", str(out), "--db", db))


def writable_by_us(folder: Path) -> bool:
    try:
        (folder / ".probe").touch()
    except OSError:
        return False
    (folder / ".probe").unlink()
    return True


def test_out_in_an_unwritable_folder(db, tmp_path):
    """A read-only folder; as root (CI), which writes anywhere, Linux's /sys, which even root cannot."""
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        target = locked if not writable_by_us(locked) else Path("/sys")
        if writable_by_us(target) or not target.is_dir():
            pytest.skip("no folder here refuses writes to this user")
        line = one_line_error(run("report", "-t", "#MyTag", "--db", db, "--out",
                                  str(target / "report.html")))
        assert "cannot write" in line and "Permission denied" in line
        one_line_error(run("export", "-f", "json", "--db", db, "--out", str(target / "x.json")))
    finally:
        locked.chmod(0o700)


def test_bad_format_and_unknown_tag(db, tmp_path):
    result = run("export", "--format", "xlsx", "--out", str(tmp_path / "x"), "--db", db)
    assert result.exit_code == 2 and "gexf, graphml, csv, json" in result.output
    result = run("report", "-t", "#nothere", "--db", db, "--out", str(tmp_path / "r.html"))
    assert result.exit_code == 1 and "no posts carry #nothere" in result.stderr
    assert not (tmp_path / "r.html").exists()
