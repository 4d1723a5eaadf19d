// read/hashtag_counts.cypher: posts per hashtag in use, from each hashtag's degree.
// load/posts links a post to its tags only with its author, so these are the posts of
// read/hashtags without its walk to every author and creation time.
MATCH (h:Hashtag)
WITH h.tag AS tag, COUNT { (h)<-[:TAGGED]-() } AS posts
WHERE posts > 0
RETURN tag, posts
