// read/places.cypher: Twitter places of stored posts, by author.
MATCH (author:Account)-[:POSTED]->(p:Post)
WHERE p.place_id IS NOT NULL AND p.created_at IS NOT NULL
RETURN author.id AS author, p.place_id AS id, coalesce(p.place_full_name, '') AS full_name,
       coalesce(p.place_country_code, '') AS country_code, p.place_lat AS lat, p.place_lon AS lon
