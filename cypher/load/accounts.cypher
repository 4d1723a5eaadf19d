// load/accounts.cypher: upsert accounts; a known value is never replaced by an unknown one.
// $rows: list of {id, handle, name, followers, location_text}, merged per id by the store
// ('' or null = unknown). Accounts only referenced by a post arrive as stubs with ''.
UNWIND $rows AS row
MERGE (a:Account {id: row.id})
  ON CREATE SET a.handle = row.handle, a.name = row.name, a.followers = row.followers,
                a.location_text = row.location_text
  ON MATCH SET a.handle = CASE WHEN row.handle <> '' THEN row.handle ELSE a.handle END,
               a.name = CASE WHEN row.name <> '' THEN row.name ELSE a.name END,
               a.followers = coalesce(row.followers, a.followers),
               a.location_text = CASE WHEN row.location_text <> '' THEN row.location_text
                                      ELSE a.location_text END
