// writeback/clear_in_community.cypher: drop community memberships, in batches.
// $batch_size: relationships per inner transaction. Runs in an auto-commit transaction.
MATCH (:Account)-[m:IN_COMMUNITY]->(:Community)
CALL (m) {
  DELETE m
} IN TRANSACTIONS OF $batch_size ROWS
