// origin_retweeters: who retweeted $handle's $hashtag posts, earliest first (the campaign's own amplifiers come early; quotes and replies are in origin_engagement). $handle: the origin's handle; $hashtag: the tag; $limit: rows. $platform: one platform's accounts (null: all).
MATCH (o:Account)
WHERE toLower(o.handle) = toLower($handle)
  AND ($platform IS NULL OR CASE WHEN o.id STARTS WITH 'did:' THEN 'bluesky'
       WHEN o.id STARTS WITH 'acct:' THEN 'mastodon' ELSE 'twitter' END = $platform)
WITH o ORDER BY o.id STARTS WITH '@', o.id LIMIT 1
MATCH (:Hashtag {tag: $hashtag})<-[:TAGGED]-(p:Post)<-[:POSTED]-(x:Account)
WHERE p.kind = 'retweet' AND p.ref_author_id = o.id AND x <> o
WITH x, count(p) AS retweets, min(p.created_at) AS first_at
RETURN x.handle AS handle, retweets, first_at, x.community AS community, x.followers AS followers
ORDER BY first_at, handle, x.id
LIMIT $limit
