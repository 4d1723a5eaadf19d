"""tagjack demo and simulate through the CLI, as a newcomer runs them."""

from __future__ import annotations

import json

from tagjack.cli.app import app
from typer.testing import CliRunner

runner = CliRunner()


def test_demo_prints_the_answers_and_writes_the_report(tmp_path):
    result = runner.invoke(app, ["demo", "--out", str(tmp_path / "d"), "--tweets", "6000"])
    assert result.exit_code == 0, result.output
    truth = json.loads((tmp_path / "d" / "case" / "truth.json").read_text())
    assert "OccupyWallStNYC" in result.output and truth["origin"] in result.output
    report = tmp_path / "d" / "report.html"
    assert report.stat().st_size > 100_000 and "<script>" in report.read_text()


def test_simulate_rejects_an_unknown_format(tmp_path):
    result = runner.invoke(app, ["simulate", "--out", str(tmp_path), "--format", "xml"])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
