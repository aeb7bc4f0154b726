"""Parses RSS and Atom feeds with feedparser, the parser most feed readers' behaviour is
measured against, and fails on any "bozo" (malformed) feed or any item that lacks what
Qalam promises: title, link, stable id, author, categories, publication and update dates,
summary, categories (in some entry: an article may have none), and (with --full) the
whole body with absolute addresses.

Usage: python check_feeds.py [--full] FILE...   (exit status 0 when every feed is clean)
"""

import sys

import feedparser


def problems_of(path, full):
    with open(path, "rb") as f:
        data = f.read()
    feed = feedparser.parse(data)
    found = []
    if feed.bozo:
        found.append(f"bozo: {feed.bozo_exception!r}")
    if feed.version not in ("rss20", "atom10"):
        found.append(f"not RSS 2.0 or Atom 1.0 but {feed.version!r}")
    for key in ("title", "link"):
        if not feed.feed.get(key):
            found.append(f"the feed has no {key}")
    if not feed.entries:
        found.append("the feed has no entries")
    elif not any(entry.get("tags") for entry in feed.entries):
        found.append("no entry has categories")
    for i, entry in enumerate(feed.entries):
        where = f"entry {i} ({entry.get('title', '?')!r})"
        for key in ("title", "link", "id", "author", "summary", "published_parsed", "updated_parsed"):
            if not entry.get(key):
                found.append(f"{where}: no {key}")
        if full:
            content = entry.get("content") or []
            html = content[0].get("value", "") if content else ""
            if not html:
                found.append(f"{where}: no full content")
            for attr in ('href="/', 'src="/'):
                if attr in html:
                    found.append(f"{where}: a relative address ({attr}) in the content")
    return feed.version, len(feed.entries), found


def main(argv):
    full = "--full" in argv
    paths = [a for a in argv if a != "--full"]
    failed = False
    for path in paths:
        version, entries, found = problems_of(path, full)
        print(f"{path}: {version}, {entries} entries, {len(found)} problems")
        for problem in found:
            print(f"  {problem}")
        failed = failed or bool(found)
    return 1 if failed or not paths else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
