// load/quoted.cypher: add the quotes of this batch's new posts to aggregated :QUOTED edges.
// $rows: list of {source_id, target_id, count, first_at, last_at} (epoch s), one per pair,
// summed by the store over new posts only (self-interactions kept: they are data), so a reload adds 0.
UNWIND $rows AS row
MATCH (source:Account {id: row.source_id})
MATCH (target:Account {id: row.target_id})
MERGE (source)-[r:QUOTED]->(target)
  ON CREATE SET r.count = 0
WITH r, row, datetime({epochSeconds: row.first_at}) AS first_at,
     datetime({epochSeconds: row.last_at}) AS last_at
SET r.count = r.count + row.count,
    r.first_at = CASE WHEN r.first_at IS NULL OR first_at < r.first_at THEN first_at ELSE r.first_at END,
    r.last_at = CASE WHEN r.last_at IS NULL OR last_at > r.last_at THEN last_at ELSE r.last_at END
