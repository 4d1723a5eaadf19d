// coordinated_groups: the coordinated groups `tagjack coordination` found (accounts acting on the same posts within seconds, beyond chance), largest first. $limit: rows. $platform: one platform's accounts (null: all).
MATCH (a:Account)-[r:COORDINATED_WITH]->(b:Account)
WHERE ($platform IS NULL OR CASE WHEN a.id STARTS WITH 'did:' THEN 'bluesky'
       WHEN a.id STARTS WITH 'acct:' THEN 'mastodon' ELSE 'twitter' END = $platform)
WITH r.kind AS kind, r.group AS group, count(r) AS pairs, max(r.window_s) AS window_s,
     collect(a.handle) + collect(b.handle) AS handles
UNWIND handles AS handle
WITH kind, group, pairs, window_s, handle
ORDER BY handle
WITH kind, group, pairs, window_s, collect(DISTINCT handle) AS members
RETURN kind, group, size(members) AS size, pairs, window_s, members
ORDER BY size DESC, kind, group
LIMIT $limit
