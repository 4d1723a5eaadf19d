// read/account_ids.cypher: every account id in id order (the store numbers them: account keys).
MATCH (a:Account)
WHERE a.id IS NOT NULL
RETURN a.id AS id
ORDER BY a.id
