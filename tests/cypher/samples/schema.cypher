// schema.cypher: constraints and indexes, applied before any load (idempotent).
CREATE CONSTRAINT account_id IF NOT EXISTS FOR (a:Account) REQUIRE a.id IS UNIQUE;
CREATE CONSTRAINT post_id IF NOT EXISTS FOR (p:Post) REQUIRE p.id IS UNIQUE;
CREATE CONSTRAINT hashtag_tag IF NOT EXISTS FOR (h:Hashtag) REQUIRE h.tag IS UNIQUE;
CREATE CONSTRAINT city_id IF NOT EXISTS FOR (c:City) REQUIRE c.id IS UNIQUE;
CREATE CONSTRAINT community_run_id IF NOT EXISTS FOR (c:Community) REQUIRE (c.run, c.id) IS UNIQUE;
CREATE INDEX account_handle IF NOT EXISTS FOR (a:Account) ON (a.handle);
CREATE INDEX post_created_at IF NOT EXISTS FOR (p:Post) ON (p.created_at);
CREATE INDEX retweeted_first_at IF NOT EXISTS FOR ()-[r:RETWEETED]-() ON (r.first_at);
