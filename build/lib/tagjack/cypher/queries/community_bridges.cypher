// community_bridges: members of community $community who retweeted, mentioned or were retweeted or mentioned by other communities, those reaching most communities first. $community: community id; $limit: rows.
MATCH (a:Account)-[r:RETWEETED|MENTIONED]-(b:Account)
WHERE a.community = $community AND b.community IS NOT NULL AND b.community <> $community
WITH a, count(DISTINCT b.community) AS other_communities, count(DISTINCT b) AS neighbours,
     sum(r.count) AS weight
RETURN a.handle AS handle, other_communities, neighbours, weight
ORDER BY other_communities DESC, weight DESC, handle, a.id
LIMIT $limit
