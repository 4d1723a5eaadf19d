// hashtag_cooccurrence: the tags used in the same posts as $hashtag, most shared first (local variants and slogans show up here). $hashtag: the tag; $limit: rows. $platform: one platform's accounts (null: all).
MATCH (:Hashtag {tag: $hashtag})<-[:TAGGED]-(p:Post)-[:TAGGED]->(other:Hashtag)
WHERE other.tag <> $hashtag
MATCH (author:Account)-[:POSTED]->(p)
WHERE ($platform IS NULL OR CASE WHEN author.id STARTS WITH 'did:' THEN 'bluesky'
       WHEN author.id STARTS WITH 'acct:' THEN 'mastodon' ELSE 'twitter' END = $platform)
RETURN other.tag AS hashtag, count(p) AS posts, count(DISTINCT author) AS accounts
ORDER BY posts DESC, hashtag
LIMIT $limit
