// The block editor (Editor.js) over a story's or a page's body. The story's
// JSON blocks stay what they are: the editor's blocks are turned into them
// on every change and sent as `body_blocks`; without JS (or if Editor.js
// fails to load) the text form in the textarea is sent as before.
(function () {
  "use strict";
  var holder = document.querySelector("[data-block-editor]");
  if (!holder || typeof window.EditorJS !== "function") return;
  var form = holder.closest("form");
  var textarea = document.getElementById(holder.getAttribute("data-for"));
  if (!form || !textarea) return;

  function json(attr, fallback) {
    try { return JSON.parse(holder.getAttribute(attr) || "") || fallback; } catch (e) { return fallback; }
  }
  var initial = json("data-blocks", null);
  // A body typed in the text form (and not saved) stays in the text form.
  if (!initial && textarea.value.trim()) return;
  var L = json("data-labels", {});
  var videos = json("data-videos", []);
  var csrf = (form.querySelector("input[name=csrf]") || {}).value || "";

  // Text in the editor is HTML (Editor.js keeps contenteditable markup);
  // our blocks hold plain text. DOMParser documents are inert: nothing in
  // them loads or runs.
  function plain(html) {
    var doc = new DOMParser().parseFromString("<body>" + (html || "") + "</body>", "text/html");
    return (doc.body.textContent || "").replace(/\u00a0/g, " ").replace(/\s+/g, " ").trim();
  }
  function esc(text) {
    return String(text || "").replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }
  function opt(v) { v = (v || "").trim(); return v ? v : null; }

  // Our blocks -> the editor's.
  function toEditor(blocks) {
    return (blocks || []).map(function (b) {
      switch (b.type) {
        case "heading": return { type: "header", data: { text: esc(b.text), level: 2 } };
        case "quote": return { type: "quote", data: { text: esc(b.text), caption: esc(b.cite || ""), alignment: "left" } };
        case "list": return { type: "list", data: { style: b.ordered ? "ordered" : "unordered", meta: {}, items: (b.items || []).map(function (i) { return { content: esc(i), meta: {}, items: [] }; }) } };
        case "image": return { type: "image", data: b };
        case "video": return { type: "video", data: { video: b.video } };
        case "read_also": return { type: "readAlso", data: { slug: b.slug || "", title: b.title || "" } };
        case "embed": return { type: "embed", data: { url: b.url } };
        case "page_break": return { type: "pageBreak", data: {} };
        default: return { type: "paragraph", data: { text: esc(b.text) } };
      }
    });
  }

  // The editor's blocks -> ours, in one canonical shape (so a copy kept in
  // this browser compares equal to the same body from the server).
  function fromEditor(blocks) {
    var out = [];
    (blocks || []).forEach(function (b) {
      var d = b.data || {};
      switch (b.type) {
        case "header":
          if (plain(d.text)) out.push({ type: "heading", text: plain(d.text) });
          break;
        case "quote":
          if (plain(d.text)) out.push({ type: "quote", text: plain(d.text), cite: opt(plain(d.caption)) });
          break;
        case "list": {
          var items = [];
          (function walk(list) {
            (list || []).forEach(function (i) {
              var t = plain(typeof i === "string" ? i : i.content);
              if (t) items.push(t);
              if (i && i.items) walk(i.items);
            });
          })(d.items);
          if (items.length) out.push({ type: "list", ordered: d.style === "ordered", items: items });
          break;
        }
        case "image":
          if (d.src) out.push(imageBlock(d));
          break;
        case "video":
          if (d.video) out.push({ type: "video", video: d.video });
          break;
        case "readAlso":
          if (d.slug) out.push({ type: "read_also", title: d.title || "", slug: d.slug });
          break;
        case "embed":
          if ((d.url || "").trim()) out.push({ type: "embed", url: d.url.trim() });
          break;
        case "pageBreak":
          out.push({ type: "page_break" });
          break;
        default:
          if (plain(d.text)) out.push({ type: "paragraph", text: plain(d.text) });
      }
    });
    return out;
  }
  function imageBlock(d) {
    var b = { type: "image", src: d.src, alt: (d.alt || "").trim(), caption: opt(d.caption), credit: opt(d.credit) };
    ["width", "height"].forEach(function (k) { if (d[k]) b[k] = d[k]; });
    ["widths", "webp_widths"].forEach(function (k) { if (d[k] && d[k].length) b[k] = d[k]; });
    return b;
  }
  function canon(blocks) { return JSON.stringify(fromEditor(toEditor(blocks))); }

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text) e.textContent = text;
    return e;
  }
  var uid = 0;
  function field(box, label, value, attrs) {
    var id = "blk-" + (++uid);
    box.appendChild(el("label", { "for": id }, label));
    var input = el("input", Object.assign({ id: id, type: "text" }, attrs || {}));
    input.value = value || "";
    box.appendChild(input);
    return input;
  }
  var ICON = {
    image: '<svg width="17" height="17" viewBox="0 0 24 24" aria-hidden="true"><path fill="none" stroke="currentColor" stroke-width="2" d="M3 5h18v14H3zM3 16l5-5 4 4 3-3 6 6"/></svg>',
    video: '<svg width="17" height="17" viewBox="0 0 24 24" aria-hidden="true"><path fill="none" stroke="currentColor" stroke-width="2" d="M3 6h13v12H3zM16 10l5-3v10l-5-3"/></svg>',
    link: '<svg width="17" height="17" viewBox="0 0 24 24" aria-hidden="true"><path fill="none" stroke="currentColor" stroke-width="2" d="M10 14a4 4 0 0 0 6 0l3-3a4 4 0 0 0-6-6l-1 1M14 10a4 4 0 0 0-6 0l-3 3a4 4 0 0 0 6 6l1-1"/></svg>',
    embed: '<svg width="17" height="17" viewBox="0 0 24 24" aria-hidden="true"><path fill="none" stroke="currentColor" stroke-width="2" d="M8 7l-5 5 5 5M16 7l5 5-5 5"/></svg>',
    page: '<svg width="17" height="17" viewBox="0 0 24 24" aria-hidden="true"><path fill="none" stroke="currentColor" stroke-width="2" d="M3 12h4M10 12h4M17 12h4M6 4h12v4M6 20h12v-4"/></svg>'
  };

  // A picture: upload one or give an address from the media library, with
  // alt text, caption and credit.
  function ImageTool(o) { this.data = o.data || {}; }
  ImageTool.toolbox = { title: L.image || "Image", icon: ICON.image };
  ImageTool.prototype.render = function () {
    var self = this, box = el("div", { "class": "blk blk-image" });
    // The picture first, as the story will show it; its fields below.
    var preview = el("img", { alt: "" });
    box.appendChild(preview);
    var status = el("p", { "class": "blk-status", role: "status" });
    var file = field(box, L.upload || "Upload", "", { type: "file", accept: "image/jpeg,image/png,image/webp" });
    self.src = field(box, L.image_src || "Address", self.data.src, { "data-image-src": "" });
    self.alt = field(box, L.alt || "Alt text", self.data.alt, { "data-image-alt": "" });
    self.caption = field(box, L.caption || "Caption", self.data.caption);
    self.credit = field(box, L.credit || "Credit", self.data.credit);
    box.appendChild(status);
    function show() { if (self.src.value.trim()) { preview.src = self.src.value.trim(); preview.hidden = false; } else { preview.hidden = true; } }
    self.src.addEventListener("change", function () { self.sizes = null; show(); });
    file.addEventListener("change", function () {
      if (!file.files.length) return;
      var data = new FormData();
      data.append("csrf", csrf);
      data.append("alt", self.alt.value);
      data.append("file", file.files[0]);
      status.textContent = L.uploading || "…";
      fetch("/admin/media", { method: "POST", body: data, credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (r) { return r.json().then(function (d) { return { ok: r.ok, d: d }; }); })
        .then(function (r) {
          if (!r.ok) {
            var f = (r.d.error && r.d.error.fields) || [];
            status.textContent = f.length ? f[0].message : (L.upload_failed || "Upload failed");
            return;
          }
          self.src.value = r.d.src;
          self.sizes = { width: r.d.width, height: r.d.height, widths: r.d.widths, webp_widths: r.d.webp_widths };
          if (!self.caption.value && r.d.caption) self.caption.value = r.d.caption;
          if (!self.credit.value && r.d.credit) self.credit.value = r.d.credit;
          status.textContent = L.uploaded || "";
          show();
          changed();
        })
        .catch(function () { status.textContent = L.upload_failed || "Upload failed"; });
    });
    show();
    return box;
  };
  ImageTool.prototype.save = function () {
    var d = Object.assign({}, this.sizes || (this.src.value.trim() === this.data.src ? this.data : {}));
    d.src = this.src.value.trim();
    d.alt = this.alt.value;
    d.caption = this.caption.value;
    d.credit = this.credit.value;
    return d;
  };

  // A video of ours, chosen by name.
  function VideoTool(o) { this.data = o.data || {}; }
  VideoTool.toolbox = { title: L.video || "Video", icon: ICON.video };
  VideoTool.prototype.render = function () {
    var box = el("div", { "class": "blk blk-video" }), id = "blk-" + (++uid);
    box.appendChild(el("label", { "for": id }, L.video || "Video"));
    var select = el("select", { id: id });
    select.appendChild(el("option", { value: "" }, "—"));
    var have = false, cur = this.data.video || "";
    videos.forEach(function (v) {
      var o = el("option", { value: v[0] }, v[1]);
      if (v[0] === cur) { o.selected = true; have = true; }
      select.appendChild(o);
    });
    if (cur && !have) { var o = el("option", { value: cur }, cur); o.selected = true; select.appendChild(o); }
    select.addEventListener("change", changed);
    this.select = select;
    box.appendChild(select);
    return box;
  };
  VideoTool.prototype.save = function () { return { video: this.select.value }; };

  // "Baca juga": a published story picked by searching its headline.
  function ReadAlsoTool(o) { this.data = o.data || {}; }
  ReadAlsoTool.toolbox = { title: L.read_also || "Read also", icon: ICON.link };
  ReadAlsoTool.prototype.render = function () {
    var self = this, box = el("div", { "class": "blk blk-read-also" });
    var chosen = el("p", { "class": "blk-chosen" });
    function showChosen() { chosen.textContent = self.data.slug ? (L.read_also || "") + ": " + (self.data.title || self.data.slug) : ""; }
    var q = field(box, L.read_also_search || "Search", "", { type: "search", autocomplete: "off", "data-read-also-q": "" });
    var list = el("ul", { "class": "ra-results" });
    var timer = null;
    q.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var text = q.value.trim();
        list.textContent = "";
        if (text.length < 2) return;
        fetch("/admin/search-articles?q=" + encodeURIComponent(text), { credentials: "same-origin" })
          .then(function (r) { return r.json(); })
          .then(function (d) {
            list.textContent = "";
            d.articles.forEach(function (a) {
              var li = el("li"), b = el("button", { type: "button", "data-slug": a.slug }, a.title);
              b.addEventListener("click", function () {
                self.data = { slug: a.slug, title: a.title };
                list.textContent = "";
                q.value = "";
                showChosen();
                changed();
              });
              li.appendChild(b);
              list.appendChild(li);
            });
          })
          .catch(function () {});
      }, 200);
    });
    box.insertBefore(chosen, box.firstChild);
    box.appendChild(list);
    showChosen();
    return box;
  };
  ReadAlsoTool.prototype.save = function () { return { slug: this.data.slug || "", title: this.data.title || "" }; };

  // A post elsewhere, shown to readers as a link (no third-party script).
  function EmbedTool(o) { this.data = o.data || {}; }
  EmbedTool.toolbox = { title: L.embed || "Embed", icon: ICON.embed };
  EmbedTool.prototype.render = function () {
    var box = el("div", { "class": "blk blk-embed" });
    this.url = field(box, L.embed_url || "Address", this.data.url, { type: "url", placeholder: "https://" });
    return box;
  };
  EmbedTool.prototype.save = function () { return { url: this.url.value }; };

  // Where the next page of a long story begins.
  function PageBreakTool() {}
  PageBreakTool.toolbox = { title: L.page_break || "Page break", icon: ICON.page };
  PageBreakTool.prototype.render = function () {
    return el("div", { "class": "blk blk-page-break", role: "separator" }, L.page_break || "Page break");
  };
  PageBreakTool.prototype.save = function () { return {}; };

  // From here the editor replaces the text form.
  var hidden = el("input", { type: "hidden", name: "body_blocks" });
  hidden.value = canon(initial || []);
  form.appendChild(hidden);
  textarea.disabled = true;
  document.querySelectorAll("[data-markup-only]").forEach(function (e) { e.hidden = true; });
  holder.hidden = false;

  var editor;
  // `data-unsynced` is on the editor while a change has not reached
  // `body_blocks` yet (a change during a save keeps it on).
  var changes = 0;
  function sync() {
    var seen = changes;
    return editor.save().then(function (out) {
      var v = JSON.stringify(fromEditor(out.blocks));
      if (v !== hidden.value) {
        hidden.value = v;
        form.dispatchEvent(new Event("input", { bubbles: true }));
      }
      if (changes === seen) holder.removeAttribute("data-unsynced");
    });
  }
  var timer = null;
  function changed() {
    changes += 1;
    holder.setAttribute("data-unsynced", "");
    clearTimeout(timer);
    timer = setTimeout(sync, 250);
  }

  var inline = { inlineToolbar: false };
  editor = new window.EditorJS({
    holder: holder.querySelector("[data-editor-area]") || holder,
    data: { blocks: toEditor(initial || []) },
    placeholder: L.placeholder || "",
    autofocus: false,
    minHeight: 120,
    inlineToolbar: false,
    tools: {
      paragraph: inline,
      header: { "class": window.Header, inlineToolbar: false, config: { levels: [2], defaultLevel: 2, placeholder: L.heading || "" } },
      // Bulleted and numbered lists only: no checklist in a news story.
      list: { "class": window.EditorjsList, inlineToolbar: false, toolbox: [{}, {}], config: { defaultStyle: "unordered", maxLevel: 1 } },
      quote: { "class": window.Quote, inlineToolbar: false, config: { quotePlaceholder: L.quote || "", captionPlaceholder: L.cite || "" } },
      image: ImageTool,
      video: VideoTool,
      readAlso: ReadAlsoTool,
      embed: EmbedTool,
      pageBreak: PageBreakTool
    },
    i18n: { messages: L.messages || {} },
    onChange: changed,
    onReady: function () { holder.setAttribute("data-ready", ""); }
  });

  // The copy of the form kept in this browser was put back (admin.js).
  form.addEventListener("warta:restored", function () {
    var blocks = null;
    try { blocks = JSON.parse(hidden.value); } catch (e) { return; }
    editor.isReady.then(function () { return editor.render({ blocks: toEditor(blocks) }); });
  });

  // A submit waits for the last change to reach `body_blocks`, then goes
  // on as the button asked (its name, value and formaction kept).
  var submitting = false;
  form.addEventListener("submit", function (e) {
    if (submitting) return;
    e.preventDefault();
    submitting = true;
    var by = e.submitter;
    clearTimeout(timer);
    editor.isReady.then(sync).then(function () {
      if (by && by.name) {
        var h = el("input", { type: "hidden", name: by.name, "data-submitted-as": "" });
        h.value = by.value;
        form.appendChild(h);
      }
      if (by && by.hasAttribute("formaction")) form.setAttribute("action", by.getAttribute("formaction"));
      HTMLFormElement.prototype.submit.call(form);
    }, function () { submitting = false; });
  });
  // Back to this page from the browser's history: a fresh submit.
  window.addEventListener("pageshow", function (e) {
    if (!e.persisted) return;
    submitting = false;
    form.querySelectorAll("[data-submitted-as]").forEach(function (h) { h.remove(); });
  });
})();
