// load/accounts.cypher: upsert accounts; values merge the same in any order (see merge_account):
// text fields keep the non-empty value (of two, the larger), followers the largest count.
// $rows: list of {id, handle, name, followers, location_text}, merged per id by the store
// ('' or null = unknown). Accounts only referenced by a post arrive as stubs with ''.
// replan=skip: index seeks at any size; re-planning as a load grows the graph cost ~1/5 of the server
CYPHER replan=skip
UNWIND $rows AS row
MERGE (a:Account {id: row.id})
  ON CREATE SET a.handle = row.handle, a.name = row.name, a.followers = row.followers,
                a.location_text = row.location_text
  ON MATCH SET a.handle = CASE WHEN row.handle > a.handle THEN row.handle ELSE a.handle END,
               a.name = CASE WHEN row.name > a.name THEN row.name ELSE a.name END,
               a.followers = CASE WHEN a.followers IS NULL OR row.followers > a.followers
                                  THEN coalesce(row.followers, a.followers) ELSE a.followers END,
               a.location_text = CASE WHEN row.location_text > a.location_text THEN row.location_text
                                      ELSE a.location_text END
