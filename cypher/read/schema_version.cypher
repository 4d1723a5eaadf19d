// read/schema_version.cypher: the version of tagjack's graph model this database holds, one row.
// version is null for a database no tagjack of version 2 or later has written to; data tells
// whether it holds anything of tagjack's (then an older tagjack made it: quotes as retweets).
CALL () { OPTIONAL MATCH (s:Schema {id: 'tagjack'}) RETURN s.version AS version }
CALL () {
  RETURN EXISTS { MATCH (:Post) } OR EXISTS { MATCH ()-[:RETWEETED|MENTIONED]->() } AS data
}
RETURN version, data
