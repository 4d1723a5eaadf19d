// The test suite's marker, written only into a database the suite found empty: a database
// holding nodes but no marker is someone's data, and the suite never wipes it.
MERGE (:TagjackTestSuite)
