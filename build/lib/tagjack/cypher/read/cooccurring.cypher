// read/cooccurring.cypher: tags used in the same posts as $tag, with the number of such posts.
MATCH (:Hashtag {tag: $tag})<-[:TAGGED]-(p:Post)-[:TAGGED]->(other:Hashtag)
WHERE other.tag <> $tag
RETURN other.tag AS tag, count(p) AS posts
