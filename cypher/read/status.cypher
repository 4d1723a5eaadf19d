// read/status.cypher: totals in the store, one row.
// Stored posts are the :Post nodes with created_at (stubs of referenced posts have none).
CALL () { MATCH (p:Post) WHERE p.created_at IS NOT NULL RETURN count(p) AS posts }
CALL () { MATCH (a:Account) RETURN count(a) AS accounts }
CALL () { MATCH (h:Hashtag) RETURN count(h) AS hashtags }
CALL () { MATCH (:Account)-[:LOCATED_IN]->(c:City) RETURN count(DISTINCT c) AS cities }
CALL () { MATCH ()-[r:RETWEETED]->() RETURN count(r) AS retweet_edges }
CALL () { MATCH ()-[r:QUOTED]->() RETURN count(r) AS quote_edges }
CALL () { MATCH ()-[r:REPLIED_TO]->() RETURN count(r) AS reply_edges }
CALL () { MATCH ()-[r:MENTIONED]->() RETURN count(r) AS mention_edges }
CALL () { MATCH (c:Community) RETURN count(c) AS communities }
RETURN posts, accounts, hashtags, cities, retweet_edges, quote_edges, reply_edges, mention_edges,
       communities
