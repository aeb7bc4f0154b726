// Drives the official Ghost Content API client (@tryghost/content-api, from npm) against a
// running Qalam: lists and reads posts, tags and authors, and reads the settings, the way
// a Ghost theme or integration would. The Rust integration test `api::the_official_ghost_client_reads_qalam`
// starts Qalam and runs this with QALAM_URL, QALAM_KEY and QALAM_EXPECT_SLUG set.
import assert from 'node:assert/strict';
import {test} from 'node:test';

import GhostContentAPI from '@tryghost/content-api';

const url = process.env.QALAM_URL;
const key = process.env.QALAM_KEY;
const expectedSlug = process.env.QALAM_EXPECT_SLUG;

const api = new GhostContentAPI({url, key, version: 'v5.0'});

test('browses posts newest first, with pagination, tags and authors', async () => {
    const posts = await api.posts.browse({limit: 2, include: 'tags,authors'});
    assert.equal(posts.length, 2);
    assert.equal(posts.meta.pagination.page, 1);
    assert.equal(posts.meta.pagination.limit, 2);
    assert.ok(posts.meta.pagination.total >= 3);
    assert.equal(posts.meta.pagination.next, 2);
    assert.equal(posts[0].slug, expectedSlug);
    for (const post of posts) {
        assert.match(post.id, /^[0-9a-f]{24}$/);
        assert.ok(post.title && post.html && post.url && post.published_at);
        assert.ok(Array.isArray(post.tags) && Array.isArray(post.authors));
        assert.ok(post.primary_author && post.primary_author.name);
    }
    assert.ok(new Date(posts[0].published_at) >= new Date(posts[1].published_at));
    const second = await api.posts.browse({limit: 2, page: 2});
    assert.equal(second.meta.pagination.page, 2);
    assert.notEqual(second[0].id, posts[0].id);
});

test('reads a post by slug and by id', async () => {
    const post = await api.posts.read({slug: expectedSlug}, {include: 'tags,authors', formats: 'html,plaintext'});
    assert.equal(post.slug, expectedSlug);
    assert.ok(post.html.includes('<p>'));
    assert.ok(post.plaintext.length > 0);
    assert.ok(post.tags.length > 0);
    const byId = await api.posts.read({id: post.id});
    assert.equal(byId.slug, expectedSlug);
    await assert.rejects(api.posts.read({slug: 'no-such-post'}), /not found/i);
});

test('filters posts by tag and by author', async () => {
    const post = await api.posts.read({slug: expectedSlug}, {include: 'tags,authors'});
    const tag = post.primary_tag.slug;
    const byTag = await api.posts.browse({filter: `tag:${tag}`, include: 'tags', limit: 'all'});
    assert.ok(byTag.length > 0);
    for (const p of byTag) {
        assert.ok(p.tags.some((t) => t.slug === tag));
    }
    const author = post.primary_author.slug;
    const byAuthor = await api.posts.browse({filter: `author:${author}`, include: 'authors', limit: 'all'});
    assert.ok(byAuthor.length > 0);
    for (const p of byAuthor) {
        assert.ok(p.authors.some((a) => a.slug === author));
    }
});

test('browses and reads tags and authors', async () => {
    const tags = await api.tags.browse({limit: 'all', include: 'count.posts'});
    assert.ok(tags.length > 0);
    assert.ok(tags.every((t) => t.count.posts > 0 && t.url && t.name));
    const tag = await api.tags.read({slug: tags[0].slug});
    assert.equal(tag.id, tags[0].id);
    const authors = await api.authors.browse({limit: 'all'});
    assert.ok(authors.length > 0);
    const author = await api.authors.read({slug: authors[0].slug});
    assert.equal(author.name, authors[0].name);
    const byId = await api.authors.read({id: authors[0].id});
    assert.equal(byId.slug, authors[0].slug);
});

test('reads the settings', async () => {
    const settings = await api.settings.browse();
    assert.ok(settings.title);
    assert.match(settings.url, /^https?:\/\/.+\/$/);
});

test('a wrong key is refused', async () => {
    const wrong = new GhostContentAPI({url, key: '0123456789abcdef0123456789', version: 'v5.0'});
    await assert.rejects(wrong.posts.browse(), /key/i);
});
