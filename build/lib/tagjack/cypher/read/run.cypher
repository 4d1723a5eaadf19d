// read/run.cypher: the last complete write-back (written last, so a half-done one has none).
MATCH (r:Run)
RETURN r.id AS run, r.meta AS meta
