#!/usr/bin/env python3
"""Generate a synthetic WordPress export (WXR 1.2) for bench/wxr.sh, and its uploads.

The export has --posts posts (default 10,000, about 100 MB) in the shape WordPress 6.x
writes: 12 authors, the five Central Asian countries and five sections as categories,
60 tags, one attachment per ten posts with its image file in --uploads, featured images,
[caption] shortcodes, galleries, block-editor and classic content (every third post is
classic, with bare line breaks), Cyrillic titles and slugs (percent-encoded, as WordPress
keeps them), comments, drafts and scheduled posts, and a few menu items. Bodies are
pseudo-random English-like text of about 1,500 words.

The output depends only on the arguments: two runs write identical files.

    python3 bench/wxr_export.py --posts 10000 --out bench/out/wxr/export.xml \\
        --uploads bench/out/wxr/uploads
"""

import argparse
import os
import random
import struct
import sys
import zlib
from urllib.parse import quote

SITE = "https://steppepost.example"

AUTHORS = [
    ("aigerim", "Aigerim Sadykova"),
    ("bakyt", "Bakyt Osmonov"),
    ("dilnoza", "Dilnoza Karimova"),
    ("farrukh", "Farrukh Rahimov"),
    ("gulnara", "Gulnara Nurlanovna"),
    ("jahongir", "Jahongir Tashkentov"),
    ("merdan", "Merdan Annayev"),
    ("zarina", "Zarina Sharipova"),
    ("timur.a", "Тимур Ахмедов"),
    ("asel", "Асель Нурпеисова"),
    ("rustam", "Рустам Саидов"),
    ("nilufar", "Нилуфар Юсупова"),
]

CATEGORIES = [
    ("kazakhstan", "Kazakhstan"),
    ("kyrgyzstan", "Kyrgyzstan"),
    ("tajikistan", "Tajikistan"),
    ("turkmenistan", "Turkmenistan"),
    ("uzbekistan", "Uzbekistan"),
    ("politics", "Politics"),
    ("economy", "Economy"),
    ("society", "Society"),
    ("culture", "Culture"),
    ("sport", "Sport"),
]

WORDS = (
    "river steppe harvest border market water council railway grain mountain valley budget school "
    "bridge winter trade energy village museum festival minister farmer airport pipeline tariff "
    "reform election parliament drought glacier cotton wheat currency inflation export import "
    "highway tunnel university hospital court journalist capital province region mayor"
).split()

RUSSIAN = (
    "экономика новости правительство урожай зерно граница торговля энергетика вода река горы "
    "школа больница дорога мост зима весна рынок цены банк тенге министр"
).split()


