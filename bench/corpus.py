#!/usr/bin/env python3
"""Generate a synthetic news corpus in Qalam's JSON-lines import format.

Each line is one article: a headline, a unique slug, one of ~8 authors, one of five
Central Asian countries, one of five sections, one to three of ~20 topic tags, a
publication time within the two years before --end, and a 600-1,200 word
body_markdown of pseudo-random English-like text with "## " sub-headings.

With --names, about a third of the articles also get a paragraph naming a public
figure and a city of the region (Tokayev, Mirziyoyev, Almaty, Bishkek...), drawn
from a second random stream so the rest of the text is the same as without it; the
search benchmark uses it to test cross-script and variant spellings.

The output depends only on --count, --seed, --names and --end, so two runs with the same
arguments produce identical files. --end defaults to the start of the current UTC
day, which keeps every article in the past; pass it explicitly for a byte-identical
corpus across days.

    python3 bench/corpus.py --count 10000 --out bench/out/corpus.jsonl
"""

import argparse
import datetime as dt
import json
import random
import re
import sys

AUTHORS = [
    "Aigerim Sadykova",
    "Bakyt Osmonov",
    "Dilnoza Karimova",
    "Farrukh Rahimov",
    "Gulnara Nurlanovna",
    "Jahongir Tashkentov",
    "Merdan Annayev",
    "Zarina Sharipova",
]

COUNTRIES = ["Kazakhstan", "Kyrgyzstan", "Tajikistan", "Turkmenistan", "Uzbekistan"]

SECTIONS = ["Politics", "Economy", "Society", "Culture", "Sport"]

# Topic tags. Their slugs must not clash with the countries' and sections'.
# "Water" is guaranteed enough articles for /tag/water/page/2/ to exist.
TOPICS = [
    "Water",
    "Energy",
    "Agriculture",
    "Trade",
    "Transport",
    "Health",
    "Education",
    "Elections",
    "Migration",
    "Climate",
    "Mining",
    "Banking",
    "Tourism",
    "Technology",
    "Media",
    "Security",
    "Housing",
    "Labour",
    "Diplomacy",
    "Infrastructure",
]

# Articles guaranteed to carry "Water", whatever the random draw.
MIN_WATER = 20

# Everyday words, nouns first; text is drawn from this list only.
WORDS = """
region government ministry water river valley border market price harvest grain cotton
wheat farmer village city capital road railway bridge tunnel pipeline station airport
school hospital teacher doctor student worker family child parent household budget tax
loan bank currency export import trade partner neighbour agreement treaty summit meeting
delegation official minister president parliament deputy committee report survey study
plan project programme reform law decree court judge case company factory plant mine
field reservoir dam canal irrigation drought flood snow glacier mountain steppe desert
lake sea season winter spring summer autumn morning evening week month year decade
figure number share rate growth decline increase decrease level target goal estimate
volume supply demand shortage surplus cost fee tariff subsidy grant fund investment
investor analyst expert economist engineer resident citizen voter visitor tourist
driver trader shop bazaar street district province town settlement community council
statement interview comment response question answer debate vote election campaign
opposition party coalition majority minority network system service sector industry
energy power electricity gas oil coal heat light fuel grid line cable signal phone
internet platform data record archive history museum theatre festival concert film
book newspaper channel broadcast story
is was are were has had will would could should may might must can does did
says said told noted added warned expects expected plans planned wants wanted
needs needed builds built opens opened closes closed rises rose falls fell grows grew
remains remained reaches reached shows showed reports reported agrees agreed signs
signed announces announced approves approved rejects rejected delays delayed returns
returned supports supported raises raised cuts cut spends spent receives received
new old large small major minor local national regional foreign public private
official early late recent current previous next last first second third several many
few most more less higher lower stronger weaker faster slower better worse long short
wide narrow heavy light dry wet cold warm high low key main central northern southern
eastern western rural urban annual monthly weekly daily
the the the the a a a an of of of in in in to to to and and and for for on on with
with at by from over under after before during between across against about into
through without within than as that which while because although since when where
not also still only already again just nearly almost about around some each every
this these those its their his her our
""".split()

# Public figures and cities named in articles with --names, spelled as English-language
# news spells them.
PEOPLE = [
    "Kassym-Jomart Tokayev",
    "Shavkat Mirziyoyev",
    "Sadyr Japarov",
    "Emomali Rahmon",
    "Serdar Berdimuhamedov",
    "Nursultan Nazarbayev",
    "Akylbek Japarov",
    "Abdulla Aripov",
]

