// load/tombstoned.cypher: which of $ids name deleted posts (a :Deleted node): those are not stored.
// $ids: list of post ids, unique.
UNWIND $ids AS id
MATCH (d:Deleted {id: id})
RETURN d.id AS id
