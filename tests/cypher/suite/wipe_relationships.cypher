// Every relationship, $batch_size per transaction. Deleted before the nodes, so that no
// transaction holds a hub node's millions of relationships at once (DETACH DELETE would).
MATCH ()-[r]->()
CALL (r) { DELETE r } IN TRANSACTIONS OF $batch_size ROWS
