// read/hashtags.cypher: every hashtag with its posts, distinct authors and first use, most used first.
MATCH (h:Hashtag)<-[:TAGGED]-(p:Post)<-[:POSTED]-(author:Account)
RETURN h.tag AS tag, count(p) AS posts, count(DISTINCT author) AS accounts,
       min(p.created_at).epochSeconds AS first_at
ORDER BY posts DESC, tag
