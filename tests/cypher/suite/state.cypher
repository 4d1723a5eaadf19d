// What the test suite finds in a database before it writes or wipes anything: how many nodes
// it holds, and how many of them are the suite's marker (tests/neo4j_server.py, claim()).
CALL () { MATCH (n) RETURN count(n) AS nodes }
CALL () { MATCH (m:TagjackTestSuite) RETURN count(m) AS markers }
RETURN nodes, markers
