// read/platform_cooccurring.cypher: read/cooccurring over the posts of one platform's accounts.
MATCH (:Hashtag {tag: $tag})<-[:TAGGED]-(p:Post)-[:TAGGED]->(other:Hashtag)
WHERE other.tag <> $tag
  AND EXISTS { MATCH (author:Account)-[:POSTED]->(p)
               WHERE CASE WHEN author.id STARTS WITH 'did:' THEN 'bluesky'
                          WHEN author.id STARTS WITH 'acct:' THEN 'mastodon'
                          ELSE 'twitter' END = $platform }
RETURN other.tag AS tag, count(p) AS posts
