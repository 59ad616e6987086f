// Ledger downloads with progress. The answer's head carries X-Total-Count before the rows are
// read, so the page can say how many rows are coming; a CSV is counted row by row as it
// arrives, an XLSX (compressed as it is written, so rows cannot be counted) by the bytes
// received. Where
// fetch cannot stream, or for a modified click, the link downloads as a plain link does.
(function () {
  "use strict";
  var box = document.getElementById("export-progress");
  if (!box || !window.fetch || !window.ReadableStream || !window.URL || !URL.createObjectURL) { return; }
  var bar = box.querySelector("progress");
  var status = box.querySelector("[role=status]");
  var busy = false;

  function say(key, vals) {
    status.textContent = (box.getAttribute("data-" + key) || "").replace(/\{(\w+)\}/g, function (_, k) { return vals && k in vals ? vals[k] : ""; });
  }

  function fileName(res, fallback) {
    var cd = res.headers.get("Content-Disposition") || "";
    var m = /filename\*=UTF-8''([^;]+)/i.exec(cd);
    try { return m ? decodeURIComponent(m[1]) : fallback; } catch (e) { return fallback; }
  }

  function save(blob, name) {
    var url = URL.createObjectURL(blob);
    var a = document.createElement("a");
    a.href = url;
    a.download = name;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 60000);
  }

  function run(link) {
    busy = true;
    box.hidden = false;
    bar.removeAttribute("value");
    say("start");
    var csv = /\.csv(\?|$)/.test(link.getAttribute("href"));
    fetch(link.href, { credentials: "same-origin" }).then(function (res) {
      if (!res.ok || !res.body) { throw new Error("status " + res.status); }
      var total = parseInt(res.headers.get("X-Total-Count") || "", 10);
      var reader = res.body.getReader();
      var parts = [];
      var bytes = 0;
      var lines = 0;
      if (!csv && total >= 0) { say("building", { total: total }); }
      function pump() {
        return reader.read().then(function (step) {
          if (step.done) { return; }
          parts.push(step.value);
          bytes += step.value.length;
          if (csv) {
            for (var i = 0; i < step.value.length; i++) { if (step.value[i] === 10) { lines++; } }
            // The first line is the header.
            var done = Math.max(0, Math.min(lines - 1, total));
            if (total > 0) { bar.max = total; bar.value = done; }
            say("rows", { total: total, done: done });
          } else {
            say("bytes", { kb: Math.round(bytes / 1024) });
          }
          return pump();
        });
      }
      return pump().then(function () {
        var type = res.headers.get("Content-Type") || "application/octet-stream";
        save(new Blob(parts, { type: type }), fileName(res, csv ? "export.csv" : "export.xlsx"));
        bar.max = 1;
        bar.value = 1;
        say("done");
      });
    }).catch(function () {
      say("failed");
    }).then(function () { busy = false; });
  }

  document.addEventListener("click", function (ev) {
    var link = ev.target.closest && ev.target.closest("a[data-export]");
    if (!link || ev.ctrlKey || ev.metaKey || ev.shiftKey || ev.altKey || ev.button !== 0) { return; }
    ev.preventDefault();
    if (!busy) { run(link); }
  });
})();
