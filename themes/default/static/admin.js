// The story editor: block buttons, read-also search, a copy of the form
// in this browser (so a lost connection never loses typed text),
// autosave of drafts, and who else has the story open.
(function () {
  "use strict";
  var form = document.querySelector("[data-story-form]");
  if (!form) return;
  document.documentElement.classList.add("js");
  var body = form.querySelector("#body");
  var key = "warta-story-" + form.getAttribute("data-story-key");
  var state = form.querySelector("[data-autosave-state]");
  var baseField = form.querySelector("[data-base-revision]");
  var csrf = form.querySelector("input[name=csrf]").value;
  var dirty = false;

  function insert(text) {
    var start = body.selectionStart, end = body.selectionEnd, v = body.value;
    var before = v.slice(0, start), after = v.slice(end);
    var pad = before && !/\n\n$/.test(before) ? (/\n$/.test(before) ? "\n" : "\n\n") : "";
    // A block marker stands on its own: typing goes on in a new paragraph.
    var marker = /\]$/.test(text);
    var tail = marker
      ? (/^\n\n/.test(after) ? "" : /^\n/.test(after) ? "\n" : "\n\n")
      : (after && !/^\n/.test(after) ? "\n\n" : "");
    body.value = before + pad + text + tail + after;
    var pos = (before + pad + text + (marker ? tail : "")).length;
    body.focus();
    body.setSelectionRange(pos, pos);
    changed();
  }

  form.querySelectorAll("[data-insert]").forEach(function (b) {
    b.addEventListener("click", function () { insert(b.getAttribute("data-insert")); });
  });

  // "Baca juga": search published headlines as you type.
  var q = document.querySelector("[data-read-also-search]");
  var results = document.querySelector("[data-read-also-results]");
  var timer = null;
  if (q) {
    q.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var text = q.value.trim();
        if (text.length < 2) { results.textContent = ""; return; }
        fetch("/admin/search-articles?q=" + encodeURIComponent(text), { credentials: "same-origin" })
          .then(function (r) { return r.json(); })
          .then(function (data) {
            results.textContent = "";
            data.articles.forEach(function (a) {
              var li = document.createElement("li");
              var b = document.createElement("button");
              b.type = "button";
              b.textContent = a.title;
              b.setAttribute("data-slug", a.slug);
              b.addEventListener("click", function () {
                insert("[read-also: " + a.slug + "]");
                results.textContent = "";
                q.value = "";
              });
              li.appendChild(b);
              results.appendChild(li);
            });
          })
          .catch(function () {});
      }, 200);
    });
  }

  // A copy of every field in this browser.
  function fields() {
    var out = {};
    new FormData(form).forEach(function (v, k) {
      if (k !== "csrf" && k !== "base_revision" && k !== "intent") out[k] = v;
    });
    return out;
  }
  function keep() {
    try {
      localStorage.setItem(key, JSON.stringify({ revision: form.getAttribute("data-revision"), fields: fields() }));
    } catch (e) { /* storage full or disabled: autosave still runs */ }
  }
  function changed() { dirty = true; keep(); }
  form.addEventListener("input", changed);

  if (/[?&]done=/.test(location.search)) {
    localStorage.removeItem(key);
    localStorage.removeItem("warta-story-new");
  } else {
    var saved = null;
    try { saved = JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { saved = null; }
    var now = fields();
    var differs = saved && Object.keys(saved.fields).some(function (k) { return (now[k] || "") !== saved.fields[k]; });
    if (differs && saved.revision === form.getAttribute("data-revision")) {
      var p = document.createElement("p");
      p.className = "notice";
      var b = document.createElement("button");
      b.type = "button";
      b.className = "btn-plain";
      b.setAttribute("data-restore-local", "");
      b.textContent = form.getAttribute("data-msg-restore");
      b.addEventListener("click", function () {
        Object.keys(saved.fields).forEach(function (k) {
          var el = form.elements[k];
          if (el && el.tagName) el.value = saved.fields[k];
        });
        p.remove();
        dirty = true;
        // The block editor (blocks.js) shows the restored body.
        form.dispatchEvent(new CustomEvent("warta:restored"));
      });
      p.appendChild(b);
      form.insertBefore(p, form.firstChild);
    }
  }

  function say(msg) { if (state) state.textContent = msg; }

  // Autosave of drafts and submitted stories (published ones are saved on
  // purpose only: a save there changes what readers see).
  if (form.hasAttribute("data-autosave")) {
    setInterval(function () {
      if (!dirty) return;
      dirty = false;
      var data = new URLSearchParams(new FormData(form));
      data.set("intent", "autosave");
      fetch(form.action, { method: "POST", body: data, credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (r) {
          if (r.status === 409) { say(form.getAttribute("data-msg-stale")); return null; }
          if (!r.ok) { dirty = true; say(form.getAttribute("data-msg-failed")); return null; }
          return r.json();
        })
        .then(function (d) {
          if (!d) return;
          baseField.value = d.revision;
          form.setAttribute("data-revision", String(d.revision));
          keep();
          say(form.getAttribute("data-msg-saved") + " " + d.saved_at);
        })
        .catch(function () { dirty = true; say(form.getAttribute("data-msg-failed")); });
    }, 15000);
  }

  // Who else has it open.
  var presence = document.querySelector("[data-presence]");
  var id = form.getAttribute("data-story-key");
  if (presence && id !== "new") {
    setInterval(function () {
      var data = new URLSearchParams();
      data.set("csrf", csrf);
      fetch("/admin/stories/" + id + "/presence", { method: "POST", body: data, credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (d) {
          if (!d) return;
          presence.querySelector("[data-presence-names]").textContent = d.others.join(", ");
          presence.hidden = d.others.length === 0;
        })
        .catch(function () {});
    }, 20000);
  }
})();
