// writeback/clear_cities.cypher: drop the last run's :City nodes (locations first).
// $batch_size: nodes per inner transaction. Runs in an auto-commit transaction.
MATCH (c:City)
CALL (c) {
  DETACH DELETE c
} IN TRANSACTIONS OF $batch_size ROWS
