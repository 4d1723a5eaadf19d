// hashtag_cooccurrence: the tags used in the same posts as $hashtag, most shared first (local variants and slogans show up here). $hashtag: the tag; $limit: rows.
MATCH (:Hashtag {tag: $hashtag})<-[:TAGGED]-(p:Post)-[:TAGGED]->(other:Hashtag)
WHERE other.tag <> $hashtag
MATCH (author:Account)-[:POSTED]->(p)
RETURN other.tag AS hashtag, count(p) AS posts, count(DISTINCT author) AS accounts
ORDER BY posts DESC, hashtag
LIMIT $limit
