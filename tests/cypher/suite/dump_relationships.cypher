// Every relationship as its type, its ends' keys (id, or a hashtag's tag) and its properties,
// to compare two databases as data (tests/store/test_neo4j_admin.py).
MATCH (a)-[r]->(b)
RETURN type(r) AS type, coalesce(a.id, a.tag) AS source, coalesce(b.id, b.tag) AS target,
       properties(r) AS properties
