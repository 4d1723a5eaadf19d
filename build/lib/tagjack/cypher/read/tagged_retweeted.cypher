// read/tagged_retweeted.cypher: retweet edges (quotes count) over posts tagged $tag only.
// $tag: normalised hashtag. Computed from the posts, like the aggregated edges, no self-loops.
MATCH (:Hashtag {tag: $tag})<-[:TAGGED]-(p:Post)<-[:POSTED]-(source:Account)
WHERE p.kind IN ['retweet', 'quote'] AND p.ref_author_id IS NOT NULL
  AND p.ref_author_id <> source.id
RETURN source.id AS source, p.ref_author_id AS target, count(p) AS weight,
       min(p.created_at).epochSeconds AS first_at, max(p.created_at).epochSeconds AS last_at
