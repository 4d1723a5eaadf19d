// read/cities.cypher: the cities of the last write-back.
MATCH (c:City)
WHERE c.name IS NOT NULL
RETURN c.id AS id, c.name AS name, c.country AS country, c.lat AS lat, c.lon AS lon
ORDER BY c.id
