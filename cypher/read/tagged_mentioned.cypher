// read/tagged_mentioned.cypher: mention edges over posts tagged $tag only.
// $tag: normalised hashtag. Self-mentions kept, like the aggregated edges.
MATCH (:Hashtag {tag: $tag})<-[:TAGGED]-(p:Post)<-[:POSTED]-(source:Account)
MATCH (p)-[:MENTIONS]->(target:Account)
RETURN source.id AS source, target.id AS target, count(p) AS weight,
       min(p.created_at).epochSeconds AS first_at, max(p.created_at).epochSeconds AS last_at
