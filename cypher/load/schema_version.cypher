// load/schema_version.cypher: mark the database as holding tagjack's graph model $version, with
// every batch, so an older tagjack's data is never read as this version's. The uniqueness
// constraint keeps concurrent loads to one node; a marker already there is only matched.
// replan=skip: index seeks at any size; re-planning as a load grows the graph cost ~1/5 of the server
CYPHER replan=skip
MERGE (s:Schema {id: 'tagjack'})
  ON CREATE SET s.version = $version
