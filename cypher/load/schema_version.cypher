// load/schema_version.cypher: mark the database as holding tagjack's graph model $version
// (written with every batch, so an older tagjack's data is never read as this version's).
MERGE (s:Schema {id: 'tagjack'})
SET s.version = $version
