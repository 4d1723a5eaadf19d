// writeback/clear_located_in.cypher: drop account cities, in batches.
// $batch_size: relationships per inner transaction. Runs in an auto-commit transaction.
MATCH (:Account)-[l:LOCATED_IN]->(:City)
CALL (l) {
  DELETE l
} IN TRANSACTIONS OF $batch_size ROWS
