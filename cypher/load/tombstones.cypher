// load/tombstones.cypher: remember the ids of deleted posts and reposts (Bluesky delete events),
// so that no later batch, reload or parallel load stores them again (record keys are never reused).
// $ids: list of post ids, unique.
UNWIND $ids AS id
MERGE (:Deleted {id: id})
