// The newsroom editor's conveniences. Everything works without this file: forms post
// as usual; this adds the live preview, pasting from word processors, the slug hint,
// confirmations, and keeping unsaved text in the browser so a closed tab loses at most
// a couple of seconds of work.
(function () {
  "use strict";

  function csrf(form) {
    var field = form.querySelector('input[name="csrf"]');
    return field ? field.value : "";
  }

  function post(url, form, fields) {
    var body = new URLSearchParams(fields);
    body.set("csrf", csrf(form));
    return fetch(url, { method: "POST", body: body, credentials: "same-origin" }).then(function (r) {
      if (!r.ok) { throw new Error("HTTP " + r.status); }
      return r.text();
    });
  }

  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) { event.preventDefault(); }
    });
  });

  var editor = document.getElementById("editor");
  if (!editor) { return; }
  var body = editor.querySelector("[data-markdown]");
  var preview = document.querySelector("[data-preview]");

  var timer = null;
  function refreshPreview() {
    clearTimeout(timer);
    timer = setTimeout(function () {
      post("/admin/preview", editor, { markdown: body.value }).then(function (html) {
        preview.innerHTML = html;
      }).catch(function () { /* the next keystroke tries again */ });
    }, 250);
  }
  body.addEventListener("input", refreshPreview);

  body.addEventListener("paste", function (event) {
    var html = event.clipboardData && event.clipboardData.getData("text/html");
    if (!html) { return; }
    event.preventDefault();
    var start = body.selectionStart, end = body.selectionEnd;
    post("/admin/paste", editor, { html: html }).then(function (markdown) {
      body.setRangeText(markdown, start, end, "end");
      body.dispatchEvent(new Event("input"));
    }).catch(function () {
      body.setRangeText(event.clipboardData.getData("text/plain"), start, end, "end");
      body.dispatchEvent(new Event("input"));
    });
  });

  var title = editor.querySelector("[data-slug-source]");
  var slug = editor.querySelector("[data-slug]");
  if (title && slug && !slug.value) {
    slug.placeholder = "made from the headline";
  }

  // Unsaved text is kept in this browser, keyed by article and version, and offered
  // back when the editor is opened again before it was saved.
  var key = "qalam-draft:" + editor.getAttribute("data-draft-key");
  var version = editor.getAttribute("data-version");
  var fields = ["title", "slug", "dek", "body", "excerpt", "authors", "topics", "featured_image",
    "featured_image_alt", "featured_image_caption", "seo_title", "seo_description"];
  function snapshot() {
    var data = { version: version, saved: Date.now(), fields: {} };
    fields.forEach(function (name) {
      var input = editor.elements[name];
      if (input) { data.fields[name] = input.value; }
    });
    return data;
  }
  var initial = JSON.stringify(snapshot().fields);
  function keep() {
    var data = snapshot();
    if (JSON.stringify(data.fields) === initial) { return; }
    try { localStorage.setItem(key, JSON.stringify(data)); } catch (e) { /* storage full or disabled */ }
  }
  setInterval(keep, 2000);
  window.addEventListener("pagehide", keep);
  editor.addEventListener("submit", function () {
    try { localStorage.removeItem(key); } catch (e) { /* nothing kept */ }
  });

  var kept = null;
  try { kept = JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { kept = null; }
  var banner = document.querySelector(".restore");
  if (kept && kept.version === version && JSON.stringify(kept.fields) !== initial && banner) {
    banner.hidden = false;
    banner.querySelector("[data-restore]").addEventListener("click", function () {
      Object.keys(kept.fields).forEach(function (name) {
        if (editor.elements[name]) { editor.elements[name].value = kept.fields[name]; }
      });
      banner.hidden = true;
      refreshPreview();
    });
    banner.querySelector("[data-discard]").addEventListener("click", function () {
      localStorage.removeItem(key);
      banner.hidden = true;
    });
  }
})();
