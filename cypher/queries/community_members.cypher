// community_members: the members of community $community (from the last analysis), most central (PageRank) first. $community: community id; $limit: rows. $platform: one platform's accounts (null: all).
MATCH (a:Account)
WHERE a.community = $community
  AND ($platform IS NULL OR CASE WHEN a.id STARTS WITH 'did:' THEN 'bluesky'
       WHEN a.id STARTS WITH 'acct:' THEN 'mastodon' ELSE 'twitter' END = $platform)
RETURN a.handle AS handle, a.pagerank AS pagerank, a.amplifier_score AS score, a.role AS role,
       a.followers AS followers
ORDER BY coalesce(a.pagerank, 0.0) DESC, handle, a.id
LIMIT $limit
