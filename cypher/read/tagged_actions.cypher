// read/tagged_actions.cypher: as read/actions.cypher, over the posts tagged $tag (normalised hashtag).
MATCH (:Hashtag {tag: $tag})<-[:TAGGED]-(p:Post)-[r]->(target:Post)
WHERE type(r) = $type AND p.created_at IS NOT NULL
MATCH (author:Account)-[:POSTED]->(p)
RETURN author.id AS account, target.id AS target, p.id AS id, p.created_at.epochSeconds AS created_at
ORDER BY target, created_at, id
