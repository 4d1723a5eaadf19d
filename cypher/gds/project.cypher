// gds/project.cypher: project the undirected weighted RETWEETED+QUOTED+MENTIONED graph into GDS.
// $graph_name: catalog name; $retweet_weight: weight per retweet or quote; $mention_weight:
// per mention. Weight A-B = retweet_weight * count + mention_weight * count over both
// directions, like graph/analytics/projection.projection(directed=False); self-loops left out.
MATCH (source:Account)-[r:RETWEETED|QUOTED|MENTIONED]->(target:Account)
WHERE source <> target
// one undirected edge per pair: both directions and both types summed
WITH CASE WHEN source.id < target.id THEN source ELSE target END AS a,
     CASE WHEN source.id < target.id THEN target ELSE source END AS b,
     CASE type(r) WHEN 'MENTIONED' THEN $mention_weight ELSE $retweet_weight END * r.count AS w
WITH a, b, sum(w) AS weight
WHERE weight > 0
RETURN gds.graph.project($graph_name, a, b,
                         {relationshipProperties: {weight: toFloat(weight)}},
                         {undirectedRelationshipTypes: ['*']}) AS g
