// Draws the neighbourhood view's charts from the counts the page embeds; the
// same numbers are in the tables under each chart, so the page works without
// this script (progressive enhancement) and for screen readers.
(() => {
  const source = document.getElementById('chart-data');
  if (!source || typeof Chart === 'undefined') return;
  const data = JSON.parse(source.textContent);
  // Colour-blind safe (Okabe-Ito), at least 3:1 against white.
  const palette = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#8A6D00', '#56B4E9', '#6B6B6B', '#E69F00'];
  const base = { responsive: true, maintainAspectRatio: false, animation: false };
  const draw = (id, config) => {
    const canvas = document.getElementById(id);
    if (canvas) new Chart(canvas, config);
  };
  draw('chart-signals', {
    type: 'bar',
    data: {
      labels: data.neighbourhoods,
      datasets: data.signals.map((series, index) => ({
        label: series.label,
        data: series.data,
        backgroundColor: palette[index % palette.length],
      })),
    },
    options: {
      ...base,
      scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } },
    },
  });
  draw('chart-reach', {
    type: 'bar',
    data: {
      labels: data.neighbourhoods,
      datasets: [{ label: 'Bereik (%)', data: data.reach, backgroundColor: palette[2] }],
    },
    options: { ...base, scales: { y: { beginAtZero: true, max: 100 } } },
  });
  draw('chart-capacity', {
    type: 'bar',
    data: {
      labels: data.teams,
      datasets: [
        { label: 'Open zaken', data: data.open, backgroundColor: palette[1] },
        { label: 'Capaciteit', data: data.capacity, backgroundColor: palette[0] },
      ],
    },
    options: { ...base, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
  });
})();
