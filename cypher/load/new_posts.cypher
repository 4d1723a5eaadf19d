// load/new_posts.cypher: create posts no node has yet (load/post_states said so), with their links.
// $rows: as load/posts takes them. Nothing to merge: the post, its POSTED, TAGGED and MENTIONS
// are new, its author and mentioned accounts (load/accounts) and hashtags (load/hashtags) were
// written before in the same transaction. A concurrent load that created the same post first
// makes this fail on the post_id constraint; the store then runs the batch again.
// replan=skip: index seeks at any size; re-planning as a load grows the graph cost ~1/5 of the server
CYPHER replan=skip
UNWIND $rows AS row
MATCH (author:Account {id: row.author_id})
CREATE (author)-[:POSTED]->(p:Post {id: row.id})
SET p.created_at = datetime({epochSeconds: row.created_at}), p.kind = row.kind,
    p.text = row.text, p.lang = row.lang, p.ref_author_id = row.ref_author_id,
    p.reply_to_author_id = row.reply_to_author_id,
    p.place_id = row.place_id, p.place_full_name = row.place_full_name,
    p.place_country_code = row.place_country_code, p.place_lat = row.place_lat,
    p.place_lon = row.place_lon, p.lat = row.lat, p.lon = row.lon
WITH p, row
CALL (p, row) {
  UNWIND row.tags AS tag
  MATCH (h:Hashtag {tag: tag})
  CREATE (p)-[:TAGGED]->(h)
}
CALL (p, row) {
  UNWIND row.mention_ids AS account_id
  MATCH (m:Account {id: account_id})
  CREATE (p)-[:MENTIONS]->(m)
}
