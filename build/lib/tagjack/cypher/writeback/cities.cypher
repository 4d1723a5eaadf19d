// writeback/cities.cypher: the cities accounts were placed in.
// $rows: list of {id (GeoNames id), name, country, lat, lon}
UNWIND $rows AS row
MERGE (c:City {id: row.id})
SET c.name = row.name, c.country = row.country, c.lat = row.lat, c.lon = row.lon
