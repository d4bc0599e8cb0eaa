// Draws the model pages' line charts (metrics by version, calibration curve)
// from <script type="application/json"> data: {x: [...], series: [{name, y}]}.
(function () {
  "use strict";

  function draw(element) {
    var source = document.getElementById(element.getAttribute("data-ml-chart"));
    if (!source || !window.Plotly) {
      return;
    }
    var spec = JSON.parse(source.textContent);
    var traces = (spec.series || []).map(function (series, index) {
      return {
        type: "scatter",
        mode: "lines+markers",
        name: series.name,
        x: spec.x,
        y: series.y,
        line: { dash: index % 2 ? "dot" : "solid" },
        hovertemplate: "%{x}<br>" + series.name + " %{y:.3f}<extra></extra>",
      };
    });
    window.Plotly.newPlot(
      element,
      traces,
      {
        margin: { l: 48, r: 12, t: 8, b: 48 },
        paper_bgcolor: "rgba(0,0,0,0)",
        plot_bgcolor: "rgba(0,0,0,0)",
        font: { family: getComputedStyle(document.body).fontFamily, size: 12 },
        legend: { orientation: "h", y: -0.25 },
        yaxis: { tickformat: ".2f", gridcolor: "#e2e5ea", rangemode: "tozero" },
        xaxis: { title: spec.xTitle || "", automargin: true },
        colorway: ["#2358c4", "#9aa3b2", "#1c7c4a", "#d97706"],
      },
      { displayModeBar: false, responsive: true }
    );
  }

  function drawAll() {
    document.querySelectorAll("[data-ml-chart]").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
