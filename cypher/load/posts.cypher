// load/posts.cypher: store the posts not stored before, with their links; returns the new ones' ids.
// $rows: list of {id, author_id, created_at (epoch s), kind, text, lang, ref_author_id,
// reply_to_author_id, tags, mention_ids, place_id, place_full_name, place_country_code, place_lat,
// place_lon, lat, lon}.
// A post is new when it has no created_at yet: never seen, or only known as the target of a
// retweet, quote or reply (a stub). Only new posts get links, so CREATE makes each link once;
// the caller adds only new posts' interactions to the aggregated edges, so counts stay exact
// across reloads, and a retried transaction starts over from the same state.
// replan=skip: index seeks at any size; re-planning as a load grows the graph cost ~1/5 of the server
CYPHER replan=skip
UNWIND $rows AS row
MERGE (p:Post {id: row.id})
WITH p, row
WHERE p.created_at IS NULL
SET p.created_at = datetime({epochSeconds: row.created_at}), p.kind = row.kind,
    p.text = row.text, p.lang = row.lang, p.ref_author_id = row.ref_author_id,
    p.reply_to_author_id = row.reply_to_author_id,
    p.place_id = row.place_id, p.place_full_name = row.place_full_name,
    p.place_country_code = row.place_country_code, p.place_lat = row.place_lat,
    p.place_lon = row.place_lon, p.lat = row.lat, p.lon = row.lon
WITH p, row
MATCH (author:Account {id: row.author_id})
CALL (p, author) {
  // a stub's author, as a retweet named it, gives way to the post's own
  MATCH (other:Account)-[stale:POSTED]->(p)
  WHERE other <> author
  DELETE stale
}
MERGE (author)-[:POSTED]->(p)
WITH p, row
CALL (p, row) {
  UNWIND row.tags AS tag
  MERGE (h:Hashtag {tag: tag})
  CREATE (p)-[:TAGGED]->(h)
}
CALL (p, row) {
  UNWIND row.mention_ids AS account_id
  MATCH (m:Account {id: account_id})
  CREATE (p)-[:MENTIONS]->(m)
}
RETURN row.id AS id
