// The claims ledger (book/ledger.md, ndgm.claims.html): filter the rows by verdict and section, and sort
// them by a column, in the browser, with no kernel. Every row carries data-verdict and data-section.
(function () {
  "use strict";

  function setup(ledger) {
    var body = ledger.querySelector("tbody");
    var rows = Array.prototype.slice.call(body.rows);
    var count = ledger.querySelector(".ndgm-ledger-count");
    var filters = ledger.querySelectorAll("select[data-filter]");
    var order = {column: -1, ascending: true};

    function filter() {
      var shown = 0;
      rows.forEach(function (row) {
        var keep = Array.prototype.every.call(filters, function (select) {
          return !select.value || row.getAttribute("data-" + select.getAttribute("data-filter")) === select.value;
        });
        row.hidden = !keep;
        shown += keep ? 1 : 0;
      });
      count.textContent = shown + " of " + rows.length + " claims";
    }

    function key(row, column) {
      return row.cells[column].textContent.trim().toLowerCase();
    }

    function sort(column) {
      order.ascending = order.column === column ? !order.ascending : true;
      order.column = column;
      var sorted = rows.slice().sort(function (a, b) {
        var c = key(a, column).localeCompare(key(b, column), undefined, {numeric: true});
        return order.ascending ? c : -c;
      });
      sorted.forEach(function (row) { body.appendChild(row); });
      ledger.querySelectorAll("th").forEach(function (th, i) {
        th.setAttribute("aria-sort", i === column ? (order.ascending ? "ascending" : "descending") : "none");
      });
    }

    Array.prototype.forEach.call(filters, function (select) { select.addEventListener("change", filter); });
    ledger.querySelectorAll("th button").forEach(function (button) {
      button.addEventListener("click", function () { sort(Number(button.getAttribute("data-column"))); });
    });
    filter();
  }

  function init() {
    document.querySelectorAll(".ndgm-ledger").forEach(setup);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
