// read/platforms.cypher: accounts and stored posts per platform, which each account id names
// (model.platform_of: did: is Bluesky, acct: Mastodon, the rest Twitter).
MATCH (a:Account)
WITH a, CASE WHEN a.id STARTS WITH 'did:' THEN 'bluesky'
             WHEN a.id STARTS WITH 'acct:' THEN 'mastodon' ELSE 'twitter' END AS platform
RETURN platform, count(a) AS accounts,
       sum(COUNT { (a)-[:POSTED]->(p:Post) WHERE p.created_at IS NOT NULL }) AS posts
ORDER BY platform
