// read/results.cypher: every account's written-back results and city.
MATCH (a:Account)
OPTIONAL MATCH (a)-[l:LOCATED_IN]->(c:City)
RETURN a.id AS id, a.community AS community, a.pagerank AS pagerank,
       a.amplifier_score AS amplifier_score, a.role AS role, c.id AS city_id, l.source AS city_source
