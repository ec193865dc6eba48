// The search page (templates/search.mustache): Pagefind's default interface over the index
// that `journal build-site` writes into pagefind/. An external file, for the site's
// Content-Security-Policy allows no inline script.
//
// Pagefind keeps one index per language, each stemmed by its own language's rules; the page's
// <html lang> picks its own, and the site's other languages are merged in, so that one search
// finds articles in every language and the Language filter chooses among them.
(function () {
  "use strict";
  var el = document.getElementById("search");
  if (!el || typeof PagefindUI === "undefined") return;
  // Absolute paths from the page's own address: the site may be served below a folder.
  var base = new URL(el.dataset.root || "./", document.baseURI).pathname;
  var bundle = base + "pagefind/";
  // The same bundle, for each other language's index; given as a full URL, for Pagefind skips
  // a merged index whose path begins its own.
  var merged = new URL(bundle, document.baseURI).href;
  var merge = (el.dataset.languages || "").split(" ").filter(Boolean).map(function (lang) {
    return { bundlePath: merged, language: lang };
  });
  new PagefindUI({
    element: "#search",
    bundlePath: bundle,
    baseUrl: base,
    mergeIndex: merge,
    showSubResults: false,
    showImages: false,
    openFilters: ["language", "year", "type"],
  });

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
