// Every node but the suite's marker, $batch_size per transaction (their relationships are
// gone already: wipe_relationships.cypher runs first).
MATCH (n) WHERE NOT n:TagjackTestSuite
CALL (n) { DELETE n } IN TRANSACTIONS OF $batch_size ROWS
