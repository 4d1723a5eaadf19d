// load/stub_authors.cypher: the author of a stub post, as the referring post names it: for stubs
// created in this batch and for older stubs that had none (load/post_states said which).
// $rows: list of {id, author_id}, one per stub, sorted by id; the author's account was written
// before in the same transaction (load/accounts). A stub keeps one author until the post itself
// is loaded and its own author replaces it (load/posts).
// replan=skip: index seeks at any size; re-planning as a load grows the graph cost ~1/5 of the server
CYPHER replan=skip
UNWIND $rows AS row
MATCH (p:Post {id: row.id})
MATCH (author:Account {id: row.author_id})
CREATE (author)-[:POSTED]->(p)
