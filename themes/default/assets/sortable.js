/*
 * Sortable tables: progressive enhancement for table[data-sortable].
 * Without this script the table is complete and in a sensible order; with it,
 * each column heading becomes a button that sorts by that column, and the
 * heading's aria-sort says how the table is sorted. A cell's data-sort value,
 * when present, is what it sorts by; columns marked class="num" sort as
 * numbers (largest first on the first press), the others as text in the
 * page's language. No dependencies.
 */
(function () {
  "use strict";

  function cellValue(row, index, numeric) {
    var cell = row.cells[index];
    if (!cell) return numeric ? 0 : "";
    var raw = cell.hasAttribute("data-sort") ? cell.getAttribute("data-sort") : cell.textContent;
    if (!numeric) return raw.trim();
    var n = parseFloat(raw.replace(",", ".").replace(/[^0-9.\-]/g, ""));
    return isNaN(n) ? 0 : n;
  }

  function enhance(table) {
    var head = table.tHead && table.tHead.rows[0];
    var body = table.tBodies[0];
    if (!head || !body) return;
    var lang = document.documentElement.lang || undefined;
    var collator = typeof Intl !== "undefined" ? new Intl.Collator(lang, { sensitivity: "base", numeric: true }) : null;
    var rows = Array.prototype.slice.call(body.rows);
    rows.forEach(function (row, i) { row.setAttribute("data-order", String(i)); });
    var headers = Array.prototype.slice.call(head.cells);

    function sort(index, direction) {
      var numeric = headers[index].classList.contains("num");
      var sign = direction === "ascending" ? 1 : -1;
      var sorted = Array.prototype.slice.call(body.rows).sort(function (a, b) {
        var x = cellValue(a, index, numeric), y = cellValue(b, index, numeric);
        var c = numeric ? x - y : collator ? collator.compare(x, y) : x < y ? -1 : x > y ? 1 : 0;
        if (c !== 0) return c * sign;
        return Number(a.getAttribute("data-order")) - Number(b.getAttribute("data-order"));
      });
      sorted.forEach(function (row) { body.appendChild(row); });
      headers.forEach(function (th, k) {
        if (k === index) th.setAttribute("aria-sort", direction);
        else th.removeAttribute("aria-sort");
      });
    }

    headers.forEach(function (th, index) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort-button";
      while (th.firstChild) button.appendChild(th.firstChild);
      var mark = document.createElement("span");
      mark.className = "sort-mark";
      mark.setAttribute("aria-hidden", "true");
      button.appendChild(mark);
      th.appendChild(button);
      button.addEventListener("click", function () {
        var current = th.getAttribute("aria-sort");
        var numeric = th.classList.contains("num");
        var next;
        if (current === "ascending") next = "descending";
        else if (current === "descending") next = "ascending";
        else next = numeric ? "descending" : "ascending";
        sort(index, next);
      });
    });

    var section = table.closest("section");
    var hint = section && section.querySelector(".stats-sort-hint");
    if (hint) hint.hidden = false;
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("table[data-sortable]"), enhance);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
