// gds/project.cypher: project the undirected graph of weighted ties into GDS.
// $graph_name: catalog name; $retweet_weight, $quote_weight, $reply_weight, $mention_weight:
// what one interaction of each kind weighs (graph/analytics/projection.Ties). Weight A-B = the
// sum of weight * count over both directions and the four types, like
// graph/analytics/pipeline.community_graph; self-loops and pairs weighing nothing left out.
MATCH (source:Account)-[r:RETWEETED|QUOTED|REPLIED_TO|MENTIONED]->(target:Account)
WHERE source <> target
// one undirected edge per pair: both directions and all types summed
WITH CASE WHEN source.id < target.id THEN source ELSE target END AS a,
     CASE WHEN source.id < target.id THEN target ELSE source END AS b,
     CASE type(r) WHEN 'RETWEETED' THEN $retweet_weight WHEN 'QUOTED' THEN $quote_weight
                  WHEN 'REPLIED_TO' THEN $reply_weight ELSE $mention_weight END * r.count AS w
WITH a, b, sum(w) AS weight
WHERE weight > 0
RETURN gds.graph.project($graph_name, a, b,
                         {relationshipProperties: {weight: toFloat(weight)}},
                         {undirectedRelationshipTypes: ['*']}) AS g
