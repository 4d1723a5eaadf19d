// read/actions.cypher: posts that refer to another post by a $type relationship (retweets:
// 'RETWEETS'; replies, a quote that replies included: 'REPLIES_TO'), with who posted them and when.
MATCH (author:Account)-[:POSTED]->(p:Post)-[r]->(target:Post)
WHERE type(r) = $type AND p.created_at IS NOT NULL
RETURN author.id AS account, target.id AS target, p.id AS id, p.created_at.epochSeconds AS created_at
ORDER BY target, created_at, id