def png(seed):
    """A tiny valid PNG whose colour depends on seed."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    rgb = bytes(((seed * 37) % 256, (seed * 91) % 256, (seed * 53) % 256))
    raw = b"".join(b"\x00" + rgb * 16 for _ in range(12))
    header = struct.pack(">IIBBBBB", 16, 12, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def cdata(text):
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def sentence(rng, words=WORDS):
    n = rng.randint(8, 22)
    text = " ".join(rng.choice(words) for _ in range(n))
    return text[0].upper() + text[1:] + "."


def paragraph(rng, words=WORDS):
    return " ".join(sentence(rng, words) for _ in range(rng.randint(3, 7)))


def body(rng, post_id, classic, image, gallery_ids):
    parts = []
    target = 7000
    size = 0
    while size < target:
        text = paragraph(rng, RUSSIAN if rng.random() < 0.1 else WORDS)
        if classic:
            # wpautop territory: bare line breaks inside paragraphs, blank lines between.
            half = len(text) // 2
            cut = text.find(" ", half)
            piece = text[:cut] + "\n" + text[cut + 1 :] if cut > 0 else text
        else:
            piece = "<!-- wp:paragraph -->\n<p>" + text + "</p>\n<!-- /wp:paragraph -->"
        parts.append(piece)
        size += len(piece) + 2
        if rng.random() < 0.15:
            heading = sentence(rng)[:-1]
            parts.append(("<h2>%s</h2>" if classic else "<!-- wp:heading -->\n<h2 class=\"wp-block-heading\">%s</h2>\n<!-- /wp:heading -->") % heading)
    if image:
        attachment_id, path = image
        url = "%s/wp-content/uploads/%s" % (SITE, path)
        caption = "Photo %d: %s" % (attachment_id, sentence(rng)[:-1])
        if classic:
            parts.insert(1, '[caption id="attachment_%d" align="aligncenter" width="640"]<img class="size-large wp-image-%d" src="%s" alt="Photo %d" width="640" height="480" /> %s[/caption]' % (attachment_id, attachment_id, url, attachment_id, caption))
        else:
            parts.insert(1, '<!-- wp:image {"id":%d} -->\n<figure class="wp-block-image size-large"><img src="%s" alt="Photo %d" class="wp-image-%d"/><figcaption class="wp-element-caption">%s</figcaption></figure>\n<!-- /wp:image -->' % (attachment_id, url, attachment_id, attachment_id, caption))
    if gallery_ids:
        parts.append('[gallery ids="%s"]' % ",".join(str(i) for i in gallery_ids))
    if post_id % 17 == 0:
        parts.append("[embed]https://www.youtube.com/watch?v=bench%d[/embed]" % post_id)
    if post_id % 29 == 0:
        parts.append('[contact-form-7 id="%d" title="Tips"]' % (post_id % 7))
    return "\n\n".join(parts)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", required=True)
    parser.add_argument("--uploads", required=True)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)

    attachments = []  # (attachment id, parent post id, relative path, date)
    first_post = 1000
    first_attachment = first_post + args.posts + 10
    with open(args.out, "w", encoding="utf-8") as out:
        w = out.write
        w('<?xml version="1.0" encoding="UTF-8" ?>\n<!-- generator="WordPress/6.4.3" created="2025-12-05 06:00" -->\n')
        w('<rss version="2.0"\n\txmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"\n'
          '\txmlns:content="http://purl.org/rss/1.0/modules/content/"\n'
          '\txmlns:wfw="http://wellformedweb.org/CommentAPI/"\n'
          '\txmlns:dc="http://purl.org/dc/elements/1.1/"\n'
          '\txmlns:wp="http://wordpress.org/export/1.2/"\n>\n<channel>\n')
        w("\t<title>Steppe Post</title>\n\t<link>%s</link>\n\t<language>en-US</language>\n" % SITE)
        w("\t<wp:wxr_version>1.2</wp:wxr_version>\n\t<wp:base_site_url>%s</wp:base_site_url>\n\t<wp:base_blog_url>%s</wp:base_blog_url>\n" % (SITE, SITE))
        for i, (login, name) in enumerate(AUTHORS):
            w("\t<wp:author><wp:author_id>%d</wp:author_id><wp:author_login>%s</wp:author_login><wp:author_email>%s</wp:author_email><wp:author_display_name>%s</wp:author_display_name><wp:author_first_name>%s</wp:author_first_name><wp:author_last_name></wp:author_last_name></wp:author>\n"
              % (i + 2, cdata(login), cdata(login + "@steppepost.example"), cdata(name), cdata(name)))
        for i, (slug, name) in enumerate(CATEGORIES):
            w("\t<wp:category><wp:term_id>%d</wp:term_id><wp:category_nicename>%s</wp:category_nicename><wp:category_parent>%s</wp:category_parent><wp:cat_name>%s</wp:cat_name></wp:category>\n"
              % (i + 2, cdata(slug), cdata(""), cdata(name)))
        tags = []
        for i in range(60):
            name = ("тема %d" % i) if i % 4 == 0 else "%s %s" % (WORDS[i % len(WORDS)], WORDS[(i * 7) % len(WORDS)])
            slug = quote(name.replace(" ", "-")).lower()
            tags.append((slug, name))
            w("\t<wp:tag><wp:term_id>%d</wp:term_id><wp:tag_slug>%s</wp:tag_slug><wp:tag_name>%s</wp:tag_name></wp:tag>\n" % (100 + i, cdata(slug), cdata(name)))

        for n in range(args.posts):
            post_id = first_post + n
            day = 1 + (n * 997) % 700
            year = 2024 + day // 365
            day_of_year = day % 365
            month = 1 + day_of_year // 31 % 12
            dom = 1 + day_of_year % 28
            hour = (n * 7) % 24
            gmt = "%04d-%02d-%02d %02d:%02d:00" % (year, month, dom, hour, n % 60)
            local = "%04d-%02d-%02d %02d:%02d:00" % (year, month, dom, (hour + 5) % 24, n % 60)
            status = "publish"
            if n % 97 == 0:
                status = "draft"
            elif n % 101 == 0:
                status = "future"
                gmt = "2026-%02d-%02d 04:00:00" % (1 + n % 12, 1 + n % 28)
                local = gmt
            cyrillic = n % 5 == 0
            if cyrillic:
                title = " ".join(rng.choice(RUSSIAN) for _ in range(rng.randint(4, 8))).capitalize() + " %d" % n
            else:
                title = sentence(rng)[:-1] + " %d" % n
            slug = quote(title.lower().replace(" ", "-")) .lower()
            link = "%s/%04d/%02d/%02d/%s/" % (SITE, year, month, dom, slug)
            login, _ = AUTHORS[n % len(AUTHORS)]
            image = None
            gallery_ids = []
            if n % 10 == 0:
                attachment_id = first_attachment + len(attachments)
                path = "%04d/%02d/photo-%d.png" % (year, month, attachment_id)
                attachments.append((attachment_id, post_id, path, gmt))
                image = (attachment_id, path)
            if n % 50 == 25 and len(attachments) >= 3:
                gallery_ids = [a[0] for a in attachments[-3:]]
            classic = n % 3 == 0
            content = body(rng, post_id, classic, image, gallery_ids)
            country = CATEGORIES[n % 5]
            section = CATEGORIES[5 + (n // 5) % 5]
            post_tags = [tags[(n * k) % len(tags)] for k in (1, 3, 7)][: 1 + n % 3]
            w("\t<item>\n")
            w("\t\t<title>%s</title>\n\t\t<link>%s</link>\n\t\t<dc:creator>%s</dc:creator>\n" % (cdata(title), link, cdata(login)))
            w('\t\t<guid isPermaLink="false">%s/?p=%d</guid>\n\t\t<description></description>\n' % (SITE, post_id))
            w("\t\t<content:encoded>%s</content:encoded>\n" % cdata(content))
            w("\t\t<excerpt:encoded>%s</excerpt:encoded>\n" % cdata(sentence(rng) if n % 4 == 0 else ""))
            w("\t\t<wp:post_id>%d</wp:post_id>\n" % post_id)
            w("\t\t<wp:post_date>%s</wp:post_date>\n\t\t<wp:post_date_gmt>%s</wp:post_date_gmt>\n" % (cdata(local), cdata("0000-00-00 00:00:00" if status == "draft" else gmt)))
            w("\t\t<wp:post_modified>%s</wp:post_modified>\n\t\t<wp:post_modified_gmt>%s</wp:post_modified_gmt>\n" % (cdata(local), cdata(gmt)))
            w("\t\t<wp:comment_status>open</wp:comment_status>\n\t\t<wp:ping_status>open</wp:ping_status>\n")
            w("\t\t<wp:post_name>%s</wp:post_name>\n\t\t<wp:status>%s</wp:status>\n" % (cdata(slug), cdata(status)))
            w("\t\t<wp:post_parent>0</wp:post_parent>\n\t\t<wp:menu_order>0</wp:menu_order>\n\t\t<wp:post_type>%s</wp:post_type>\n" % cdata("post"))
            w("\t\t<wp:post_password></wp:post_password>\n\t\t<wp:is_sticky>0</wp:is_sticky>\n")
            for domain, (term_slug, term_name) in [("category", country), ("category", section)] + [("post_tag", t) for t in post_tags]:
                w('\t\t<category domain="%s" nicename="%s">%s</category>\n' % (domain, term_slug, cdata(term_name)))
            if image:
                w("\t\t<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key><wp:meta_value>%s</wp:meta_value></wp:postmeta>\n" % cdata(str(image[0])))
            for c in range(n % 3):
                w("\t\t<wp:comment><wp:comment_id>%d</wp:comment_id><wp:comment_author>%s</wp:comment_author><wp:comment_date_gmt>%s</wp:comment_date_gmt><wp:comment_content>%s</wp:comment_content><wp:comment_approved>1</wp:comment_approved></wp:comment>\n"
                  % (post_id * 10 + c, cdata("Reader"), cdata(gmt), cdata(sentence(rng))))
            w("\t</item>\n")

        for attachment_id, parent, path, gmt in attachments:
            url = "%s/wp-content/uploads/%s" % (SITE, path)
            w("\t<item>\n\t\t<title>photo-%d</title>\n\t\t<link>%s/?attachment_id=%d</link>\n" % (attachment_id, SITE, attachment_id))
            w("\t\t<dc:creator>%s</dc:creator>\n\t\t<content:encoded>%s</content:encoded>\n\t\t<excerpt:encoded>%s</excerpt:encoded>\n" % (cdata("aigerim"), cdata(""), cdata("Caption of photo %d" % attachment_id)))
            w("\t\t<wp:post_id>%d</wp:post_id>\n\t\t<wp:post_date>%s</wp:post_date>\n\t\t<wp:post_date_gmt>%s</wp:post_date_gmt>\n" % (attachment_id, cdata(gmt), cdata(gmt)))
            w("\t\t<wp:post_name>photo-%d</wp:post_name>\n\t\t<wp:status>inherit</wp:status>\n\t\t<wp:post_parent>%d</wp:post_parent>\n" % (attachment_id, parent))
            w("\t\t<wp:post_type>attachment</wp:post_type>\n\t\t<wp:attachment_url>%s</wp:attachment_url>\n" % cdata(url))
            w("\t\t<wp:postmeta><wp:meta_key>_wp_attachment_image_alt</wp:meta_key><wp:meta_value>%s</wp:meta_value></wp:postmeta>\n\t</item>\n" % cdata("Photo %d" % attachment_id))
            os.makedirs(os.path.join(args.uploads, os.path.dirname(path)), exist_ok=True)
            with open(os.path.join(args.uploads, path), "wb") as f:
                f.write(png(attachment_id))

        for i in range(5):
            w("\t<item>\n\t\t<title>Menu %d</title>\n\t\t<wp:post_id>%d</wp:post_id>\n\t\t<wp:status>publish</wp:status>\n\t\t<wp:post_type>nav_menu_item</wp:post_type>\n\t</item>\n" % (i, 900 + i))
        w("</channel>\n</rss>\n")
    size = os.path.getsize(args.out)
    print("wrote %s: %d posts, %d attachments, %.1f MB" % (args.out, args.posts, len(attachments), size / 1e6), file=sys.stderr)


if __name__ == "__main__":
    main()
