// community_bridges: members of community $community who retweeted, quoted, replied to or mentioned members of other communities, or were by them, those reaching most communities first. $community: community id; $limit: rows. $platform: one platform's accounts (null: all).
MATCH (a:Account)-[r:RETWEETED|QUOTED|REPLIED_TO|MENTIONED]-(b:Account)
WHERE a.community = $community AND b.community IS NOT NULL AND b.community <> $community
  AND ($platform IS NULL OR CASE WHEN a.id STARTS WITH 'did:' THEN 'bluesky'
       WHEN a.id STARTS WITH 'acct:' THEN 'mastodon' ELSE 'twitter' END = $platform)
WITH a, count(DISTINCT b.community) AS other_communities, count(DISTINCT b) AS neighbours,
     sum(r.count) AS weight
RETURN a.handle AS handle, other_communities, neighbours, weight
ORDER BY other_communities DESC, weight DESC, handle, a.id
LIMIT $limit
