// read/replied_to.cypher: aggregated :REPLIED_TO edges, all posts (edges given without times read as 0).
MATCH (source:Account)-[r:REPLIED_TO]->(target:Account)
RETURN source.id AS source, target.id AS target, r.count AS weight,
       coalesce(r.first_at.epochSeconds, 0) AS first_at, coalesce(r.last_at.epochSeconds, 0) AS last_at
