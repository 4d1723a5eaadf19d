"""The spread as GeoJSON (RFC 7946), for QGIS, kepler.gl, geojson.io and the like.

One FeatureCollection: every city a Point, every city -> city retweet flow a
LineString from the city whose posts were retweeted to the city of the
retweeters. A property ``kind`` (``city`` or ``transmission``) tells them
apart, for tools that load one geometry type per layer. Positions are
longitude, latitude in WGS84, rounded to 5 decimals (about a metre: the
cities are GeoNames points, so more would be false precision); a flow whose
shorter way crosses the antimeridian is cut there into a MultiLineString,
as RFC 7946 section 3.1.9 asks.

With a hashtag the features are the spread answer of ``tagjack spread``:
the cities whose accounts posted the tag or a variant, with their first
post and first tag, accounts, posts, tags and variants, and the retweets
(and quotes) of those posts across cities. Without one they cover all
posts, as ``tagjack export`` does: the cities of the last ``analyze`` with
their located accounts, posts and first activity, and every retweet across
cities; the tag properties are then null or empty.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import orjson
from tagjack.graph.analytics.pipeline import spread_report
from tagjack.graph.analytics.spread import CityAdoption, Spread
from tagjack.graph.model import EdgeKind
from tagjack.graph.outputs.export import Export, export_data, file_target, iso_column, replacing
from tagjack.graph.store.base import Store
from tagjack.graph.times import iso

DECIMALS = 5


def point(lon: float, lat: float) -> dict:
    return {"type": "Point", "coordinates": [round(lon, DECIMALS), round(lat, DECIMALS)]}


def line(start: tuple[float, float], end: tuple[float, float]) -> dict:
    """A LineString from ``start`` to ``end`` (lon, lat) the shorter way round the globe.

    When that way crosses the antimeridian, a MultiLineString of two parts
    that meet at longitude ±180 (the crossing latitude interpolated).
    """
    (x0, y0), (x1, y1) = start, end
    if abs(x1 - x0) <= 180:
        return {"type": "LineString", "coordinates": [_position(x0, y0), _position(x1, y1)]}
    edge = 180.0 if x0 > x1 else -180.0
    unwrapped = x1 + 360 if x0 > x1 else x1 - 360
    at = y0 + (y1 - y0) * (edge - x0) / (unwrapped - x0)
    return {"type": "MultiLineString", "coordinates": [[_position(x0, y0), _position(edge, at)],
                                                       [_position(-edge, at), _position(x1, y1)]]}


def _position(lon: float, lat: float) -> list[float]:
    return [round(lon, DECIMALS), round(lat, DECIMALS)]


def _feature(geometry: dict, properties: dict) -> dict:
    return {"type": "Feature", "geometry": geometry, "properties": properties}


def spread_geojson(s: Spread) -> dict:
    """The spread answer of one tag as a FeatureCollection: cities, then flows (most retweets first)."""
    variants = {v.hashtag for v in s.variants}
    local: dict[tuple[str, str | None], list[str]] = {}  # by city and country: two Athens exist
    for v in s.variants:
        if v.city is not None:
            local.setdefault((v.city, v.country), []).append("#" + v.hashtag)
    cities = [_feature(point(c.lon, c.lat), _city(c, order, s, variants, local))
              for order, c in enumerate(s.cities, start=1)]
    flows = [_feature(line((t.source_lon, t.source_lat), (t.target_lon, t.target_lat)), {
        "kind": "transmission", "from": t.source, "from_country": t.source_country, "to": t.target,
        "to_country": t.target_country, "retweets": t.retweets, "first_at": iso(t.first_at)})
        for t in s.transmissions]
    return {"type": "FeatureCollection", "hashtag": "#" + s.hashtag, "home": s.home,
            "features": cities + flows}


def _city(c: CityAdoption, order: int, s: Spread, variants: set[str],
          local: dict[tuple[str, str | None], list[str]]) -> dict:
    return {"kind": "city", "city": c.city, "country": c.country, "geonames_id": c.city_id,
            "order": order, "origin": c.city == s.home, "first_at": iso(c.first_at),
            "first_tag": "#" + c.first_hashtag, "accounts": c.accounts, "posts": c.posts,
            "hashtags": ["#" + t for t in c.hashtags],
            "variants": ["#" + t for t in c.hashtags if t in variants],
            "local_variants": local.get((c.city, c.country), [])}


def activity_geojson(data: Export) -> dict:
    """All posts' geography from an export read: cities of the last analyze and retweets across them."""
    first = iso_column(np.array([c.first_at for c in data.cities], dtype=np.int64))
    cities = [_feature(point(c.city.lon, c.city.lat), {
        "kind": "city", "city": c.city.name, "country": c.city.country, "geonames_id": c.city.id,
        "order": order, "origin": None, "first_at": f, "first_tag": None, "accounts": c.accounts,
        "posts": c.posts, "hashtags": [], "variants": [], "local_variants": []})
        for order, (c, f) in enumerate(zip(data.cities, first, strict=True), start=1)]
    return {"type": "FeatureCollection", "hashtag": None, "home": None,
            "features": cities + _activity_flows(data)}


def _activity_flows(data: Export) -> list[dict]:
    """Retweets by accounts in one city of accounts in another, from the export's retweet edges."""
    index = {c.city.id: i for i, c in enumerate(data.cities)}
    city = np.array([index.get(c, -1) if c is not None else -1 for c in data.nodes.city_id],
                    dtype=np.int64)
    e = data.edges
    retweet = np.array([k == EdgeKind.RETWEET.value for k in e.kind], dtype=bool)
    if not len(city) or not retweet.any():
        return []
    source, target = city[e.target[retweet]], city[e.source[retweet]]  # the retweeted's city first
    weight, at = e.weight[retweet], e.first_at[retweet]
    keep = (source >= 0) & (target >= 0) & (source != target)
    codes, inverse = np.unique(source[keep] * len(index) + target[keep], return_inverse=True)
    retweets = np.bincount(inverse, weights=weight[keep], minlength=len(codes)).astype(np.int64)
    first = np.full(len(codes), np.iinfo(np.int64).max, dtype=np.int64)
    known = at[keep] >= 0
    np.minimum.at(first, inverse[known], at[keep][known])
    first[first == np.iinfo(np.int64).max] = -1
    rows = sorted(zip(codes.tolist(), retweets.tolist(), iso_column(first), strict=True),
                  key=lambda r: (-r[1], r[2] or "", r[0]))
    out = []
    for code, n, f in rows:
        a, b = data.cities[code // len(index)].city, data.cities[code % len(index)].city
        out.append(_feature(line((a.lon, a.lat), (b.lon, b.lat)), {
            "kind": "transmission", "from": a.name, "from_country": a.country, "to": b.name,
            "to_country": b.country, "retweets": n, "first_at": f}))
    return out


def export_geojson(store: Store, out: Path, *, hashtag: str | None = None) -> dict:
    """Write the spread of ``hashtag`` (all posts when None) to ``out`` as GeoJSON; the document.

    Raises NotFound for a tag without posts and CannotWrite when ``out``
    cannot be written (checked before the work).
    """
    out = file_target(Path(out))
    doc = spread_geojson(spread_report(store, hashtag)) if hashtag else activity_geojson(export_data(store))
    with replacing(out) as tmp:
        tmp.write_bytes(orjson.dumps(doc, option=orjson.OPT_APPEND_NEWLINE))
    return doc
