// load/quotes.cypher: link this batch's new quotes to the posts they refer to. Every node is there
// already: the new posts (load/new_posts, load/posts) and the referred posts, stored or stubs
// (load/stubs), so this only MATCHes and CREATEs the link: no MERGE, no Eager barrier. CREATE
// makes each link once: only posts new in this transaction come here, and they have no links yet.
// $rows: list of {id, ref_id}, sorted by id.
// replan=skip: index seeks at any size; re-planning as a load grows the graph cost ~1/5 of the server
CYPHER replan=skip
UNWIND $rows AS row
MATCH (p:Post {id: row.id})
MATCH (ref:Post {id: row.ref_id})
CREATE (p)-[:QUOTES]->(ref)
