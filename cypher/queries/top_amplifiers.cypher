// top_amplifiers: accounts whose $hashtag posts were retweeted most, by how many distinct accounts, their reach (followers of those accounts), and the quotes they received (counted apart: a quote may mock). $hashtag: the tag; $limit: rows. $platform: one platform's accounts (null: all).
MATCH (:Hashtag {tag: $hashtag})<-[:TAGGED]-(p:Post)<-[:POSTED]-(retweeter:Account)
WHERE p.kind = 'retweet' AND p.ref_author_id IS NOT NULL
  AND p.ref_author_id <> retweeter.id
WITH p.ref_author_id AS amplifier_id, count(p) AS retweets, collect(DISTINCT retweeter) AS retweeters
MATCH (amplifier:Account {id: amplifier_id})
WHERE ($platform IS NULL OR CASE WHEN amplifier.id STARTS WITH 'did:' THEN 'bluesky'
       WHEN amplifier.id STARTS WITH 'acct:' THEN 'mastodon' ELSE 'twitter' END = $platform)
CALL (amplifier) {
  MATCH (:Hashtag {tag: $hashtag})<-[:TAGGED]-(q:Post {kind: 'quote'})<-[:POSTED]-(quoter:Account)
  WHERE q.ref_author_id = amplifier.id AND quoter <> amplifier
  RETURN count(q) AS quotes
}
RETURN amplifier.handle AS handle, amplifier.community AS community, retweets,
       size(retweeters) AS unique_retweeters, quotes,
       reduce(reach = 0, r IN retweeters | reach + coalesce(r.followers, 0)) AS reach,
       amplifier.amplifier_score AS score
ORDER BY retweets DESC, unique_retweeters DESC, handle, amplifier.id
LIMIT $limit
