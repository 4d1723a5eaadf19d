// read/accounts.cypher: every account's profile columns.
MATCH (a:Account)
RETURN a.id AS id, coalesce(a.handle, '') AS handle, coalesce(a.name, '') AS name,
       coalesce(a.followers, 0) AS followers, coalesce(a.location_text, '') AS location_text
