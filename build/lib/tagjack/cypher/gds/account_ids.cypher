// gds/account_ids.cypher: the account id of each node id a GDS stream returned.
// $node_ids: list of GDS node ids
UNWIND $node_ids AS node_id
RETURN node_id, gds.util.asNode(node_id).id AS id
