
(function () {
  "use strict";
  function key(cell, numeric) {
    var v = cell.hasAttribute("data-value") ? cell.getAttribute("data-value") : cell.textContent;
    if (!numeric) { return v.trim().toLowerCase(); }
    var x = parseFloat(v);
    return isNaN(x) ? null : x;
  }
  function sortBy(table, col, th) {
    var numeric = th.getAttribute("data-sort") === "num";
    var current = th.getAttribute("aria-sort");
    var dir = current ? (current === "ascending" ? "descending" : "ascending") : (numeric && col > 0 ? "descending" : "ascending");
    Array.prototype.forEach.call(th.parentNode.cells, function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", dir);
    var sign = dir === "ascending" ? 1 : -1;
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = key(a.cells[col], numeric), y = key(b.cells[col], numeric);
      if (x === y) { return 0; }
      if (x === null) { return 1; }   // missing values last, whatever the direction
      if (y === null) { return -1; }
      return (x < y ? -1 : 1) * sign;
    });
    rows.forEach(function (row) { body.appendChild(row); });
  }
  Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), function (table) {
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, col) {
      if (!th.hasAttribute("data-sort")) { return; }
      th.tabIndex = 0;
      th.addEventListener("click", function () { sortBy(table, col, th); });
      th.addEventListener("keydown", function (e) {
        if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sortBy(table, col, th); }
      });
    });
  });
  // point at a shortlist row: highlight the actor on the map
  var nodes = {};
  Array.prototype.forEach.call(document.querySelectorAll("#network-map .node"), function (g) {
    nodes[g.getAttribute("data-actor")] = g;
  });
  Array.prototype.forEach.call(document.querySelectorAll("#shortlist-table tbody tr"), function (tr) {
    var g = nodes[tr.getAttribute("data-actor")];
    if (!g) { return; }
    tr.addEventListener("mouseenter", function () { g.classList.add("hl"); g.parentNode.appendChild(g); });
    tr.addEventListener("mouseleave", function () { g.classList.remove("hl"); });
  });
}());
