// community_members: the members of community $community (from the last analysis), most central (PageRank) first. $community: community id; $limit: rows.
MATCH (a:Account)
WHERE a.community = $community
RETURN a.handle AS handle, a.pagerank AS pagerank, a.amplifier_score AS score, a.role AS role,
       a.followers AS followers
ORDER BY coalesce(a.pagerank, 0.0) DESC, handle, a.id
LIMIT $limit
