// top_amplifiers: accounts whose $hashtag posts were retweeted or quoted most, by how many distinct accounts, and their reach (followers of those accounts). $hashtag: the tag; $limit: rows.
MATCH (:Hashtag {tag: $hashtag})<-[:TAGGED]-(p:Post)<-[:POSTED]-(retweeter:Account)
WHERE p.kind IN ['retweet', 'quote'] AND p.ref_author_id IS NOT NULL
  AND p.ref_author_id <> retweeter.id
WITH p.ref_author_id AS amplifier_id, count(p) AS retweets, collect(DISTINCT retweeter) AS retweeters
MATCH (amplifier:Account {id: amplifier_id})
RETURN amplifier.handle AS handle, amplifier.community AS community, retweets,
       size(retweeters) AS unique_retweeters,
       reduce(reach = 0, r IN retweeters | reach + coalesce(r.followers, 0)) AS reach,
       amplifier.amplifier_score AS score
ORDER BY retweets DESC, unique_retweeters DESC, handle, amplifier.id
LIMIT $limit
