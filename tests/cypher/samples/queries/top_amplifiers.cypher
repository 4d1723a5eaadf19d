// queries/top_amplifiers.cypher: accounts whose $hashtag posts were retweeted most.
MATCH (:Hashtag {tag: $hashtag})<-[:TAGGED]-(original:Post)<-[:POSTED]-(author:Account)
MATCH (original)<-[:RETWEETS]-(rt:Post)<-[:POSTED]-(retweeter:Account)
WITH author, count(rt) AS retweets, collect(DISTINCT retweeter) AS retweeters
RETURN author.handle AS handle, author.community AS community, retweets,
       size(retweeters) AS unique_retweeters,
       reduce(reach = 0, r IN retweeters | reach + coalesce(r.followers, 0)) AS reach,
       author.amplifier_score AS score
ORDER BY score DESC, retweets DESC
LIMIT $top
