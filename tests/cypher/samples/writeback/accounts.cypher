// writeback/accounts.cypher: analysis results on :Account, for the Browser.
// $rows: list of {id, community, pagerank, amplifier_score, role}; $run: community run id
UNWIND $rows AS row
MATCH (a:Account {id: row.id})
SET a.community = row.community, a.pagerank = row.pagerank,
    a.amplifier_score = row.amplifier_score, a.role = row.role
WITH a, row
MATCH (c:Community {run: $run, id: row.community})
MERGE (a)-[:IN_COMMUNITY]->(c)
