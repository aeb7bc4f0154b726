// The newsroom, end to end, in headless Chromium: the owner sets up the site and adds an
// author and a contributor; each signs up through their one-time link, and the
// contributor signs out and in again through the form. The author uploads a photo, writes
// with the live preview and a paste from a word processor, schedules an article a minute
// ahead and sees it reach the home page, publishes, edits, restores a revision and
// unpublishes; the contributor's unsaved text is offered back after leaving the page, and
// the contributor can only save drafts. Screenshots of the editor and of the
// published article are saved in QALAM_SCREENSHOTS.
//
// Run by tests/it/browser.rs against a real `qalam serve` at QALAM_URL.

import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";

const base = process.env.QALAM_URL;
const shots = process.env.QALAM_SCREENSHOTS;
const timeZone = process.env.QALAM_TIMEZONE || "Asia/Almaty";
const password = "correct horse battery";

// How long the scheduled article may take to appear after its minute begins.
const SCHEDULE_GRACE_MS = 20_000;

/** `YYYY-MM-DDTHH:MM` of an instant in the site's time zone, as a datetime-local input takes it. */
function localMinute(date) {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-GB", {
      timeZone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23",
    }).formatToParts(date).map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}

async function homeHas(page, text) {
  const response = await page.request.get(`${base}/`);
  return (await response.text()).includes(text);
}

async function signUp(browser, link) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(link);
  await page.fill('input[name="password"]', password);
  await page.click('button[type="submit"]');
  await page.waitForURL("**/admin/articles");
  return page;
}

async function addPerson(page, name, email, role) {
  await page.goto(`${base}/admin/users`);
  await page.fill('input[name="name"]', name);
  await page.fill('input[name="email"]', email);
  await page.selectOption('select[name="role"]', role);
  await page.click('form[action="/admin/users"] button[type="submit"]');
  const link = await page.inputValue("input.copy");
  assert.match(link, /\/admin\/password\/[0-9a-f]{64}$/);
  return link;
}

async function writeArticle(page, title, body) {
  await page.goto(`${base}/admin/articles/new`);
  await page.fill('input[name="title"]', title);
  await page.fill('textarea[name="body"]', body);
}

