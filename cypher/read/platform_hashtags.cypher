// read/platform_hashtags.cypher: read/hashtags over the posts of one platform's accounts.
MATCH (h:Hashtag)<-[:TAGGED]-(p:Post)<-[:POSTED]-(author:Account)
WHERE CASE WHEN author.id STARTS WITH 'did:' THEN 'bluesky'
           WHEN author.id STARTS WITH 'acct:' THEN 'mastodon' ELSE 'twitter' END = $platform
RETURN h.tag AS tag, count(p) AS posts, count(DISTINCT author) AS accounts,
       min(p.created_at).epochSeconds AS first_at
ORDER BY posts DESC, tag
