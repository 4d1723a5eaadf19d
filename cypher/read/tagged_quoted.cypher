// read/tagged_quoted.cypher: quote edges over posts tagged $tag only.
// $tag: normalised hashtag. Computed from the posts, like the aggregated edges; self-quotes kept.
MATCH (:Hashtag {tag: $tag})<-[:TAGGED]-(p:Post)<-[:POSTED]-(source:Account)
WHERE p.kind = 'quote' AND p.ref_author_id IS NOT NULL
RETURN source.id AS source, p.ref_author_id AS target, count(p) AS weight,
       min(p.created_at).epochSeconds AS first_at, max(p.created_at).epochSeconds AS last_at
