// read/coordinates.cypher: exact coordinates of stored posts, by author.
MATCH (author:Account)-[:POSTED]->(p:Post)
WHERE p.lat IS NOT NULL AND p.created_at IS NOT NULL
RETURN author.id AS author, p.lat AS lat, p.lon AS lon
