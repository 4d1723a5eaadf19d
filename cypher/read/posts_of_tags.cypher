// read/posts_of_tags.cypher: the posts of each of $tags as columns, by tag, oldest first.
// $tags: list of distinct normalised hashtags; a tag without posts gives no rows.
UNWIND $tags AS tag
MATCH (:Hashtag {tag: tag})<-[:TAGGED]-(p:Post)<-[:POSTED]-(author:Account)
RETURN tag, author.id AS author, p.created_at.epochSeconds AS created_at, p.kind AS kind,
       p.ref_author_id AS ref_author, p.reply_to_author_id AS reply_author
ORDER BY tag, p.created_at, p.id
