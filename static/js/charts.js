// Draws each <canvas class="chart"> from its data-chart attribute (a figure's labels and
// series, the same figures as the table beside it) with the vendored Chart.js. No inline
// script: the page's Content-Security-Policy allows scripts from the site only.
(function () {
  "use strict";
  var PALETTE = ["#1f6f8b", "#e07a1f", "#5a9e4b", "#8e5ea2", "#c0392b"];

  function draw(canvas) {
    var spec = JSON.parse(canvas.getAttribute("data-chart"));
    var several = spec.series.length > 1;
    new window.Chart(canvas, {
      type: spec.type,
      data: {
        labels: spec.labels,
        datasets: spec.series.map(function (series, index) {
          var colour = PALETTE[index % PALETTE.length];
          return {
            label: series.label,
            data: series.data,
            backgroundColor: colour,
            borderColor: colour,
            tension: 0.2,
          };
        }),
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { display: several } },
        scales: { y: { beginAtZero: true } },
      },
    });
  }

  function start() {
    if (!window.Chart) {
      return;
    }
    document.querySelectorAll("canvas.chart[data-chart]").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
