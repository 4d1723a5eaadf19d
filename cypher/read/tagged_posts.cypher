// read/tagged_posts.cypher: the posts tagged $tag as columns, oldest first. $tag: normalised hashtag.
MATCH (:Hashtag {tag: $tag})<-[:TAGGED]-(p:Post)<-[:POSTED]-(author:Account)
RETURN author.id AS author, p.created_at.epochSeconds AS created_at, p.kind AS kind,
       p.ref_author_id AS ref_author, p.reply_to_author_id AS reply_author
ORDER BY p.created_at, p.id
