// read/communities.cypher: the communities of the last write-back.
MATCH (c:Community)
RETURN c.id AS id, c.size AS size, c.role AS role, c.label AS label
ORDER BY c.id
