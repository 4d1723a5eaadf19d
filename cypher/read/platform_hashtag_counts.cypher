// read/platform_hashtag_counts.cypher: posts per hashtag among one platform's posts.
MATCH (h:Hashtag)<-[:TAGGED]-(p:Post)<-[:POSTED]-(author:Account)
WHERE CASE WHEN author.id STARTS WITH 'did:' THEN 'bluesky'
           WHEN author.id STARTS WITH 'acct:' THEN 'mastodon' ELSE 'twitter' END = $platform
RETURN h.tag AS tag, count(p) AS posts
