"""What tagjack hands on: the HTML report and its map; GEXF, GraphML, CSV, JSON and GeoJSON exports."""
