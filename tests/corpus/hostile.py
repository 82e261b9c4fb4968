"""A hostile portfolio: every text field of the front-matter and of `site_data/` carries an
injection payload. Built by the hostile-input tests (in the browser and without one).

Each payload names itself in its `alert(...)`, so a dialog that fires says which one ran.
Initiative `hostile-<key>` carries payload `<key>` in every text field; `hostile-all` carries
all of them at once; `hostile-i18n` carries them in `{en, sv}` mappings. `refused-*` entries
carry what the validator must refuse, each at its own line and field: URLs a browser would run
or read as another host's (`refused-javascript`, `p-refused*`, `a-refused`, `m-refused`), a
logo outside the site (`p-refused-logo`), control and bidi characters in text
(`refused-text`), and numbers out of range (`refused-numbers`). `hostile-body` carries
`BODY_PAYLOADS` in its Markdown body (raw HTML and Markdown links): the sanitiser must take
each out, and `portfolio validate` warn about each at its line.
"""

from __future__ import annotations

from typing import Any

PAYLOADS: dict[str, str] = {
    "script": "<script>alert('script')</script>",
    "close-script": "</script><script>alert('close-script')</script>",
    "img": "\"><img src=x onerror=alert('img')>",
    "attr": "' onmouseover='alert(\"attr\")' data-x='",
    "svg": "<svg onload=alert('svg')>",
    "md-link": "[click me](javascript:alert('md-link'))",
    "template": "{{ 12345*3 }} {{ 'jinja' ~ '-ran' }} {% if true %}{% endif %}",
    "close-title": "</title></textarea></noscript><script>alert('close-title')</script>",
}
# What a template trick would print if it were evaluated.
TEMPLATE_RESULTS = ("37035", "jinja-ran")
# Hostile, yet valid, web URLs: no spaces, an allowed scheme.
HOSTILE_URL = "https://example.org/?q=\"><svg/onload=alert('url')>&x='onmouseover=alert(1)//"
# URLs a browser would run: each must be refused by the validator.
REFUSED_URLS = {
    "javascript": "javascript:alert('refused-javascript')",
    "mixed-case": "JaVaScRiPt:alert('refused-mixed-case')",
    "data": "data:text/html,<script>alert('refused-data')</script>",
    "vbscript": "vbscript:msgbox('refused')",
    "tab": "java\tscript:alert('refused-tab')",
    "space": " javascript:alert('refused-space')",
    # Not relative: a browser reads these as the address of another host.
    "protocol-relative": "//evil.example/refused-protocol-relative",
    "triple-slash": "///evil.example/refused-triple-slash",
    "backslash": "/\\evil.example/refused-backslash",
}
# Raw HTML and Markdown in an initiative's body, one per line of `BODY` (after its first).
# What the sanitiser leaves of them must trip no check below (no `img[src=x]`, no `<svg>`).
BODY_PAYLOADS: dict[str, str] = {
    "script": "<script>alert('body-script')</script>",
    "iframe": "<iframe src=\"javascript:alert('body-iframe')\"></iframe>",
    "onerror": "<p>An <span onmouseover=\"alert('body-span')\">element</span> with a handler "
               "and <audio src=\"x\" onerror=\"alert('body-onerror')\"></audio></p>",
    "img-onerror": "<img src=\"photo.png\" alt=\"A photo\" onerror=\"alert('body-img')\">",
    "data-url": "<a href=\"data:text/html,<script>alert('body-data')</script>\">data</a>",
    "form": "<form action=\"https://evil.example/\"><input name=\"q\"><button>Go</button></form>",
    "object": "<object data=\"movie.swf\"></object><embed src=\"movie.swf\">",
    "md-link": "[a Markdown link](javascript:alert('body-md-link'))",
    "md-image": "![a Markdown image](javascript:alert('body-md-image'))",
    "obfuscated": "[an obfuscated link](JaVaScRiPt&#58;alert('body-obfuscated'))",
    "style": "<p style=\"background: url(javascript:alert('body-style'))\">Styled</p>",
    "meta": "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert('body-meta')\">",
    "base": "<base href=\"https://evil.example/\">",
}
BODY = "The body of hostile-body, with hostile HTML and Markdown on each line below.\n\n" + \
    "\n\n".join(BODY_PAYLOADS.values()) + "\n"
