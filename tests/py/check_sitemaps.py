"""Validates sitemaps and sitemap indexes with xmlschema against the sitemaps.org 0.9
schemas and the Google News extension in schemas/ (written from the published protocols:
the official XSD files cannot be fetched offline and no installable package ships them
whole). Each file is checked against the schema its root element calls for.

Usage: python check_sitemaps.py FILE...   (exit status 0 when every file is valid)
"""

import os
import sys
import xml.etree.ElementTree as ET

import xmlschema

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "schemas")
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"


def schemas():
    news = (NEWS_NS, os.path.join(HERE, "sitemap-news.xsd"))
    urlset = xmlschema.XMLSchema(os.path.join(HERE, "sitemap.xsd"), locations=[news])
    index = xmlschema.XMLSchema(os.path.join(HERE, "siteindex.xsd"))
    return {f"{{{SITEMAP_NS}}}urlset": urlset, f"{{{SITEMAP_NS}}}sitemapindex": index}


def main(paths):
    by_root = schemas()
    failed = False
    for path in paths:
        root = ET.parse(path).getroot().tag
        schema = by_root.get(root)
        if schema is None:
            print(f"{path}: root element {root} is neither a urlset nor a sitemapindex")
            failed = True
            continue
        errors = list(schema.iter_errors(path))
        print(f"{path}: {root.split('}')[1]}, {len(errors)} errors")
        for error in errors[:10]:
            print(f"  {error.reason} at {error.path}")
        failed = failed or bool(errors)
    return 1 if failed or not paths else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
