// origin_engagement: who quoted or replied to $handle in $hashtag posts, most first (in a hijack, the dunk: engagement, not endorsement). $handle: the origin's handle; $hashtag: the tag; $limit: rows. $platform: one platform's accounts (null: all).
MATCH (o:Account)
WHERE toLower(o.handle) = toLower($handle)
  AND ($platform IS NULL OR CASE WHEN o.id STARTS WITH 'did:' THEN 'bluesky'
       WHEN o.id STARTS WITH 'acct:' THEN 'mastodon' ELSE 'twitter' END = $platform)
WITH o ORDER BY o.id STARTS WITH '@', o.id LIMIT 1
MATCH (:Hashtag {tag: $hashtag})<-[:TAGGED]-(p:Post)<-[:POSTED]-(x:Account)
WHERE x <> o AND ((p.kind = 'quote' AND p.ref_author_id = o.id) OR p.reply_to_author_id = o.id)
WITH x, sum(CASE WHEN p.kind = 'quote' AND p.ref_author_id = o.id THEN 1 ELSE 0 END) AS quotes,
     sum(CASE WHEN p.reply_to_author_id = o.id THEN 1 ELSE 0 END) AS replies,
     min(p.created_at) AS first_at
RETURN x.handle AS handle, quotes, replies, first_at, x.community AS community,
       x.followers AS followers
ORDER BY quotes + replies DESC, first_at, handle, x.id
LIMIT $limit