# A link inside a story text to another host, written as if relative: shown as its text.
STORY_TEXT_HOST = "//evil.example/story-text"
# Where a partner's logo may not point: outside the site, or to another host.
REFUSED_LOGO = "../../../../etc/passwd"
ALL = " ".join(PAYLOADS.values())
# All the payloads that fit in a summary (at most 300 characters).
SHORT_ALL = " ".join(PAYLOADS[k] for k in ("script", "close-script", "img", "attr", "svg",
                                           "md-link"))


def text(key: str, what: str) -> str:
    """A field's hostile text: a word saying which field it is, then the payload."""
    payload = ALL if key == "all" else PAYLOADS[key]
    return f"{what} {payload}"


def _keys() -> list[str]:
    return [*PAYLOADS, "all"]


def portfolio_yml() -> dict[str, Any]:
    """`site_data/portfolio.yml` with hostile names, titles and descriptions."""
    return {
        "name": text("all", "Portfolio"),
        "organisation": "city",
        "currency": "SEK",
        "licence": "CC-BY-4.0",
        "exchange_rates": {"EUR": 11.5},
        "description": text("all", "Description"),
        "base_investment": [
            {"year": 2023, "amount": 1_000_000, "funder": "city"},
            {"year": 2024, "amount": 1_000_000, "funder": "city"},
            {"year": 2025, "amount": 50_000, "funder": "p-img", "currency": "EUR"},
        ],
        "themes": {f"t-{k}": {"title": text(k, "Theme")} for k in _keys()},
        "mandates": {
            **{f"m-{k}": {"title": text(k, "Mandate"), "level": level, "url": HOSTILE_URL}
               for k, level in zip(_keys(), ["eu", "national", "regional", "local"] * 3)},
            "m-refused": {"title": "Refused mandate", "level": "local",
                          "url": REFUSED_URLS["backslash"]},
        },
        "objectives": {
            f"o-{k}": {
                "title": text(k, "Objective"),
                "description": text(k, "Objective description"),
                "key_results": [{"title": text(k, "Key result"),
                                 "indicator": text(k, "Key indicator"),
                                 "target": text(k, "Key target")}],
            } for k in _keys()
        },
    }


def partners_yml() -> dict[str, Any]:
    """`site_data/partners.yml`: a partner per payload, of every sector."""
    sectors = ["public", "business", "academia", "civil-society", "funder", "other"]
    partners: dict[str, Any] = {"city": {"name": "The City", "sector": "public",
                                         "url": "https://city.example/"}}
    for index, key in enumerate(_keys()):
        partners[f"p-{key}"] = {"name": text(key, "Partner"),
                                "sector": sectors[index % len(sectors)],
                                "url": HOSTILE_URL,
                                "description": text(key, "Partner description")}
    return partners


def assets_yml() -> dict[str, Any]:
    """`site_data/assets.yml`: an asset per payload."""
    return {f"a-{k}": {"name": text(k, "Asset"), "kind": "testbed", "owner": f"p-{k}",
                       "description": text(k, "Asset description"), "url": HOSTILE_URL}
            for k in _keys()}


