// Progressive enhancement only: every feature here has a no-script form.
(function () {
  "use strict";
  var doc = document.documentElement;
  doc.classList.add("js");

  // Share dialog: "Oke" closes it; copy-link and the Web Share API where present.
  var share = document.getElementById("share");
  if (share) {
    share.addEventListener("click", function (e) {
      var t = e.target.closest("button");
      if (!t) return;
      if (t.hasAttribute("data-share-ok")) {
        share.open = false;
        share.querySelector("summary").focus();
      } else if (t.hasAttribute("data-copy")) {
        var url = t.getAttribute("data-copy");
        var done = function () { t.textContent = t.getAttribute("data-copied"); };
        if (navigator.clipboard) navigator.clipboard.writeText(url).then(done, done);
        else done();
      } else if (t.hasAttribute("data-native-share")) {
        navigator.share({ title: t.getAttribute("data-title"), url: t.getAttribute("data-url") }).catch(function () {});
      }
    });
    share.addEventListener("toggle", function () {
      if (share.open) {
        var first = share.querySelector(".share-panel a");
        if (first) first.focus();
      }
    });
    if (navigator.share) {
      var n = share.querySelector(".native-share");
      if (n) n.hidden = false;
    }
    document.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && share.open) {
        share.open = false;
        share.querySelector("summary").focus();
      }
    });
  }

  // Sticky ad: "Close Ads" hides it for the rest of the visit.
  var sticky = document.getElementById("sticky-ad");
  var KEY = "warta-sticky-closed";
  var close = function () {
    if (!sticky) return;
    sticky.classList.add("closed");
    document.body.classList.add("sticky-closed");
  };
  if (sticky) {
    try { if (sessionStorage.getItem(KEY) === "1") close(); } catch (e) { /* storage off */ }
    var btn = sticky.querySelector("[data-close-ad]");
    if (btn) btn.addEventListener("click", function () {
      close();
      try { sessionStorage.setItem(KEY, "1"); } catch (e) { /* storage off */ }
    });
  }
})();
