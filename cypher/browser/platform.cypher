// browser/platform: one platform's interaction network in Neo4j Browser (tagjack browser --platform prints it with the :param line that sets $platform). $platform: twitter, bluesky or mastodon.
MATCH (a:Account)-[r:RETWEETED|QUOTED|REPLIED_TO|MENTIONED]->(b:Account)
WHERE CASE WHEN a.id STARTS WITH 'did:' THEN 'bluesky'
           WHEN a.id STARTS WITH 'acct:' THEN 'mastodon' ELSE 'twitter' END = $platform
RETURN a, r, b
ORDER BY r.count DESC
LIMIT 300
