// load/inherited_tags.cypher: Bluesky reposts take their originals' hashtags (a repost record names
// none). For each new post of $ids: a repost takes its original's tags, if the original is stored;
// an original gives its tags to the reposts stored before it. MERGE: a reload changes nothing.
// $ids: list of new Bluesky post ids (at:// URIs), unique.
UNWIND $ids AS id
MATCH (p:Post {id: id})
CALL (p) {
  MATCH (p)-[:RETWEETS]->(original:Post)-[:TAGGED]->(h:Hashtag)
  WHERE original.id STARTS WITH 'at://'
  MERGE (p)-[:TAGGED]->(h)
}
CALL (p) {
  MATCH (repost:Post)-[:RETWEETS]->(p)-[:TAGGED]->(h:Hashtag)
  MERGE (repost)-[:TAGGED]->(h)
}