def initiative(key: str, facet: str, zone: str, translated: bool = False) -> dict[str, Any]:
    """An initiative whose every text field carries payload `key`."""
    title: Any = text(key, "Title")
    summary: Any = text(key, "Summary") if key != "all" else f"Summary {SHORT_ALL}"
    if translated:
        title = {"en": text(key, "Title en"), "sv": text(key, "Titel sv")}
        summary = {"en": f"Summary en {SHORT_ALL}", "sv": f"Sammanfattning sv {SHORT_ALL}"}
    other = "p-all" if key != "all" else "p-img"
    zones = ["yellow", "green", "blue"]
    history = [{"date": "2022-01", "zone": z, "note": text(key, f"Note {z}")}
               for z in zones[: zones.index(zone) + 1]]
    return {
        "title": title,
        "summary": summary,
        "facet": facet,
        "zone": zone,
        "status": "active",
        "start": "2022-01",
        "steward": f"p-{key}",
        "partners": [{"id": f"p-{key}", "role": text(key, "Role")},
                     {"id": other, "role": text(key, "Other role")}],
        "layer": 2,
        "funding": [
            {"funder": f"p-{key}", "amount": 400_000, "year": 2023},
            {"funder": other, "amount": 20_000, "year": 2024, "currency": "EUR"},
            {"funder": "city", "amount": 50_000, "year": 2024, "kind": "in-kind"},
        ],
        "themes": [f"t-{key}"],
        "mandates": [f"m-{key}"],
        "objectives": [f"o-{key}"],
        "assets": [f"a-{key}"],
        "zone_history": [dict(step, date=f"{2021 + n}-0{n + 1}")
                         for n, step in enumerate(history)],
        "stories": [
            {"date": "2023-05-04", "kind": "critical-event", "title": text(key, "Story"),
             "text": text(key, "Story text") + "\n\n[link](javascript:alert('story-link'))"
                     f" [far]({STORY_TEXT_HOST}) [back](/\\{STORY_TEXT_HOST[2:]})",
             "link": HOSTILE_URL, "partners": [f"p-{key}"]},
            {"date": "2024-02-01", "kind": "learning", "title": text(key, "Learning"),
             "text": text(key, "Learning text"), "partners": [other]},
        ],
        "indicators": [{
            "name": text(key, "Indicator"), "unit": text(key, "Unit"),
            "baseline": 10, "target": 50,
            "values": [{"date": "2023", "value": 12}, {"date": "2024", "value": 30}],
        }],
        "links": [{"title": text(key, "Link"), "url": HOSTILE_URL}],
    }


FACETS = ["mission-oriented", "enhancement-oriented", "anticipatory", "adaptive"]
ZONES = ["yellow", "green", "blue"]

# A hand-written page (`hostile_page`) has a hostile front-matter title and description:
# MkDocs and Material print them into every page's navigation and head.


def _yaml_string(value: str) -> str:
    """A double-quoted YAML scalar."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t")
    return f'"{escaped}"'


def hostile_page() -> str:
    """The hand-written page's whole text."""
    return (f"---\ntitle: {_yaml_string(text('all', 'Page'))}\n"
            f"description: {_yaml_string(text('all', 'Page description'))}\n---\n\n"
            "A hand-written page with a hostile title.\n")


# A hand-written page titled by its first heading, whose text is escaped HTML: Material
# prints such a title through `striptags`, which unescapes it inside `<title>`.
HOSTILE_HEADING = ("# Heading &lt;/title&gt;&lt;script&gt;alert('heading')&lt;/script&gt; "
                   "&lt;img src=x onerror=alert('heading-img')&gt;\n\nA page without a "
                   "front-matter title.\n")


def refused_initiative() -> dict[str, Any]:
    """An initiative with URLs a browser would run; the validator must leave it out."""
    return {
        "title": "Refused links", "summary": "Carries javascript: URLs.",
        "facet": "adaptive", "zone": "yellow",
        "links": [{"title": f"Refused {name}", "url": url}
                  for name, url in REFUSED_URLS.items()],
        "stories": [{"date": "2024-01-01", "title": "Refused story link",
                     "link": REFUSED_URLS["javascript"]}],
    }


# Cells a spreadsheet would run as formulas, and a line separator (text may carry it; XML
# and JSON in pages must too).
FORMULAS = {
    "title": "=HYPERLINK(\"https://evil.example/\",\"Click\")",
    "summary": "+1+1 and U+2028\u2028 inside",
    "role": "@SUM(1,2)",
    "story": "-2+3 is a formula too",
}


def formula_initiative() -> dict[str, Any]:
    """An initiative whose text would run as a spreadsheet formula from a CSV file."""
    return {
        "title": FORMULAS["title"], "summary": FORMULAS["summary"],
        "facet": "adaptive", "zone": "yellow",
        "partners": [{"id": "p-img", "role": FORMULAS["role"]}],
        "stories": [{"date": "2024-03-03", "title": FORMULAS["story"],
                     "text": FORMULAS["summary"]}],
        "funding": [{"funder": "p-img", "amount": 1000, "year": 2024}],
    }


