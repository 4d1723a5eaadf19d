// writeback/coordinated_with.cypher: write coordinated pairs of kind $kind.
// $rows: list of {source, target (account ids), weight, window_s, group, posts, p_value}
UNWIND $rows AS row
MATCH (a:Account {id: row.source})
MATCH (b:Account {id: row.target})
MERGE (a)-[r:COORDINATED_WITH {kind: $kind}]->(b)
SET r.weight = row.weight, r.window_s = row.window_s, r.group = row.group, r.posts = row.posts,
    r.p_value = row.p_value
