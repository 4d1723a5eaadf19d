// load/recount_mentioned.cypher: count again the :MENTIONED edges that lost mentions to deletions, from the
// mentions that remain (plus a weight given by an edge list); an edge left with none goes.
// $rows: list of {source_id, target_id}, unique.
UNWIND $rows AS row
MATCH (source:Account {id: row.source_id})-[r:MENTIONED]->(target:Account {id: row.target_id})
CALL (source, target) {
  OPTIONAL MATCH (source)-[:POSTED]->(p:Post)-[:MENTIONS]->(target)
  RETURN count(p) AS n, min(p.created_at) AS first_at, max(p.created_at) AS last_at
}
WITH r, n, first_at, last_at, n + coalesce(r.given, 0) AS total
CALL (r, total) {
  WITH r WHERE total = 0
  DELETE r
}
CALL (r, n, total, first_at, last_at) {
  WITH r, n, first_at, last_at WHERE total > 0
  SET r.count = total,
      r.first_at = CASE WHEN n > 0 THEN first_at ELSE r.first_at END,
      r.last_at = CASE WHEN n > 0 THEN last_at ELSE r.last_at END
}
