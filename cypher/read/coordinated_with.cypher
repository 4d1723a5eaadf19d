// read/coordinated_with.cypher: every coordinated pair, every kind.
MATCH (a:Account)-[r:COORDINATED_WITH]->(b:Account)
RETURN r.kind AS kind, a.id AS source, b.id AS target, r.weight AS weight, r.window_s AS window_s,
       r.group AS group, r.posts AS posts, r.p_value AS p_value
ORDER BY kind, source, target
