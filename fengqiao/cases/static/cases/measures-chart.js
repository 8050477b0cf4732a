// The measures page's six-month trend: one line per rate, drawn with ECharts from the JSON the
// page embeds (the table under the chart holds the same figures for screen readers and print).
(function () {
  "use strict";
  var el = document.getElementById("measures-chart");
  var source = document.getElementById("measures-chart-data");
  if (!el || !source || !window.echarts) { return; }
  var data = JSON.parse(source.textContent);
  var chart = window.echarts.init(el, null, { renderer: "svg" });
  chart.setOption({
    animation: false,
    tooltip: { trigger: "axis", valueFormatter: function (v) { return v === null ? "—" : v + "%"; } },
    legend: { top: 0 },
    grid: { left: 48, right: 16, top: 40, bottom: 32 },
    xAxis: { type: "category", data: data.months },
    yAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
    series: data.series.map(function (s) {
      return { name: s.name, type: "line", data: s.data, connectNulls: false, symbolSize: 6 };
    })
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