CITIES = ["Almaty", "Astana", "Bishkek", "Osh", "Tashkent", "Samarkand", "Dushanbe", "Khujand", "Ashgabat"]

HEADLINE_WORDS = [w for w in WORDS[:250] if len(w) > 3]


def slugify(text):
    """Lower-case ASCII letters and digits joined by hyphens."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def sentence(rng, at_most=22):
    words = [rng.choice(WORDS) for _ in range(max(1, min(at_most, rng.randint(8, 22))))]
    words[0] = words[0].capitalize()
    # An occasional comma keeps the rhythm less uniform.
    if len(words) > 12 and rng.random() < 0.4:
        cut = rng.randint(5, len(words) - 5)
        words[cut] += ","
    return " ".join(words) + "."


def heading(rng):
    words = [rng.choice(HEADLINE_WORDS) for _ in range(rng.randint(2, 5))]
    return " ".join(words).capitalize()


def body(rng):
    """600-1,200 words: paragraphs of 2-6 sentences, a sub-heading every 2-4."""
    target = rng.randint(600, 1200)
    blocks = []
    words = 0
    until_heading = rng.randint(2, 4)
    while words < target:
        # A sub-heading (at most 5 words) only where it cannot overshoot the target.
        if until_heading <= 0 and target - words > 5:
            h = heading(rng)
            blocks.append("## " + h)
            words += h.count(" ") + 1
            until_heading = rng.randint(2, 4)
        paragraph = []
        for _ in range(rng.randint(2, 6)):
            # The last sentence is cut short so the body never passes its target.
            s = sentence(rng, at_most=target - words)
            paragraph.append(s)
            words += s.count(" ") + 1
            if words >= target:
                break
        blocks.append(" ".join(paragraph))
        until_heading -= 1
    return "\n\n".join(blocks)


def article(rng, index, end, span_seconds):
    title = heading(rng)
    topics = rng.sample(TOPICS, rng.randint(1, 3))
    if index < MIN_WATER and "Water" not in topics:
        topics[0] = "Water"
    # At least an hour before --end, at most two years before it.
    offset = rng.randint(3600, span_seconds)
    published = end - dt.timedelta(seconds=offset)
    line = {
        "title": title,
        # The index makes every slug unique.
        "slug": f"{slugify(title)}-{index + 1}",
        "author": rng.choice(AUTHORS),
        "tags": topics,
        "country": rng.choice(COUNTRIES),
        "section": rng.choice(SECTIONS),
        "published_at": published.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "language": "en",
    }
    if rng.random() < 0.7:
        line["dek"] = sentence(rng)
    line["body_markdown"] = body(rng)
    return line


def name_paragraph(rng):
    """One sentence naming a person and a city, then one of filler."""
    person, city = rng.choice(PEOPLE), rng.choice(CITIES)
    topic = " ".join(rng.choice(HEADLINE_WORDS) for _ in range(2))
    return f"{person} {rng.choice(['said', 'told', 'visited'])} {city} about the {topic}. {sentence(rng)}"


def parse_end(text):
    try:
        value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as e:
        raise argparse.ArgumentTypeError(f"not an RFC 3339 time such as 2026-01-01T00:00:00Z: {e}") from e
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(dt.timezone.utc)


def main():
    today = dt.datetime.now(dt.timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=10_000, help="articles to generate (default 10000)")
    parser.add_argument("--seed", type=int, default=20240601, help="random seed (default 20240601)")
    parser.add_argument(
        "--end",
        type=parse_end,
        default=today,
        help="newest possible publication time, RFC 3339 (default: start of today, UTC)",
    )
    parser.add_argument(
        "--names", action="store_true", help="name public figures and cities in about a third of the articles"
    )
    parser.add_argument("--out", default="-", help="output file (default: standard output)")
    args = parser.parse_args()
    if args.count < MIN_WATER:
        parser.error(f"--count must be at least {MIN_WATER} so that /tag/water/page/2/ exists")

    rng = random.Random(args.seed)
    names_rng = random.Random(args.seed + 1)
    span = 2 * 365 * 24 * 3600
    out = sys.stdout if args.out == "-" else open(args.out, "w", encoding="utf-8")
    try:
        for index in range(args.count):
            line = article(rng, index, args.end, span)
            if args.names and names_rng.random() < 0.35:
                line["body_markdown"] += "\n\n" + name_paragraph(names_rng)
            out.write(json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n")
    finally:
        if out is not sys.stdout:
            out.close()


if __name__ == "__main__":
    main()
