// load/drop_stubs.cypher: stubs among $ids (posts known only as a target) that no post refers to
// any more, since the posts that did were deleted: they go.
// $ids: list of post ids, unique.
UNWIND $ids AS id
MATCH (p:Post {id: id})
WHERE p.created_at IS NULL AND NOT EXISTS { (:Post)-[:RETWEETS|QUOTES|REPLIES_TO]->(p) }
DETACH DELETE p
