// read/tagged_replied_to.cypher: reply edges over posts tagged $tag only (a quote that also
// replies counts). $tag: normalised hashtag. Computed from the posts; self-replies (threads) kept.
MATCH (:Hashtag {tag: $tag})<-[:TAGGED]-(p:Post)<-[:POSTED]-(source:Account)
WHERE p.reply_to_author_id IS NOT NULL
RETURN source.id AS source, p.reply_to_author_id AS target, count(p) AS weight,
       min(p.created_at).epochSeconds AS first_at, max(p.created_at).epochSeconds AS last_at
