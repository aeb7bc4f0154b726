#!/usr/bin/env python3
"""The search benchmark's baseline: the same corpus and queries answered by SQLite FTS5.

Loads bench/corpus.py's JSON lines into an FTS5 table (porter stemming, Unicode
case-folding, diacritics removed), translates each query of bench/search-queries.txt
into FTS5 MATCH syntax as faithfully as it allows, then answers them the way Qalam's
search page does: the first ten by relevance (or newest first), each with a highlighted
snippet, and the total count. CLIENTS processes, each with its own connection, cycle
through all the queries for DURATION seconds; there is no HTTP in between, so the
figures are the engine's alone.

    python3 bench/fts5_baseline.py load --corpus corpus.jsonl --db fts5.db
    python3 bench/fts5_baseline.py run --db fts5.db --queries bench/search-queries.txt --clients 8
"""

import argparse
import json
import multiprocessing
import re
import sqlite3
import sys
import time

# Results a page shows: the site's default `per_page`.
PER_PAGE = 6

SCHEMA = """
CREATE VIRTUAL TABLE articles USING fts5(
    title, dek, body, tags, country, author, lang UNINDEXED, published UNINDEXED,
    tokenize = 'porter unicode61 remove_diacritics 2'
)
"""

# Qalam's filters and the FTS5 columns that hold the same text.
COLUMNS = {"country": "country", "tag": "tags", "author": "author"}

TOKEN = re.compile(r'(-?)(?:(\w+):)?(?:"([^"]*)"|(\S+))')


def load(corpus, db):
    """Creates the table and fills it; prints the seconds it took."""
    started = time.perf_counter()
    con = sqlite3.connect(db)
    con.execute("PRAGMA journal_mode = OFF")
    con.execute("PRAGMA synchronous = OFF")
    con.execute(SCHEMA)
    with open(corpus, encoding="utf-8") as lines, con:
        rows = (
            (
                a["title"],
                a.get("dek", ""),
                a["body_markdown"].replace("## ", ""),
                " ".join(a.get("tags", [])),
                a.get("country", ""),
                a.get("author", ""),
                a.get("language", "en"),
                a["published_at"],
            )
            for a in map(json.loads, lines)
        )
        con.executemany("INSERT INTO articles VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
    # One b-tree per term, as after Qalam's merge into one segment.
    con.execute("INSERT INTO articles(articles) VALUES ('optimize')")
    con.commit()
    con.close()
    print(f"{time.perf_counter() - started:.1f}")


def phrase(text):
    """Text as one FTS5 string: its words together and in order, nothing read as syntax."""
    return '"' + text.replace('"', '""') + '"'


def translate(text, params):
    """A Qalam query as (SQL, arguments) counting and listing its first page in FTS5."""
    positive, negative, where, args = [], [], [], []
    for minus, field, quoted, bare in TOKEN.findall(text):
        value = quoted if quoted else bare
        if field == "lang" and not minus:
            where.append("lang = ?")
            args.append(value)
        elif field in COLUMNS:
            (negative if minus else positive).append(f"{COLUMNS[field]} : {phrase(value)}")
        else:
            word = f"{field}:{value}" if field else value
            (negative if minus else positive).append(phrase(word))
    match = " AND ".join(positive)
    if negative:
        match = f"({match}) NOT ({' OR '.join(negative)})"
    if "from" in params:
        where.append("published >= ?")
        args.append(params["from"])
    if "to" in params:
        where.append("published < ?")
        args.append(params["to"] + "T99")
    order = "published DESC" if params.get("sort") == "date" else "rank"
    condition = " AND ".join(["articles MATCH ?"] + where)
    args = [match] + args
    page = (
        "SELECT rowid, title, snippet(articles, 2, '<mark>', '</mark>', '…', 24) FROM articles "
        f"WHERE {condition} ORDER BY {order} LIMIT {PER_PAGE}"
    )
    count = f"SELECT count(*) FROM articles WHERE {condition}"
    return page, count, args


def read_queries(path):
    """(kind, text, params) for every line of the query list."""
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip() or line.startswith("#"):
                continue
            kind, text, *rest = line.rstrip("\n").split("\t")
            params = dict(p.split("=", 1) for p in rest[0].split("&")) if rest and rest[0] else {}
            out.append((kind, text, params))
    return out


def connect(db):
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, check_same_thread=False)
    con.execute("PRAGMA mmap_size = 1073741824")
    con.execute("PRAGMA cache_size = -65536")
    return con


def answer(con, statement):
    page, count, args = statement
    rows = con.execute(page, args).fetchall()
    (total,) = con.execute(count, args).fetchone()
    return total, rows


def client(job):
    """One client: cycles through the queries from its own starting point until the deadline."""
    db, statements, start, deadline = job
    con = connect(db)
    latencies = []
    i = start
    while time.monotonic() < deadline:
        began = time.perf_counter()
        answer(con, statements[i % len(statements)])
        latencies.append(time.perf_counter() - began)
        i += 1
    return latencies


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))] * 1000


def run(db, queries_path, clients, duration, totals_out):
    queries = read_queries(queries_path)
    statements = [translate(text, params) for _, text, params in queries]
    con = connect(db)
    with open(totals_out, "w", encoding="utf-8") as out:
        for (kind, text, _), statement in zip(queries, statements):
            total, _ = answer(con, statement)
            out.write(f"{kind}\t{text}\t{total}\n")
    for n in (1, clients):
        deadline = time.monotonic() + duration
        jobs = [(db, statements, k * len(statements) // n, deadline) for k in range(n)]
        with multiprocessing.Pool(n) as pool:
            latencies = [x for part in pool.map(client, jobs) for x in part]
        rps = len(latencies) / duration
        print(f"{n}\t{rps:.1f}\t{percentile(latencies, 0.5):.3f}\t{percentile(latencies, 0.99):.3f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("load", help="create the FTS5 table from the corpus; prints the seconds taken")
    p.add_argument("--corpus", required=True)
    p.add_argument("--db", required=True)
    p = sub.add_parser("run", help="answer the queries; prints clients, req/s, p50 ms, p99 ms per line")
    p.add_argument("--db", required=True)
    p.add_argument("--queries", required=True)
    p.add_argument("--clients", type=int, default=8)
    p.add_argument("--duration", type=float, default=10.0)
    p.add_argument("--totals", required=True, help="where to write each query's result count")
    args = parser.parse_args()
    if args.command == "load":
        load(args.corpus, args.db)
    else:
        run(args.db, args.queries, args.clients, args.duration, args.totals)


if __name__ == "__main__":
    sys.exit(main())
