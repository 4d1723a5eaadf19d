// writeback/clear_run.cypher: forget the last run first, so a write-back cut short reads as none.
MATCH (r:Run)
DELETE r
