// writeback/communities.cypher: one :Community node per community of run $run.
// $run: run id; $rows: list of {id, size, role, label}
UNWIND $rows AS row
MERGE (c:Community {run: $run, id: row.id})
SET c.size = row.size, c.role = row.role, c.label = row.label
