// Draws an area's map from our own GeoJSON with ECharts: no tile server exists where the
// platform runs. The page works without this file; its table lists the same areas.
(function () {
  "use strict";
  var el = document.getElementById("area-map");
  if (!el || !window.echarts) { return; }

  // Light fills tell neighbours apart; the accent is kept for the one under the pointer.
  var FILLS = ["#dbe8f6", "#e2f0e5", "#fbeed6", "#ebe3f3", "#f8e1dc", "#dcefef", "#eef0d8"];
  var FONT = '"PingFang SC", "Noto Sans CJK SC", "Microsoft YaHei", sans-serif';

  function failed() {
    el.hidden = true;
    var note = document.getElementById("map-failed");
    if (note) { note.hidden = false; }
  }

  function eachPosition(coords, fn) {
    if (typeof coords[0] === "number") { fn(coords); return; }
    coords.forEach(function (c) { eachPosition(c, fn); });
  }

  function bounds(features) {
    var b = { west: 180, south: 90, east: -180, north: -90 };
    features.forEach(function (f) {
      eachPosition(f.geometry.coordinates, function (p) {
        b.west = Math.min(b.west, p[0]); b.east = Math.max(b.east, p[0]);
        b.south = Math.min(b.south, p[1]); b.north = Math.max(b.north, p[1]);
      });
    });
    return b;
  }

  function draw(collection) {
    var features = collection.features || [];
    if (!features.length) { failed(); return; }
    var byCode = {};
    features.forEach(function (f) { byCode[f.properties.code] = f.properties; });
    var name = "fq-" + el.getAttribute("data-code");
    var b = bounds(features);
    // Degrees of longitude shrink with latitude; without this the map looks stretched.
    var aspect = Math.cos((b.south + b.north) / 2 * Math.PI / 180);
    var ratio = Math.max((b.east - b.west) * aspect / Math.max(b.north - b.south, 1e-6), 0.3);
    // The box takes the map's own shape, so a wide street is not a thin band on a phone.
    var height = Math.min(Math.max(el.clientWidth / ratio, 220), window.innerHeight * 0.75);
    el.style.height = Math.round(height) + "px";
    var narrow = el.clientWidth < 520;
    echarts.registerMap(name, collection);
    var chart = echarts.init(el, null, { renderer: "canvas" });
    var child = 0;
    var data = features.map(function (f) {
      var p = f.properties;
      if (p.role === "area") {
        // The area itself lies behind its children: context, not a target.
        return { name: p.code, itemStyle: { areaColor: "#f4f6f8", borderColor: "#8a949e", borderType: "dashed" },
          label: { show: false }, emphasis: { disabled: true } };
      }
      return { name: p.code, itemStyle: { areaColor: FILLS[child++ % FILLS.length] } };
    });
    chart.setOption({
      animation: false,
      series: [{
        type: "map",
        map: name,
        nameProperty: "code",
        aspectScale: aspect,
        roam: false,
        selectedMode: false,
        left: 8, right: 8, top: 8, bottom: 8,
        data: data,
        itemStyle: { borderColor: "#0b57a4", borderWidth: 1 },
        label: {
          show: true, color: "#1f2933", fontSize: narrow ? 11 : 13, fontFamily: FONT,
          // Names are never cut short; on a phone a long one wraps instead.
          width: narrow ? 50 : 120, overflow: "break", lineHeight: narrow ? 13 : 16,
          formatter: function (item) { return byCode[item.name] ? byCode[item.name].name : ""; },
        },
        labelLayout: { hideOverlap: true },
        emphasis: { itemStyle: { areaColor: "#b9d3f0" }, label: { color: "#0b2e55", fontWeight: "bold" } },
      }],
    });
    chart.on("click", function (item) {
      var p = byCode[item.name];
      if (p && p.role !== "area" && p.href) { window.location.assign(p.href); }
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  fetch(el.getAttribute("data-geojson"), { credentials: "same-origin", headers: { Accept: "application/geo+json" } })
    .then(function (r) { if (!r.ok) { throw new Error("HTTP " + r.status); } return r.json(); })
    .then(draw)
    .catch(failed);
})();
