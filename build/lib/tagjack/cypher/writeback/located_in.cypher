// writeback/located_in.cypher: where each account is, and from what evidence.
// $rows: list of {id, city_id, source}; source: place | coordinates | profile
UNWIND $rows AS row
MATCH (a:Account {id: row.id})
MERGE (c:City {id: row.city_id})
MERGE (a)-[l:LOCATED_IN]->(c)
SET l.source = row.source
