-- tagjack SQLite schema (embedded default store). Accounts and posts get
-- integer keys so reads can hand analytics numpy columns.
CREATE TABLE IF NOT EXISTS accounts (
    key INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    handle TEXT NOT NULL DEFAULT '',
    name TEXT NOT NULL DEFAULT '',
    followers INTEGER,
    location_text TEXT NOT NULL DEFAULT '',
    community INTEGER,
    pagerank REAL,
    amplifier_score REAL,
    role TEXT,
    city_id TEXT,
    city_source TEXT
);
CREATE INDEX IF NOT EXISTS accounts_handle ON accounts (handle COLLATE NOCASE);
CREATE TABLE IF NOT EXISTS posts (
    pk INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    author INTEGER NOT NULL REFERENCES accounts (key),
    created_at INTEGER NOT NULL,
    kind INTEGER NOT NULL,
    text TEXT NOT NULL DEFAULT '',
    lang TEXT NOT NULL DEFAULT '',
    ref_id TEXT,  -- the retweeted or quoted post
    ref_author INTEGER REFERENCES accounts (key),
    reply_to TEXT,  -- the replied-to post (a quote can also reply)
    reply_author INTEGER REFERENCES accounts (key),
    place_id TEXT,
    lat REAL,
    lon REAL
);
-- Bluesky reposts by the post they repost: they have its tags (kind 1 = retweet)
CREATE INDEX IF NOT EXISTS posts_reposted ON posts (ref_id) WHERE kind = 1 AND ref_id LIKE 'at://%';
CREATE TABLE IF NOT EXISTS post_tags (
    tag TEXT NOT NULL,
    post INTEGER NOT NULL,
    PRIMARY KEY (tag, post)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS post_tags_post ON post_tags (post);
CREATE TABLE IF NOT EXISTS post_mentions (
    post INTEGER NOT NULL,
    account INTEGER NOT NULL,
    PRIMARY KEY (post, account)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS places (
    id TEXT PRIMARY KEY,
    full_name TEXT NOT NULL DEFAULT '',
    country_code TEXT NOT NULL DEFAULT '',
    lat REAL,
    lon REAL
);
-- aggregated from posts as they are first stored, one kind apart from another:
-- retweet | quote | reply | mention; self-interactions included
CREATE TABLE IF NOT EXISTS edges (
    kind TEXT NOT NULL,
    source INTEGER NOT NULL,
    target INTEGER NOT NULL,
    count INTEGER NOT NULL,
    first_at INTEGER NOT NULL,
    last_at INTEGER NOT NULL,
    PRIMARY KEY (kind, source, target)
) WITHOUT ROWID;
-- edges given as such by edge-list files; a reload replaces, never adds
CREATE TABLE IF NOT EXISTS given_edges (
    kind TEXT NOT NULL,
    source INTEGER NOT NULL,
    target INTEGER NOT NULL,
    count INTEGER NOT NULL,
    first_at INTEGER,
    last_at INTEGER,
    PRIMARY KEY (kind, source, target)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS communities (
    run TEXT NOT NULL,
    id INTEGER NOT NULL,
    size INTEGER NOT NULL,
    role TEXT NOT NULL,
    label TEXT NOT NULL,
    PRIMARY KEY (run, id)
);
CREATE TABLE IF NOT EXISTS cities (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    country TEXT NOT NULL,
    lat REAL NOT NULL,
    lon REAL NOT NULL
);
-- the twin of Neo4j's (:Account)-[:COORDINATED_WITH]->(:Account): coordinated pairs
CREATE TABLE IF NOT EXISTS coordinated_with (
    kind TEXT NOT NULL,
    source INTEGER NOT NULL,
    target INTEGER NOT NULL,
    weight INTEGER NOT NULL,
    window_s REAL NOT NULL,
    grp INTEGER NOT NULL,
    posts INTEGER NOT NULL,
    p_value REAL NOT NULL,
    PRIMARY KEY (kind, source, target)
) WITHOUT ROWID;
-- ids of deleted posts and reposts (Bluesky delete events): never stored again
CREATE TABLE IF NOT EXISTS deleted (
    id TEXT PRIMARY KEY
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
