"""Read Warta's feeds, sitemaps and robots.txt as the outside world does:
with real parsers (feedparser, jsonschema, urllib.robotparser, an XML
parser), and print what they found as JSON for the Rust tests to check.

    check_discovery.py feed FILE
    check_discovery.py jsonfeed FILE SCHEMA
    check_discovery.py sitemap FILE
    check_discovery.py robots FILE AGENT URL...
"""
import json
import sys
import xml.etree.ElementTree as ET


def feed(path):
    import feedparser

    d = feedparser.parse(open(path, "rb").read())
    if d.bozo:
        raise SystemExit(f"feedparser: {d.bozo_exception!r}")
    return {
        "version": d.version,
        "title": d.feed.get("title"),
        "self": [l["href"] for l in d.feed.get("links", []) if l.get("rel") == "self"],
        "entries": [
            {
                "link": e.get("link"),
                "title": e.get("title"),
                "content": "".join(c.get("value", "") for c in e.get("content", [])),
                "summary": e.get("summary", ""),
                "published": e.get("published"),
            }
            for e in d.entries
        ],
    }


def jsonfeed(path, schema_path):
    import jsonschema

    doc = json.load(open(path))
    schema = json.load(open(schema_path))
    jsonschema.validate(doc, schema, format_checker=jsonschema.FormatChecker())
    return {"items": [{"url": i["url"], "content_html": i.get("content_html", "")} for i in doc["items"]]}


NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
    "image": "http://www.google.com/schemas/sitemap-image/1.1",
}


def sitemap(path):
    raw = open(path, "rb").read()
    if len(raw) > 50 * 1024 * 1024:
        raise SystemExit("over 50 MB")
    root = ET.fromstring(raw)
    tag = root.tag.split("}")[-1]
    if tag == "sitemapindex":
        locs = [s.find("sm:loc", NS).text for s in root.findall("sm:sitemap", NS)]
        return {"kind": "index", "locs": locs}
    if tag != "urlset":
        raise SystemExit(f"not a sitemap: {root.tag}")
    urls = root.findall("sm:url", NS)
    if len(urls) > 50000:
        raise SystemExit("over 50,000 URLs")
    out = []
    for u in urls:
        loc = u.find("sm:loc", NS)
        if loc is None or not loc.text.startswith("http"):
            raise SystemExit("a url without an absolute loc")
        item = {"loc": loc.text, "lastmod": getattr(u.find("sm:lastmod", NS), "text", None)}
        n = u.find("news:news", NS)
        if n is not None:
            item["news"] = {
                "name": n.find("news:publication/news:name", NS).text,
                "language": n.find("news:publication/news:language", NS).text,
                "date": n.find("news:publication_date", NS).text,
                "title": n.find("news:title", NS).text,
            }
        img = u.find("image:image/image:loc", NS)
        if img is not None:
            item["image"] = img.text
        out.append(item)
    return {"kind": "urlset", "urls": out}


def robots(path, agent, *urls):
    from urllib.robotparser import RobotFileParser

    rp = RobotFileParser()
    lines = open(path).read().splitlines()
    rp.parse(lines)
    sitemaps = rp.site_maps() or []
    return {"can_fetch": {u: rp.can_fetch(agent, u) for u in urls}, "sitemaps": sitemaps}


if __name__ == "__main__":
    kind, *args = sys.argv[1:]
    print(json.dumps({"feed": feed, "jsonfeed": jsonfeed, "sitemap": sitemap, "robots": robots}[kind](*args)))
