// writeback/run.cypher: mark the write-back of run $run complete, with its summary.
// $run: run id; $meta: JSON text of the run's summary (engine, hashtag, modularity, ...)
CREATE (r:Run {id: $run, meta: $meta})
