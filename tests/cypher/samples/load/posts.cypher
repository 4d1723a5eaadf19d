// load/posts.cypher: upsert a batch of posts and their authors.
// $rows: list of {id, author_id, created_at, text, lang, kind}
UNWIND $rows AS row
MERGE (p:Post {id: row.id})
  ON CREATE SET p.created_at = datetime(row.created_at), p.text = row.text,
                p.lang = row.lang, p.kind = row.kind
MERGE (a:Account {id: row.author_id})
MERGE (a)-[:POSTED]->(p)
