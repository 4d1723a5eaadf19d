// load/post_states.cypher: which of $ids are already Post nodes, whether each is stored
// (has created_at) or only a stub (the target of a retweet, quote or reply), and whether it has
// an author. Ids not returned are absent: the store CREATEs those posts (load/new_posts) and
// stubs (load/stubs), and MERGEs only the stubs that become stored posts (load/posts).
// $ids: list of post ids, unique (the batch's posts and the posts they refer to).
// replan=skip: index seeks at any size; re-planning as a load grows the graph cost ~1/5 of the server
CYPHER replan=skip
UNWIND $ids AS id
MATCH (p:Post {id: id})
RETURN id, p.created_at IS NOT NULL AS stored, EXISTS { (:Account)-[:POSTED]->(p) } AS authored
