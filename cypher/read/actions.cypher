// read/actions.cypher: posts of kind $kind that refer to another post by a $type relationship
// (retweets: 'retweet', 'RETWEETS'; replies: 'reply', 'REPLIES_TO'), with who posted them and when.
MATCH (author:Account)-[:POSTED]->(p:Post {kind: $kind})-[r]->(target:Post)
WHERE type(r) = $type
RETURN author.id AS account, target.id AS target, p.id AS id, p.created_at.epochSeconds AS created_at
ORDER BY target, created_at, id
