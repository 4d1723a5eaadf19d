// load/stubs.cypher: create the posts this batch refers to (retweeted, quoted, replied to) that
// no node is yet, as stubs: an id and nothing else, until the post itself is loaded (load/posts).
// $ids: list of post ids, unique and sorted; load/post_states said none is a node yet. A
// concurrent load that created the same stub first makes this fail on the post_id constraint;
// the store then runs the batch again.
// replan=skip: index seeks at any size; re-planning as a load grows the graph cost ~1/5 of the server
CYPHER replan=skip
UNWIND $ids AS id
CREATE (:Post {id: id})
