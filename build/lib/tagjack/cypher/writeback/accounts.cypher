// writeback/accounts.cypher: results on :Account, so the Browser colours and sizes without joins.
// $rows: list of {id, community, pagerank, amplifier_score, role, city, labels}; community
// null = none; city: the city's name (null = unknown); labels: the display labels style.grass
// colours and sizes by (Browser styles go by label only), e.g. ["C0", "Hijacker", "Amplifier"].
UNWIND $rows AS row
MATCH (a:Account {id: row.id})
SET a.community = row.community, a.pagerank = row.pagerank,
    a.amplifier_score = row.amplifier_score, a.role = row.role, a.city = row.city,
    a:$(row.labels)
