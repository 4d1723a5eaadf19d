// load/retweeted.cypher: aggregated retweet edges, exact across reloads.
// $rows: list of {source_id, target_id, new_count, first_at, last_at}, where
// new_count counts only the retweets this batch stored for the first time
UNWIND $rows AS row
MATCH (src:Account {id: row.source_id})
MATCH (dst:Account {id: row.target_id})
MERGE (src)-[r:RETWEETED]->(dst)
  ON CREATE SET r.count = 0
WITH r, row, datetime(row.first_at) AS first_at, datetime(row.last_at) AS last_at
SET r.count = r.count + row.new_count,
    r.first_at = CASE WHEN r.first_at IS NULL OR first_at < r.first_at THEN first_at ELSE r.first_at END,
    r.last_at = CASE WHEN r.last_at IS NULL OR last_at > r.last_at THEN last_at ELSE r.last_at END
