// account_neighbourhood: the accounts $handle retweeted or mentioned (out) and that retweeted or mentioned it (in), heaviest first. $handle: the account's handle; $limit: rows.
MATCH (a:Account)
WHERE toLower(a.handle) = toLower($handle)
WITH a ORDER BY a.id STARTS WITH '@', a.id LIMIT 1
MATCH (a)-[r:RETWEETED|MENTIONED]-(b:Account)
WHERE b <> a
RETURN b.handle AS handle, CASE type(r) WHEN 'RETWEETED' THEN 'retweet' ELSE 'mention' END AS type,
       CASE WHEN startNode(r) = a THEN 'out' ELSE 'in' END AS direction, r.count AS weight,
       b.community AS community
ORDER BY weight DESC, handle, type, direction, b.id
LIMIT $limit
