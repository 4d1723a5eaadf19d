// read/tagged_retweeted.cypher: retweet edges over posts tagged $tag only.
// $tag: normalised hashtag. Computed from the posts, like the aggregated edges; self-retweets kept.
MATCH (:Hashtag {tag: $tag})<-[:TAGGED]-(p:Post)<-[:POSTED]-(source:Account)
WHERE p.kind = 'retweet' AND p.ref_author_id IS NOT NULL
RETURN source.id AS source, p.ref_author_id AS target, count(p) AS weight,
       min(p.created_at).epochSeconds AS first_at, max(p.created_at).epochSeconds AS last_at
