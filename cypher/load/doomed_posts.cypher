// load/doomed_posts.cypher: the stored posts among $ids (about to be deleted), with what they
// count in the aggregated edges and the posts they refer to.
// $ids: list of post ids, unique.
UNWIND $ids AS id
MATCH (author:Account)-[:POSTED]->(p:Post {id: id})
WHERE p.created_at IS NOT NULL
RETURN p.id AS id, author.id AS author_id, p.kind AS kind, p.ref_author_id AS ref_author_id,
       p.reply_to_author_id AS reply_to_author_id,
       COLLECT { MATCH (p)-[:MENTIONS]->(m:Account) RETURN m.id } AS mention_ids,
       COLLECT { MATCH (p)-[:RETWEETS|QUOTES|REPLIES_TO]->(ref:Post) RETURN ref.id } AS ref_ids
