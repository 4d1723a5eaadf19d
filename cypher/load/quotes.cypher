// load/quotes.cypher: link new quotes to the post they refer to (a stub if not stored); the link is
// CREATEd: only posts new in this transaction come here, and a new post has no links yet.
// $rows: list of {id, ref_id, ref_author_id}; ref_author_id may be null. A stub gets its
// author from the referring post, until the post itself is stored.
UNWIND $rows AS row
MATCH (p:Post {id: row.id})
MERGE (ref:Post {id: row.ref_id})
CREATE (p)-[:QUOTES]->(ref)
WITH ref, row
WHERE row.ref_author_id IS NOT NULL AND NOT EXISTS { (:Account)-[:POSTED]->(ref) }
MATCH (author:Account {id: row.ref_author_id})
MERGE (author)-[:POSTED]->(ref)
