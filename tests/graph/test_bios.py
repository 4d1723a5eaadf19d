"""Cities from bios (Bluesky has no location field): taken only when the bio clearly states one.

The hand-written bios in tests/data/bios give the expected answer; a wrong city is worse
than none, so the wrong rate is held under 3% and most stated places are still found.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from tagjack.graph.analytics.geo import city_from_text
from tagjack.graph.ingest.readers.bio import place_in_bio

BIOS = Path(__file__).resolve().parents[1] / "data" / "bios"


def scored(name: str) -> tuple[int, int, int, int]:
    """(bios, right, wrong, missed) of one file."""
    with (BIOS / name).open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    right = wrong = missed = 0
    for row in rows:
        phrase = place_in_bio(row["bio"].replace("\\n", "\n"))
        city = city_from_text(phrase) if phrase else None
        got = f"{city.name}, {city.country}" if city else ""
        if got == row["expected"]:
            right += 1
        elif got:
            wrong += 1
        else:
            missed += 1
    return len(rows), right, wrong, missed


@pytest.mark.parametrize(("name", "least_right"), [("bios.tsv", 0.97), ("bios-heldout.tsv", 0.9)])
def test_bio_cities_are_rarely_wrong(name, least_right):
    total, right, wrong, missed = scored(name)
    assert total >= 45
    assert wrong / total < 0.03
    assert right / total >= least_right


@pytest.mark.parametrize(("bio", "phrase"), [
    ("📍 Brooklyn, NY", "Brooklyn, NY"),
    ("she/her • 📍Berlin • coffee", "Berlin"),
    ("Journalist based in Nairobi, covering East Africa", "Nairobi"),
    ("A Berlin-based DJ", "Berlin"),
    ("Evidence-based medicine nerd", "Evidence"),  # a phrase the geocoder then finds no city in
    ("Nurse | Oakland, CA | she/her", "Oakland, CA"),
    ("I love Paris in the springtime", ""),
    ("Formerly in Chicago, now who knows", ""),
    ("", ""),
])
def test_place_phrases(bio, phrase):
    assert place_in_bio(bio) == phrase


@pytest.mark.parametrize("bio", ["Evidence-based medicine nerd", "📍 the internet", "📍 Texas",
                                 "Based in the Bay Area", "📍 Springfield"])
def test_no_city_where_the_phrase_names_none(bio):
    assert city_from_text(place_in_bio(bio)) is None