# Characters text may not carry: control characters but tab and newline (C0, DEL, C1) and
# the bidi overrides, embeddings and isolates. `refused-text` carries each in a story title.
REFUSED_CHARACTERS = {
    "nul": "\x00", "bel": "\x07", "backspace": "\x08", "vt": "\x0b", "cr": "\r",
    "esc": "\x1b", "del": "\x7f", "nel": "\x85", "csi": "\x9b", "lre": "\u202a",
    "rlo": "\u202e", "lri": "\u2066", "fsi": "\u2068", "pdi": "\u2069",
}


def _escaped(value: str) -> str:
    """A double-quoted YAML scalar with every character outside printable ASCII escaped
    (PyYAML would write U+0085 as a line break)."""
    body = "".join(c if " " <= c <= "~" and c not in "\\\"" else
                   ("\\" + c if c in "\\\"" else f"\\u{ord(c):04x}") for c in value)
    return f'"{body}"'


def refused_text_page() -> str:
    """An initiative whose title, summary and story titles carry refused characters."""
    stories = "".join(
        f"  - {{date: 2024-01-01, title: {_escaped(f'Story {name} a{char}b')}}}\n"
        for name, char in REFUSED_CHARACTERS.items())
    return ("---\n"
            f"title: {_escaped('Title with NUL, ESC and BEL: a' + chr(0) + chr(27) + chr(7))}\n"
            f"summary: {_escaped('Summary with a right-to-left override: gpj.' + chr(0x202e))}\n"
            "facet: adaptive\nzone: yellow\n"
            # Written as themselves, not escaped: YAML allows them in a plain scalar.
            "partners: [{id: p-img, role: \"Role \u202eexe.txt\"}]\n"
            f"stories:\n{stories}"
            "---\n\nBody.\n")


# Numbers out of range, written as an author could: beyond what a float holds, of thousands
# of digits (past CPython's 4,300-digit limit of `int()`), `.nan` and `.inf`, years out of
# 1900-2100. `refused-numbers` carries them; each is an error at its own field.
HUGE = "1" + "0" * 1000
HUGER = "1" + "0" * 5000
REFUSED_NUMBERS = {
    "funding[0].amount": HUGE, "funding[1].amount": HUGER, "funding[2].amount": "1e308",
    "funding[3].amount": "1e308", "funding[4].amount": "1e308", "funding[5].amount": "-1",
    "funding[6].amount": ".inf", "funding[7].amount": "1e15", "funding[8].year": "2101",
    "funding[9].amount": "200000000000000",  # in range, but not once converted from EUR
    "indicators[0].baseline": "-1e308", "indicators[0].target": "1e308",
    "indicators[0].values[0].value": ".nan", "indicators[0].values[1].value": HUGE,
    "indicators[0].values[2].date": "1850-01", "position.certainty": HUGE,
    "position.direction": "-1e308", "layer": HUGER, "start": "1899", "end": "2101-01-01",
}


def refused_numbers_page() -> str:
    """An initiative whose every number is out of range (written by hand: no YAML writer
    writes a number of 5,001 digits)."""
    n = REFUSED_NUMBERS
    funding = "".join(
        f"  - {{funder: city, amount: {n.get(f'funding[{i}].amount', '5')}, "
        f"year: {n.get(f'funding[{i}].year', '2024')}"
        f"{', currency: EUR' if i in (4, 9) else ''}}}\n" for i in range(10))
    return ("---\ntitle: Refused numbers\nsummary: Every number is out of range.\n"
            "facet: adaptive\nzone: yellow\n"
            f"start: {n['start']}\nend: {n['end']}\nlayer: {n['layer']}\n"
            f"funding:\n{funding}"
            "indicators:\n"
            f"  - name: Huge\n    baseline: {n['indicators[0].baseline']}\n"
            f"    target: {n['indicators[0].target']}\n    values:\n"
            f"      - {{date: 2023, value: {n['indicators[0].values[0].value']}}}\n"
            f"      - {{date: 2024, value: {n['indicators[0].values[1].value']}}}\n"
            f"      - {{date: {n['indicators[0].values[2].date']}, value: 1}}\n"
            f"position: {{certainty: {n['position.certainty']}, "
            f"direction: {n['position.direction']}}}\n"
            "---\n\nBody.\n")


