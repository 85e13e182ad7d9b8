/* Family Partner manual: the language switcher keeps the section the reader is at.
   Section ids are the same in every language (safety#plan is #plan in nb and en), so the
   page in the other language has the same anchor. The theme's links name the page only; this
   adds the current #section to them, on load, when the anchor changes and when a link is used.
   Served from the site itself (assets/manualkit/), listed in mkdocs.yml under extra_javascript. */
(function () {
  "use strict";
  var SELECTOR = "a.md-select__link[hreflang]";

  function keepSection(link) {
    link.hash = window.location.hash;
  }

  function keepAll() {
    Array.prototype.forEach.call(document.querySelectorAll(SELECTOR), keepSection);
  }

  document.addEventListener("click", function (event) {
    var link = event.target && event.target.closest ? event.target.closest(SELECTOR) : null;
    if (link) {
      keepSection(link);
    }
  }, true);
  window.addEventListener("hashchange", keepAll);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", keepAll);
  } else {
    keepAll();
  }
})();
