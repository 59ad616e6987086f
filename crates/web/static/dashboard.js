// Draws the dashboard's charts from the numbers the server put in data attributes (the CSP
// allows no inline script) and the map of child areas from our own GeoJSON. The page works
// without this file: every chart has its table, and the tables hold the same numbers.
(function () {
  "use strict";
  var FONT = '"PingFang SC", "Noto Sans CJK SC", "Microsoft YaHei", sans-serif';
  var charts = [];

  // One theme for every chart: blue for intake, green for resolved (the status colour of
  // resolved), and on the wall display the same hues lightened for a dark background.
  function palette() {
    var dark = document.body.classList.contains("screen");
    return dark
      ? { dark: true, series: ["#6cb4ff", "#4fd18b", "#f5c04a"], text: "#e8eef5", muted: "#9fb0c3", line: "#33465c", base: 20,
          shade: { overdue: ["#3a2a2d", "#ff6b5e"], open: ["#1f3550", "#6cb4ff"] }, empty: "#1b2838", border: "#9fb0c3" }
      : { dark: false, series: ["#0b57a4", "#1e6b3a", "#8a5300"], text: "#1d2329", muted: "#5b6570", line: "#d9dee3", base: 13,
          shade: { overdue: ["#fdecea", "#b3261e"], open: ["#e3eefa", "#0b57a4"] }, empty: "#f4f6f8", border: "#8a949e" };
  }

  function narrow(el) { return el.clientWidth < 520; }

  // Counts in Chinese are plain digits (3413), in English grouped (3,413), as in the tables.
  function plain(v) { return document.documentElement.lang === "en" ? v.toLocaleString("en") : String(v); }

  function option(spec, el, p) {
    var small = narrow(el);
    var size = small ? 11 : p.base;
    var horizontal = spec.kind === "hbar";
    // Every row of a horizontal bar chart is named; on the wall display the rows share a
    // fixed height, so the names shrink to fit rather than every other one vanishing.
    var rowSize = horizontal ? Math.max(10, Math.min(size, Math.floor((el.clientHeight - 80) / spec.x.length * 0.6))) : size;
    var category = {
      type: "category", data: spec.x, inverse: horizontal,
      axisLabel: { color: p.text, fontSize: rowSize, fontFamily: FONT, interval: horizontal || spec.x.length <= 8 ? 0 : "auto", hideOverlap: !horizontal && spec.x.length > 8,
        width: horizontal ? (small ? 84 : 150) : (spec.x.length <= 8 ? Math.floor(el.clientWidth / spec.x.length) - 12 : undefined), overflow: "break", lineHeight: rowSize + 2 },
      axisLine: { lineStyle: { color: p.line } },
    };
    var value = {
      // The unit is in the title; on a horizontal chart the axis name would only crowd its end.
      type: "value", name: horizontal ? "" : spec.unit, nameTextStyle: { color: p.muted, fontSize: size, fontFamily: FONT },
      axisLabel: { color: p.muted, fontSize: size, formatter: plain }, splitLine: { lineStyle: { color: p.line } }, minInterval: 1,
    };
    return {
      animation: false,
      textStyle: { fontFamily: FONT, color: p.text },
      color: p.series,
      legend: { top: 0, textStyle: { color: p.text, fontSize: size, fontFamily: FONT } },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" },
        valueFormatter: function (v) { return plain(v) + " " + spec.unit; } },
      grid: { left: 8, right: small || horizontal ? 20 : 24, top: 36, bottom: 8, containLabel: true },
      xAxis: horizontal ? value : category,
      yAxis: horizontal ? category : value,
      series: spec.series.map(function (s) {
        return { name: s.name, type: spec.kind === "line" ? "line" : "bar", data: s.data, barMaxWidth: 28, barGap: "40%",
          symbolSize: 6, label: { show: !small && spec.x.length <= 6 && spec.kind !== "line", position: horizontal ? "right" : "top", color: p.text, fontSize: Math.max(10, size - 4), formatter: function (v) { return v.value ? plain(v.value) : ""; } } };
      }),
    };
  }

  function drawChart(el, p) {
    var spec;
    try { spec = JSON.parse(el.getAttribute("data-chart")); } catch (e) { return; }
    if (spec.kind === "hbar") {
      // A bar a row: long Chinese category names wrap rather than being cut.
      el.style.height = Math.max(240, spec.x.length * (narrow(el) ? 44 : 40) + 60) + "px";
    }
    var chart = echarts.init(el, null, { renderer: "canvas" });
    chart.setOption(option(spec, el, p));
    if (spec.links) {
      el.classList.add("clickable");
      chart.on("click", function (item) {
        var href = spec.links[item.dataIndex];
        if (href) { window.location.assign(href); }
      });
      // A click on the axis label or the empty part of a column drills down too.
      chart.getZr().on("click", function (ev) {
        if (ev.target) { return; }
        var at = chart.convertFromPixel({ gridIndex: 0 }, [ev.offsetX, ev.offsetY]);
        var i = at && Math.round(spec.kind === "hbar" ? at[1] : at[0]);
        if (typeof i === "number" && spec.links[i] && chart.containPixel({ gridIndex: 0 }, [ev.offsetX, ev.offsetY])) {
          window.location.assign(spec.links[i]);
        }
      });
    }
    charts.push(chart);
    // The chart now shows what the table does; the table stays one tap away.
    var table = el.parentNode.querySelector("details.table-view");
    if (table) { table.open = false; }
  }

  function drawMap(el, p) {
    var spec;
    try { spec = JSON.parse(el.getAttribute("data-map")); } catch (e) { return; }
    var measure = el.getAttribute("data-measure") || "overdue";
    var failed = function () { el.hidden = true; };
    fetch(spec.geojson, { credentials: "same-origin", headers: { Accept: "application/geo+json" } })
      .then(function (r) { if (!r.ok) { throw new Error("HTTP " + r.status); } return r.json(); })
      .then(function (collection) {
        var features = (collection.features || []).filter(function (f) { return f.properties.role !== "area"; });
        if (!features.length) { failed(); return; }
        collection = { type: "FeatureCollection", features: features };
        var b = { w: 180, s: 90, e: -180, n: -90 };
        var walk = function (c) {
          if (typeof c[0] !== "number") { c.forEach(walk); return; }
          b.w = Math.min(b.w, c[0]); b.e = Math.max(b.e, c[0]); b.s = Math.min(b.s, c[1]); b.n = Math.max(b.n, c[1]);
        };
        features.forEach(function (f) { walk(f.geometry.coordinates); });
        // Degrees of longitude shrink with latitude; without this the map looks stretched.
        var aspect = Math.cos((b.s + b.n) / 2 * Math.PI / 180);
        var ratio = Math.max((b.e - b.w) * aspect / Math.max(b.n - b.s, 1e-6), 0.3);
        var LEGEND = 40;
        if (!p.dark) {
          // On the page the box takes the map's shape; the wall display's box is fixed.
          el.style.height = Math.round(Math.min(Math.max(el.clientWidth / ratio, 220), window.innerHeight * 0.7) + LEGEND) + "px";
        }
        var fit = function () {
          var w = el.clientWidth, h = el.clientHeight - LEGEND;
          // ECharts sizes a map by its longer side.
          return ratio >= 1 ? Math.min(w * 0.96, h * 0.94 * ratio) : Math.min(h * 0.94, w * 0.96 / ratio);
        };
        var name = "fq-dash-" + spec.code;
        echarts.registerMap(name, collection);
        var chart = echarts.init(el, null, { renderer: "canvas" });
        var draw = function () {
          var max = 1;
          Object.keys(spec.values).forEach(function (k) { max = Math.max(max, spec.values[k][measure]); });
          chart.setOption({
            animation: false,
            tooltip: { formatter: function (item) {
              var v = spec.values[item.name];
              return v ? v.name + "<br>" + spec.measures.overdue + " " + v.overdue + " " + spec.unit + "<br>" + spec.measures.open + " " + v.open + " " + spec.unit : "";
            } },
            visualMap: { min: 0, max: max, calculable: false, orient: "horizontal", left: 8, bottom: 4, itemWidth: 12, itemHeight: 120,
              text: [String(max), "0 " + spec.unit], textStyle: { color: p.text, fontFamily: FONT }, inRange: { color: p.shade[measure] } },
            series: [{
              type: "map", map: name, nameProperty: "code", roam: false, selectedMode: false,
              // Keeps the map's own shape (degrees of longitude shrink with latitude) instead
              // of stretching it to the box.
              aspectScale: aspect, layoutCenter: ["50%", (el.clientHeight - LEGEND) / 2], layoutSize: fit(),
              itemStyle: { borderColor: p.border, borderWidth: 1, areaColor: p.empty },
              label: { show: true, color: p.text, fontFamily: FONT, fontSize: narrow(el) ? 10 : p.base - 1, width: narrow(el) ? 48 : 110, overflow: "break",
                textBorderColor: p.dark ? "#0d1722" : "#fff", textBorderWidth: 2,
                formatter: function (item) { var v = spec.values[item.name]; return v ? v.name + "\n" + v[measure] : ""; } },
              labelLayout: { hideOverlap: true },
              emphasis: { label: { fontWeight: "bold" } },
              data: Object.keys(spec.values).map(function (code) {
                var v = spec.values[code][measure];
                // Names on the darkest fills turn light so they stay readable.
                var deep = v > 0 && v / max > 0.5;
                return { name: code, value: v, label: deep ? { color: "#fff", textBorderColor: "#5a120e" } : undefined };
              }),
            }],
          }, true);
        };
        draw();
        chart.on("click", function (item) {
          var v = spec.values[item.name];
          if (v && v.href) { window.location.assign(v.href); }
        });
        var buttons = el.parentNode.querySelector(".dash-measure");
        if (buttons) {
          buttons.hidden = false;
          buttons.addEventListener("click", function (ev) {
            var m = ev.target.getAttribute && ev.target.getAttribute("data-measure");
            if (!m) { return; }
            measure = m;
            buttons.querySelectorAll("button").forEach(function (b) { b.setAttribute("aria-pressed", String(b === ev.target)); });
            draw();
          });
        }
        // The map's size follows its box, so a resize draws it again rather than stretching it.
        charts.push({ resize: function () { chart.resize(); draw(); }, dispose: function () { chart.dispose(); } });
      })
      .catch(failed);
  }

  // Typing a date means a period of one's own: the picker follows, so "本年" does not
  // silently win over the dates just entered.
  function followDates() {
    var form = document.querySelector("form.dash-picker");
    if (!form) { return; }
    ["from", "to"].forEach(function (n) {
      var input = form.elements[n];
      if (input) { input.addEventListener("change", function () { form.elements.period.value = "custom"; }); }
    });
  }

  function drawAll(root) {
    charts.forEach(function (c) { c.dispose(); });
    charts = [];
    if (!window.echarts) { return; }
    var p = palette();
    root.querySelectorAll("[data-chart]").forEach(function (el) { drawChart(el, p); });
    root.querySelectorAll("[data-map]").forEach(function (el) { drawMap(el, p); });
  }

  var pending;
  window.addEventListener("resize", function () {
    clearTimeout(pending);
    pending = setTimeout(function () { charts.forEach(function (c) { c.resize(); }); }, 150);
  });
  window.fqDashboard = { draw: drawAll };
  followDates();
  drawAll(document);
})();
