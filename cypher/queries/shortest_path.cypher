// shortest_path: the shortest chain of retweets, quotes, replies and mentions (either direction, at most 6 hops) linking $source to $target; of several, the first by handles. $source, $target: handles. $platform: one platform's accounts (null: all).
MATCH (a:Account)
WHERE toLower(a.handle) = toLower($source)
  AND ($platform IS NULL OR CASE WHEN a.id STARTS WITH 'did:' THEN 'bluesky'
       WHEN a.id STARTS WITH 'acct:' THEN 'mastodon' ELSE 'twitter' END = $platform)
WITH a ORDER BY a.id STARTS WITH '@', a.id LIMIT 1
MATCH (b:Account)
WHERE toLower(b.handle) = toLower($target)
  AND ($platform IS NULL OR CASE WHEN b.id STARTS WITH 'did:' THEN 'bluesky'
       WHEN b.id STARTS WITH 'acct:' THEN 'mastodon' ELSE 'twitter' END = $platform)
WITH a, b ORDER BY b.id STARTS WITH '@', b.id LIMIT 1
WITH a, b WHERE a <> b  // allShortestPaths refuses a path from a node to itself
MATCH path = allShortestPaths((a)-[:RETWEETED|QUOTED|REPLIED_TO|MENTIONED*..6]-(b))
WITH [n IN nodes(path) | n.handle] AS handles, [n IN nodes(path) | n.id] AS ids
ORDER BY handles, ids
LIMIT 1
RETURN size(handles) - 1 AS hops, handles AS path
