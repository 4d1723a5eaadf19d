// writeback/clear_communities.cypher: drop the last run's :Community nodes (memberships first).
// $batch_size: nodes per inner transaction. Runs in an auto-commit transaction.
MATCH (c:Community)
CALL (c) {
  DETACH DELETE c
} IN TRANSACTIONS OF $batch_size ROWS
