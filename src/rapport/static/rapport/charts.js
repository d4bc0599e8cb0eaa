// Draws plotly charts from data the server put in <script type="application/json">
// (Django's json_script). Markup: <div class="chart" data-chart="element-id"></div>.
// Spec: {kind: "bar", x: [...], series: [{name, y: [...]}], yTitle?, barmode?}.
(function () {
  "use strict";

  function draw(element) {
    var source = document.getElementById(element.getAttribute("data-chart"));
    if (!source || !window.Plotly) {
      return;
    }
    var spec = JSON.parse(source.textContent);
    var traces = (spec.series || []).map(function (series) {
      return {
        type: spec.kind || "bar",
        name: series.name,
        x: spec.x,
        y: series.y,
        hovertemplate: "%{x}<br>" + series.name + " %{y:,.0f}<extra></extra>",
      };
    });
    var layout = {
      barmode: spec.barmode || "group",
      margin: { l: 56, r: 12, t: 8, b: 48 },
      paper_bgcolor: "rgba(0,0,0,0)",
      plot_bgcolor: "rgba(0,0,0,0)",
      font: { family: getComputedStyle(document.body).fontFamily, size: 12 },
      legend: { orientation: "h", y: -0.25 },
      showlegend: traces.length > 1,
      yaxis: { title: spec.yTitle || "", tickformat: "~s", gridcolor: "#e2e5ea" },
      xaxis: { automargin: true },
      colorway: ["#2358c4", "#1c7c4a", "#d97706", "#7c3aed"],
    };
    window.Plotly.newPlot(element, traces, layout, {
      displayModeBar: false,
      responsive: true,
    });
  }

  function drawAll() {
    document.querySelectorAll("[data-chart]").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