test("the newsroom from setup to a scheduled article on the home page", { timeout: 240_000 }, async () => {
  assert.ok(base, "QALAM_URL is set");
  mkdirSync(shots, { recursive: true });
  const browser = await chromium.launch({
    executablePath: process.env.QALAM_CHROMIUM || "/usr/bin/chromium",
    args: [
      "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync",
    ],
  });
  try {
    // The owner sets up the newsroom.
    const ownerContext = await browser.newContext();
    const owner = await ownerContext.newPage();
    await owner.goto(`${base}/admin/`);
    await owner.waitForURL("**/admin/setup");
    await owner.fill('input[name="name"]', "Aigerim Sadykova");
    await owner.fill('input[name="email"]', "owner@steppe.example");
    await owner.fill('input[name="password"]', password);
    await owner.click('button[type="submit"]');
    await owner.waitForURL("**/admin/articles");
    const cookies = await ownerContext.cookies();
    const session = cookies.find((c) => c.name === "qalam_session");
    assert.ok(session && session.httpOnly && session.secure && session.sameSite === "Lax", JSON.stringify(cookies));

    // An author and a contributor, each through their one-time link.
    const authorLink = await addPerson(owner, "Timur Rakhimov", "timur@steppe.example", "author");
    const contributorLink = await addPerson(owner, "Dana Ospanova", "dana@steppe.example", "contributor");
    const author = await signUp(browser, authorLink);
    const contributor = await signUp(browser, contributorLink);

    // The contributor signs out and back in through the sign-in form.
    await contributor.click("button:has-text('Sign out')");
    await contributor.waitForURL("**/admin/sign-in");
    await contributor.fill('input[name="email"]', "dana@steppe.example");
    await contributor.fill('input[name="password"]', password);
    await contributor.click('form[action="/admin/sign-in"] button[type="submit"]');
    await contributor.waitForURL("**/admin/articles");

    // The author uploads a photo to the media library.
    await author.goto(`${base}/admin/media`);
    await author.setInputFiles('input[name="file"]', process.env.QALAM_UPLOAD_IMAGE);
    await author.fill('input[name="alt"]', "Wheat near Kostanay");
    await author.click('form[action="/admin/media"] button[type="submit"]');
    await author.waitForSelector(".notice:has-text('Uploaded')");
    const imagePath = await author.inputValue(".added input.copy");
    assert.match(imagePath, /^\/media\/uploads\/.+\.png$/);

    // The author writes with the live preview and pastes from a word processor.
    await writeArticle(author, "Kostanay wheat arrives early", "## Harvest\n\nWheat **rises** this year.\n\n");
    await author.fill('input[name="featured_image"]', imagePath);
    await author.fill('input[name="featured_image_alt"]', "Wheat near Kostanay");
    await author.waitForSelector("[data-preview] h2:has-text('Harvest')");
    await author.evaluate(() => {
      const body = document.querySelector("[data-markdown]");
      body.focus();
      body.setSelectionRange(body.value.length, body.value.length);
      const data = new DataTransfer();
      data.setData("text/html", '<h3 style="color:red">From the desk</h3><ul><li>Kostanay</li><li>Akmola</li></ul>' +
        '<p><b>Prices</b> follow <a href="https://example.kz/report">the report</a>.</p><script>alert(1)</script>');
      data.setData("text/plain", "From the desk");
      body.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
    });
    await author.waitForFunction(() => document.querySelector("[data-markdown]").value.includes("### From the desk"));
    const pasted = await author.inputValue('textarea[name="body"]');
    assert.match(pasted, /\*\*Prices\*\*/);
    assert.match(pasted, /\[the report\]\(https:\/\/example\.kz\/report\)/);
    assert.doesNotMatch(pasted, /alert|color/);
    await author.waitForSelector("[data-preview] h3:has-text('From the desk')");
    await author.screenshot({ path: join(shots, "editor.png"), fullPage: true });

    // Scheduled for the start of a minute at least 40 seconds away.
    const due = new Date(Math.ceil((Date.now() + 40_000) / 60_000) * 60_000);
    await author.fill('input[name="publish_at"]', localMinute(due));
    await author.click('button[value="schedule"]');
    await author.waitForSelector(".notice:has-text('Scheduled.')");
    assert.equal(await homeHas(author, "Kostanay wheat arrives early"), false, "not public before its time");

    // Meanwhile: publish now, edit, restore a revision, unpublish.
    await writeArticle(author, "Bishkek adopts its budget", "The council voted 30 to 5.");
    await author.click('button[value="publish"]');
    await author.waitForSelector(".notice:has-text('Published.')");
    const editorUrl = author.url().split("?")[0];
    assert.ok(await homeHas(author, "Bishkek adopts its budget"), "published at once");
    await author.fill('input[name="title"]', "Bishkek council adopts the budget");
    await author.click('button[value="save"]');
    await author.waitForSelector(".notice:has-text('Saved.')");
    const article = await author.request.get(`${base}/bishkek-adopts-its-budget/`);
    assert.match(await article.text(), /Bishkek council adopts the budget/);
    await author.goto(`${editorUrl}/revisions`);
    await author.locator("a:has-text('Compare with the current text')").last().click();
    await author.waitForSelector("pre.diff .delete");
    await author.click("button:has-text('Restore this version')");
    await author.waitForSelector(".notice:has-text('restored')");
    assert.equal(await author.inputValue('input[name="title"]'), "Bishkek adopts its budget");
    await author.click('button[value="unpublish"]');
    await author.waitForSelector(".notice:has-text('Taken off the site')");
    assert.equal((await author.request.get(`${base}/bishkek-adopts-its-budget/`)).status(), 404);

    // The contributor writes a draft and cannot publish it.
    await writeArticle(contributor, "Dushanbe water talks", "Talks resume on Monday.");
    assert.equal(await contributor.locator('button[value="publish"]').count(), 0, "no publish button");
    // Unsaved text outlives the page: kept in the browser and offered back on return.
    await contributor.waitForTimeout(2500);
    await contributor.goto(`${base}/admin/articles/new`);
    await contributor.waitForSelector(".restore:not([hidden])");
    await contributor.click("button[data-restore]");
    assert.equal(await contributor.inputValue('input[name="title"]'), "Dushanbe water talks");
    assert.equal(await contributor.inputValue('textarea[name="body"]'), "Talks resume on Monday.");
    await contributor.click('button[value="save"]');
    await contributor.waitForSelector(".notice:has-text('Saved.')");
    const preview = await contributor.request.get(`${contributor.url().split("?")[0]}/preview`);
    assert.equal(preview.status(), 200);
    assert.equal((await contributor.request.get(`${base}/dushanbe-water-talks/`)).status(), 404, "drafts stay private");

    // The scheduled article reaches the home page when its minute comes.
    const deadline = due.getTime() + SCHEDULE_GRACE_MS;
    let seenAt = null;
    while (Date.now() < deadline && seenAt === null) {
      if (await homeHas(author, "Kostanay wheat arrives early")) {
        seenAt = Date.now();
      } else {
        await new Promise((r) => setTimeout(r, 500));
      }
    }
    assert.ok(seenAt !== null, "the scheduled article is on the home page when due");
    assert.ok(seenAt >= due.getTime(), `and not before: it appeared ${due.getTime() - seenAt} ms early`);
    const reader = await (await browser.newContext()).newPage();
    await reader.goto(`${base}/kostanay-wheat-arrives-early/`);
    await reader.waitForSelector("h1:has-text('Kostanay wheat arrives early')");
    const shown = await reader.locator("picture img").evaluate((img) => img.complete && img.naturalWidth > 0);
    assert.ok(shown, "the featured photo is loaded in one of its sizes");
    await reader.screenshot({ path: join(shots, "article.png"), fullPage: true });
  } finally {
    await browser.close();
  }
});
