// load/replies_to.cypher: link new replies to the post they refer to (a stub if not stored); the link is
// CREATEd: only posts new in this transaction come here, and a new post has no links yet.
// $rows: list of {id, reply_to_id, reply_to_author_id}; reply_to_author_id may be null. A stub gets its
// author from the referring post, until the post itself is stored.
UNWIND $rows AS row
MATCH (p:Post {id: row.id})
MERGE (ref:Post {id: row.reply_to_id})
CREATE (p)-[:REPLIES_TO]->(ref)
WITH ref, row
WHERE row.reply_to_author_id IS NOT NULL AND NOT EXISTS { (:Account)-[:POSTED]->(ref) }
MATCH (author:Account {id: row.reply_to_author_id})
MERGE (author)-[:POSTED]->(ref)
