// city_spread: the cities whose accounts posted $hashtag, in order of first use, with how many accounts and posts (cities from the last analysis). $hashtag: the tag. $platform: one platform's accounts (null: all).
MATCH (:Hashtag {tag: $hashtag})<-[:TAGGED]-(p:Post)<-[:POSTED]-(a:Account)-[:LOCATED_IN]->(c:City)
WHERE c.name IS NOT NULL
  AND ($platform IS NULL OR CASE WHEN a.id STARTS WITH 'did:' THEN 'bluesky'
       WHEN a.id STARTS WITH 'acct:' THEN 'mastodon' ELSE 'twitter' END = $platform)
WITH c, min(p.created_at) AS first_at, count(DISTINCT a) AS accounts, count(p) AS posts
RETURN c.name AS city, c.country AS country, first_at, accounts, posts
ORDER BY first_at, city, c.id
