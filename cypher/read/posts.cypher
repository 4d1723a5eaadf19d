// read/posts.cypher: every stored post as columns, oldest first.
MATCH (p:Post)
WHERE p.created_at IS NOT NULL
MATCH (author:Account)-[:POSTED]->(p)
RETURN author.id AS author, p.created_at.epochSeconds AS created_at, p.kind AS kind,
       p.ref_author_id AS ref_author, p.reply_to_author_id AS reply_author
ORDER BY p.created_at, p.id
