"""Facts of real public tweet sets (tests/data, see each SOURCE.md): the most retweeted comes first."""

from __future__ import annotations

from pathlib import Path

import pytest
from tagjack.graph.analytics.pipeline import account_profile, amplifier_rows, analyze, community_rows
from tagjack.graph.errors import NotFound
from tagjack.graph.ingest.batches import RejectsFile, load_records
from tagjack.graph.ingest.readers.detect import read_file
from tagjack.graph.store.sqlite import SqliteStore

DATA = Path(__file__).parent.parent / "data"


def loaded(path: Path, tmp_path: Path) -> SqliteStore:
    if not path.exists():
        pytest.skip(f"{path} is not in tests/data yet")
    store = SqliteStore(tmp_path / "real.db")
    load_records(store, read_file(path), rejects=RejectsFile(tmp_path / "rejects.jsonl"))
    return store


@pytest.mark.parametrize(("path", "most_retweeted"), [
    ("v1-sample500/sample-tweets-500.jsonl.gz", "TheDemocrats"),  # 5 retweets by 4 accounts
    ("twarc2-blm/tweets.jsonl.gz", "NatalieStrecke1"),  # 27 retweets by 20 accounts
])
def test_the_most_retweeted_account_comes_first(path, most_retweeted, tmp_path):
    with loaded(DATA / path, tmp_path) as store:
        before = amplifier_rows(store, top=3)  # nothing stored yet: computed on the fly
        found = analyze(store, seed=1)
        after = amplifier_rows(store, top=3)  # reuses the stored communities and cities
        assert before[0].handle == found.amplifiers[0].handle == after[0].handle == most_retweeted
        assert found.hijack is None and found.spread is None
        profile = account_profile(store, most_retweeted.lower())
        assert profile.handle == most_retweeted and profile.unique_retweeters == \
            found.amplifiers[0].unique_retweeters
        assert profile.community == found.amplifiers[0].community
        assert [c.id for c in community_rows(store)][:3] == [0, 1, 2]


def test_unknown_names_are_clear_errors(tmp_path):
    with loaded(DATA / "v1-sample500/sample-tweets-500.jsonl.gz", tmp_path) as store:
        with pytest.raises(NotFound, match="no posts carry #nosuchtag") as exc:
            analyze(store, hashtag="#NoSuchTag")
        assert "#scotus" in exc.value.hint  # the most used tags, to pick from
        with pytest.raises(NotFound, match="no account @nobody_here"):
            account_profile(store, "@nobody_here")
        with pytest.raises(NotFound, match="no account"):
            analyze(store, hashtag="scotus", origin="nobody_here")
