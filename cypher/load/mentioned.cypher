// load/mentioned.cypher: add the mentions of this batch's new posts to aggregated :MENTIONED edges.
// $rows: list of {source_id, target_id, count, first_at, last_at} (epoch s), one per pair,
// summed by the store over new posts only (self-interactions kept: they are data), so a reload adds 0.
// The writes are the MERGE's own ON CREATE / ON MATCH: PROFILE shows no Eager barrier.
// replan=skip: index seeks at any size; re-planning as a load grows the graph cost ~1/5 of the server
CYPHER replan=skip
UNWIND $rows AS row
MATCH (source:Account {id: row.source_id})
MATCH (target:Account {id: row.target_id})
MERGE (source)-[r:MENTIONED]->(target)
  ON CREATE SET r.count = row.count, r.first_at = datetime({epochSeconds: row.first_at}),
                r.last_at = datetime({epochSeconds: row.last_at})
  ON MATCH SET r.count = coalesce(r.count, 0) + row.count,
               r.first_at = CASE WHEN r.first_at IS NULL OR row.first_at < r.first_at.epochSeconds
                                 THEN datetime({epochSeconds: row.first_at}) ELSE r.first_at END,
               r.last_at = CASE WHEN r.last_at IS NULL OR row.last_at > r.last_at.epochSeconds
                                THEN datetime({epochSeconds: row.last_at}) ELSE r.last_at END
