// The search page (templates/search.mustache): Pagefind's default interface over the index
// that `journal build-site` writes into pagefind/. An external file, for the site's
// Content-Security-Policy allows no inline script.
//
// Pagefind keeps one index per language, each stemmed by its own language's rules; the page's
// <html lang> picks its own, and the site's other languages are merged in, so that one search
// finds articles in every language and the Language filter chooses among them. The filters
// count and choose across every shard and language merged.
(function () {
  "use strict";
  var el = document.getElementById("search");
  if (!el) return;
  // Absolute paths from the page's own address: the site may be served below a folder.
  var base = new URL(el.dataset.root || "./", document.baseURI).pathname;
  var top = base + "pagefind/";
  var lang = (document.documentElement.getAttribute("lang") || "").toLowerCase();

  // The index is in parts (shards: runs of years of articles, and the journal's own pages),
  // each a Pagefind bundle of its own in pagefind/<shard>/, listed with its languages in
  // pagefind/shards.json. The first shard that has the page's language is the primary one
  // (its WebAssembly stems the search in that language); every other shard and language is
  // merged in. A language a shard does not have is not merged: Pagefind would load its
  // largest language in its place, and find its pages twice.
  function start(shards) {
    if (!shards.length) return;
    var has = function (s) { return Object.prototype.hasOwnProperty.call(s.languages, lang); };
    var primary = shards.filter(has)[0] || shards[0];
    // The primary's index in the page's language, else (as Pagefind chooses) its largest.
    var own = lang;
    if (!has(primary))
      own = Object.keys(primary.languages).sort(function (a, b) {
        return primary.languages[b] - primary.languages[a];
      })[0];
    var merge = [];
    shards.forEach(function (s) {
      // Given as a full URL, for Pagefind skips a merged index whose path begins its own.
      var url = new URL(top + s.path, document.baseURI).href;
      Object.keys(s.languages).forEach(function (l) {
        if (s !== primary || l !== own) merge.push({ bundlePath: url, language: l });
      });
    });
    var bundle = top + primary.path;
    var css = document.createElement("link");
    css.rel = "stylesheet";
    css.href = bundle + "pagefind-ui.css";
    document.head.appendChild(css);
    var script = document.createElement("script");
    script.src = bundle + "pagefind-ui.js";
    script.onload = function () {
      new PagefindUI({
        element: "#search",
        bundlePath: bundle,
        baseUrl: base,
        mergeIndex: merge,
        showSubResults: false,
        showImages: false,
        openFilters: ["language", "year", "type"],
      });
    };
    document.body.appendChild(script);
  }
  fetch(top + "shards.json")
    .then(function (r) { return r.json(); })
    .then(function (list) { start(list.shards || []); });

  // Metadata and filters have the same keys in every language (so that the languages' indexes
  // merge); their names are shown in the page's language.
  var labels = {
    authors: el.dataset.labelAuthors,
    issue: el.dataset.labelIssue,
    year: el.dataset.labelYear,
    type: el.dataset.labelType,
    language: el.dataset.labelLanguage,
  };
  // The values of the type and language filters are codes in the index (research-article,
  // ru), shown as the page names them (#search-filter-values in search.mustache).
  var values = {};
  document.querySelectorAll("#search-filter-values li[data-filter]").forEach(function (li) {
    values[li.dataset.filter + ":" + li.dataset.value] = li.textContent.trim();
  });
  function relabel() {
    // The field is named by the page's visible label (Pagefind gives it only a title).
    var input = el.querySelector(".pagefind-ui__search-input");
    if (input && !input.hasAttribute("aria-labelledby"))
      input.setAttribute("aria-labelledby", "search-label");
    el.querySelectorAll(".pagefind-ui__filter-name, .pagefind-ui__filter-group-label").forEach(
      function (n) {
        var key = n.textContent.trim().toLowerCase();
        if (labels[key] && n.textContent !== labels[key]) n.textContent = labels[key];
      }
    );
    // A value's label holds the value, then " (count)": only the value is renamed.
    el.querySelectorAll(".pagefind-ui__filter-checkbox").forEach(function (box) {
      var name = values[box.name + ":" + box.value];
      var label = name && box.id ? el.querySelector('label[for="' + CSS.escape(box.id) + '"]') : null;
      var first = label && label.firstChild;
      if (first && first.nodeType === 3 && first.nodeValue === box.value) first.nodeValue = name;
    });
    el.querySelectorAll(".pagefind-ui__result-tag[data-pagefind-ui-meta]").forEach(function (n) {
      var label = labels[n.getAttribute("data-pagefind-ui-meta")];
      var first = n.firstChild;
      if (label && first && first.nodeType === 3 && first.nodeValue !== label)
        first.nodeValue = label;
    });
  }
  relabel();
  new MutationObserver(relabel).observe(el, { childList: true, subtree: true });
})();
