// writeback/in_community.cypher: link accounts to their :Community of run $run.
// $run: run id; $rows: list of {id, community}
UNWIND $rows AS row
MATCH (a:Account {id: row.id})
MATCH (c:Community {run: $run, id: row.community})
MERGE (a)-[:IN_COMMUNITY]->(c)
