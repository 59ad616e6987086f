// The portal's place choice without reloading: choosing a district fetches its streets, a
// street its communities, a community its grids. The form works without this file: each
// step's button posts it back and the server draws the next list. If a fetch fails, the
// buttons come back, so the resident can still go on.
(function () {
  "use strict";
  var box = document.querySelector("[data-area-steps]");
  if (!box || !window.fetch) { return; }
  var order = ["district", "street", "area", "grid"];
  var buttons = Array.prototype.slice.call(box.querySelectorAll("[data-step-next]"));
  var parents = {};

  function block(field) { return box.querySelector('[data-step="' + field + '"]'); }

  // Hidden buttons would still be the form's default for Enter; taken out, they are not.
  function showButtons(on) {
    buttons.forEach(function (b) {
      if (on && !b.isConnected) { parents[b.value].appendChild(b); }
      if (!on && b.isConnected) { parents[b.value] = b.parentNode; b.remove(); }
    });
  }

  function clear(field) {
    var b = block(field);
    var select = b.querySelector("select");
    while (select.options.length > 1) { select.remove(1); }
    select.value = "";
    select.disabled = true;
    b.hidden = true;
  }

  function fill(field, items) {
    var b = block(field);
    var select = b.querySelector("select");
    items.forEach(function (a) { select.add(new Option(a.name, a.code)); });
    select.disabled = false;
    b.hidden = false;
  }

  showButtons(false);
  box.addEventListener("change", function (ev) {
    var select = ev.target;
    var at = order.indexOf(select.name);
    if (at < 0) { return; }
    for (var i = at + 1; i < order.length; i++) { clear(order[i]); }
    if (!select.value || at === order.length - 1) { return; }
    var asked = select.value;
    box.setAttribute("aria-busy", "true");
    fetch("/portal/areas.json?parent=" + encodeURIComponent(asked), { headers: { accept: "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error(String(r.status)); } return r.json(); })
      .then(function (data) {
        // A later choice may have overtaken this answer.
        if (select.value !== asked) { return; }
        var items = data.items.filter(function (a) { return a.field === order[at + 1]; });
        if (items.length) { fill(order[at + 1], items); }
      })
      .catch(function () { showButtons(true); })
      .then(function () { box.removeAttribute("aria-busy"); });
  });
})();
