// The wall display refreshes itself: every minute it fetches its own address and swaps the
// figures in, so the screen never flashes white and a failed fetch keeps the last figures.
(function () {
  "use strict";
  var main = document.getElementById("screen");
  if (!main) { return; }
  var seconds = Number(main.getAttribute("data-refresh")) || 60;

  function refresh() {
    fetch(window.location.href, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (r) {
        // A session that expired leads to the login page, which is no figures: keep what we have.
        if (!r.ok || r.redirected) { throw new Error("HTTP " + r.status); }
        return r.text();
      })
      .then(function (html) {
        var next = new DOMParser().parseFromString(html, "text/html").getElementById("screen");
        if (!next) { return; }
        main.innerHTML = next.innerHTML;
        main.classList.remove("stale");
        if (window.fqDashboard) { window.fqDashboard.draw(main); }
      })
      .catch(function () { main.classList.add("stale"); })
      .then(function () { setTimeout(refresh, seconds * 1000); });
  }
  setTimeout(refresh, seconds * 1000);
})();
