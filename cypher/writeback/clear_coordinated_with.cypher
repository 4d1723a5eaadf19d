// writeback/clear_coordinated_with.cypher: remove the coordinated pairs of one kind ($kind: co_retweet, co_reply).
MATCH (:Account)-[r:COORDINATED_WITH {kind: $kind}]->(:Account)
DELETE r
