// load/hashtags.cypher: the hashtags of this batch's new posts, before the posts that link to them
// (nodes before relationships: load/new_posts only MATCHes them, so it has no MERGE).
// $tags: list of normalized tags, unique and sorted (one lock order).
// replan=skip: index seeks at any size; re-planning as a load grows the graph cost ~1/5 of the server
CYPHER replan=skip
UNWIND $tags AS tag
MERGE (:Hashtag {tag: tag})
