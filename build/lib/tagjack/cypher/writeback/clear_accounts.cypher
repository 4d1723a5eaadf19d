// writeback/clear_accounts.cypher: remove the last run's results from every account, in batches.
// $labels: every display label write-back may have set; $batch_size: accounts per inner
// transaction. Runs in an auto-commit transaction.
MATCH (a:Account)
WHERE a.community IS NOT NULL OR a.pagerank IS NOT NULL OR a.amplifier_score IS NOT NULL
   OR a.role IS NOT NULL OR a.city IS NOT NULL
CALL (a) {
  REMOVE a.community, a.pagerank, a.amplifier_score, a.role, a.city, a:$($labels)
} IN TRANSACTIONS OF $batch_size ROWS
