// schema: constraints and indexes, applied on every open before any load (IF NOT EXISTS: idempotent).
// Uniqueness constraints back every MERGE key with an index, so a batch MERGE is a lookup.
CREATE CONSTRAINT account_id IF NOT EXISTS FOR (a:Account) REQUIRE a.id IS UNIQUE;
CREATE CONSTRAINT post_id IF NOT EXISTS FOR (p:Post) REQUIRE p.id IS UNIQUE;
CREATE CONSTRAINT hashtag_tag IF NOT EXISTS FOR (h:Hashtag) REQUIRE h.tag IS UNIQUE;
CREATE CONSTRAINT city_id IF NOT EXISTS FOR (c:City) REQUIRE c.id IS UNIQUE;
CREATE CONSTRAINT community_run_id IF NOT EXISTS FOR (c:Community) REQUIRE (c.run, c.id) IS UNIQUE;
CREATE CONSTRAINT run_id IF NOT EXISTS FOR (r:Run) REQUIRE r.id IS UNIQUE;
CREATE CONSTRAINT schema_id IF NOT EXISTS FOR (s:Schema) REQUIRE s.id IS UNIQUE;
CREATE CONSTRAINT deleted_id IF NOT EXISTS FOR (d:Deleted) REQUIRE d.id IS UNIQUE;
// Stored posts have created_at (a post known only as a retweet's target has none):
// counts and time-ordered reads go through this index.
CREATE INDEX post_created_at IF NOT EXISTS FOR (p:Post) ON (p.created_at);
CREATE INDEX account_handle IF NOT EXISTS FOR (a:Account) ON (a.handle);
CREATE INDEX account_community IF NOT EXISTS FOR (a:Account) ON (a.community);
