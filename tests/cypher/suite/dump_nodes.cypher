// Every node of tagjack's graph as its labels and properties, to compare two databases as data
// (tests/store/test_neo4j_admin.py: the bulk import against load --neo4j).
MATCH (n)
WHERE NOT n:TagjackTestSuite
RETURN labels(n) AS labels, properties(n) AS properties
