// load/given_mentioned.cypher: :MENTIONED edges given as such (edge lists); a reload replaces, never adds.
// $rows: list of {source_id, target_id, weight, first_at, last_at} (epoch s or null).
// r.given remembers the given weight, so r.count = counted from posts + given stays exact.
// Returns how many edges were new or changed.
// replan=skip: index seeks at any size; re-planning as a load grows the graph cost ~1/5 of the server
CYPHER replan=skip
UNWIND $rows AS row
MATCH (source:Account {id: row.source_id})
MATCH (target:Account {id: row.target_id})
MERGE (source)-[r:MENTIONED]->(target)
  ON CREATE SET r.count = 0
WITH r, row,
     CASE WHEN row.first_at IS NULL THEN null ELSE datetime({epochSeconds: row.first_at}) END AS first_at,
     CASE WHEN row.last_at IS NULL THEN null ELSE datetime({epochSeconds: row.last_at}) END AS last_at
WITH r, row, first_at, last_at,
     r.given IS NULL OR r.given <> row.weight
     OR (first_at IS NOT NULL AND (r.first_at IS NULL OR first_at < r.first_at))
     OR (last_at IS NOT NULL AND (r.last_at IS NULL OR last_at > r.last_at)) AS changed
SET r.count = r.count - coalesce(r.given, 0) + row.weight,
    r.given = row.weight,
    r.first_at = CASE WHEN first_at IS NOT NULL AND (r.first_at IS NULL OR first_at < r.first_at)
                      THEN first_at ELSE r.first_at END,
    r.last_at = CASE WHEN last_at IS NOT NULL AND (r.last_at IS NULL OR last_at > r.last_at)
                     THEN last_at ELSE r.last_at END
RETURN count(CASE WHEN changed THEN 1 END) AS changed
