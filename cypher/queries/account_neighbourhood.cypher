// account_neighbourhood: the accounts $handle retweeted, quoted, replied to or mentioned (out) and that did so to it (in), one row per kind, heaviest first. $handle: the account's handle; $limit: rows. $platform: one platform's accounts (null: all).
MATCH (a:Account)
WHERE toLower(a.handle) = toLower($handle)
  AND ($platform IS NULL OR CASE WHEN a.id STARTS WITH 'did:' THEN 'bluesky'
       WHEN a.id STARTS WITH 'acct:' THEN 'mastodon' ELSE 'twitter' END = $platform)
WITH a ORDER BY a.id STARTS WITH '@', a.id LIMIT 1
MATCH (a)-[r:RETWEETED|QUOTED|REPLIED_TO|MENTIONED]-(b:Account)
WHERE b <> a
RETURN b.handle AS handle,
       CASE type(r) WHEN 'RETWEETED' THEN 'retweet' WHEN 'QUOTED' THEN 'quote'
                    WHEN 'REPLIED_TO' THEN 'reply' ELSE 'mention' END AS type,
       CASE WHEN startNode(r) = a THEN 'out' ELSE 'in' END AS direction, r.count AS weight,
       b.community AS community
ORDER BY weight DESC, handle, type, direction, b.id
LIMIT $limit