def files() -> dict[str, Any]:
    """Every file of the hostile site, relative to its root (see `build_site`)."""
    result: dict[str, Any] = {
        "site_data/portfolio.yml": portfolio_yml(),
        "site_data/partners.yml": {
            **partners_yml(),
            "p-refused": {"name": "Refused partner", "sector": "other",
                          "url": REFUSED_URLS["javascript"]},
            "p-refused-protocol": {"name": "Refused partner", "sector": "other",
                                   "url": REFUSED_URLS["protocol-relative"]},
            "p-refused-logo": {"name": "Refused logo", "sector": "other",
                               "logo": REFUSED_LOGO},
            "p-refused-text": {"name": "Refused\x1b[31m name", "sector": "other"},
        },
        "site_data/assets.yml": {
            **assets_yml(),
            "a-refused": {"name": "Refused asset", "kind": "other",
                          "url": REFUSED_URLS["protocol-relative"]},
        },
        "content/hostile-page.md": hostile_page(),
        "content/hostile-heading.md": HOSTILE_HEADING,
    }
    for index, key in enumerate(_keys()):
        result[f"content/initiatives/hostile-{key}.md"] = _page(
            initiative(key, FACETS[index % 4], ZONES[index % 3]),
            body=f"The body of hostile-{key}, written as plain Markdown.\n")
    result["content/initiatives/hostile-body.md"] = _page(
        initiative("script", "adaptive", "yellow"), body=BODY)
    result["content/initiatives/hostile-i18n.md"] = _page(
        initiative("all", "anticipatory", "green", translated=True))
    result["content/initiatives/refused-javascript.md"] = _page(refused_initiative())
    result["content/initiatives/hostile-formula.md"] = _page(formula_initiative())
    result["content/initiatives/refused-text.md"] = refused_text_page()
    result["content/initiatives/refused-numbers.md"] = refused_numbers_page()
    return result


def _page(fields: dict[str, Any], body: str = "Body.\n") -> str:
    import yaml

    front = yaml.safe_dump(fields, sort_keys=False, allow_unicode=True, width=1000)
    return f"---\n{front}---\n\n{body}"


# Selectors and checks run in the page: any element or attribute a payload could create.
DOM_CHECK = r"""
() => {
  const bad = [];
  const describe = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '');
  for (const el of document.querySelectorAll('*')) {
    for (const attr of Array.from(el.attributes)) {
      const name = attr.name.toLowerCase();
      if (name.startsWith('on')) bad.push(`${describe(el)} has [${name}]`);
      if (['href', 'src', 'action', 'formaction', 'xlink:href', 'data'].includes(name)
          && /^[\s\u0000-\u001f]*(javascript|vbscript|data:text\/html)/i.test(attr.value)) {
        bad.push(`${describe(el)} has ${name}=${attr.value}`);
      }
      if (name === 'data-x' || name === "'") bad.push(`${describe(el)} has [${name}]`);
    }
  }
  // The proposal form's own text boxes (one each) are the only textareas a page may have.
  const own = ['pf-f-summary', 'pf-f-body', 'pf-propose-text'];
  for (const el of document.querySelectorAll('img[src="x"], iframe, object, embed, textarea')) {
    if (el.tagName === 'TEXTAREA' && own.includes(el.id)
        && document.querySelectorAll('#' + el.id).length === 1) continue;
    bad.push(`element ${describe(el)} exists`);
  }
  for (const el of document.querySelectorAll('svg[onload], svg svg')) {
    bad.push(`svg element ${describe(el)} exists`);
  }
  for (const s of document.querySelectorAll('script')) {
    const type = (s.type || '').toLowerCase();
    if (s.src) {
      if (new URL(s.src, location.href).origin !== location.origin) {
        bad.push(`script from ${s.src}`);
      }
      continue;
    }
    if (type === 'application/json' || type === 'application/ld+json') {
      try { JSON.parse(s.textContent); } catch (e) { bad.push(`JSON block ${s.id} broken`); }
      continue;
    }
    if (/alert\(/.test(s.textContent)) bad.push(`script runs: ${s.textContent.slice(0, 80)}`);
  }
  return bad;
}
"""
