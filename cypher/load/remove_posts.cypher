// load/remove_posts.cypher: take deleted posts out of the graph, as if they had never been stored.
// Their links go, and the tags Bluesky reposts had from them (load/inherited_tags); a post other
// posts still retweet, quote or answer stays as their stub (its id, and its author's POSTED), as a
// post known only as a target is; any other goes whole.
// $ids: list of post ids, unique.
UNWIND $ids AS id
MATCH (p:Post {id: id})
WHERE p.created_at IS NOT NULL
CALL (p) {
  MATCH (repost:Post)-[:RETWEETS]->(p)
  WHERE p.id STARTS WITH 'at://'
  MATCH (repost)-[inherited:TAGGED]->(:Hashtag)
  DELETE inherited
}
CALL (p) {
  MATCH (p)-[link:TAGGED|MENTIONS|RETWEETS|QUOTES|REPLIES_TO]->()
  DELETE link
}
WITH p, EXISTS { (:Post)-[:RETWEETS|QUOTES|REPLIES_TO]->(p) } AS referred
CALL (p, referred) {
  WITH p WHERE referred
  SET p = {id: p.id}
}
CALL (p, referred) {
  WITH p WHERE NOT referred
  DETACH DELETE p
}
