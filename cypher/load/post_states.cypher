// load/post_states.cypher: which of $ids are already Post nodes, and whether each is stored
// (has created_at) or only a stub (the target of a retweet, quote or reply). Ids not returned
// are absent: the store CREATEs those posts (load/new_posts) and MERGEs only the stubs.
// $ids: list of post ids, unique.
UNWIND $ids AS id
MATCH (p:Post {id: id})
RETURN id, p.created_at IS NOT NULL AS stored
