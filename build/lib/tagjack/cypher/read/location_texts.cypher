// read/location_texts.cypher: accounts' free-text profile locations (non-empty ones).
MATCH (a:Account)
WHERE a.location_text <> ''
RETURN a.id AS id, a.location_text AS location_text
