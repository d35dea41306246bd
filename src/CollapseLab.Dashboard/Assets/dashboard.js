// The live run page: follows /api/runs/ID/events (server-sent events) and redraws what changed, without reloading.
// Everything from the run (names, descriptions, alarms) is set with textContent, never as markup.
(function () {
  'use strict';
  var main = document.getElementById('run');
  var id = main.getAttribute('data-run');
  var body = document.body;
  var drawn = {};      // chart name -> { text: spec as JSON text, view: vega view, element }
  var updates = 0;

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }

  function number(x) {
    if (x === null || x === undefined) return '–';
    var a = Math.abs(x);
    return (a !== 0 && (a >= 1e4 || a < 1e-3)) ? x.toExponential(3) : String(Number(x.toPrecision(4)));
  }

  function duration(seconds) {
    if (seconds === null || seconds === undefined) return 'unknown';
    seconds = Math.round(seconds);
    var h = Math.floor(seconds / 3600), m = Math.floor(seconds % 3600 / 60), s = seconds % 60;
    return (h > 0 ? h + ' h ' : '') + (h > 0 || m > 0 ? m + ' min ' : '') + s + ' s';
  }

  function table(headers, rows) {
    var t = el('table'), head = el('tr');
    headers.forEach(function (h) { head.appendChild(el('th', h)); });
    t.appendChild(el('thead')).appendChild(head);
    var tbody = t.appendChild(el('tbody'));
    rows.forEach(function (row) {
      var tr = tbody.appendChild(el('tr'));
      row.forEach(function (cell) { tr.appendChild(el('td', cell, typeof cell === 'number' ? 'num' : null)); });
    });
    return t;
  }

  function showRun(run) {
    document.getElementById('title').textContent = run.name;
    document.getElementById('description').textContent = run.description;
    var status = document.getElementById('status');
    status.textContent = run.status;
    status.className = 'status ' + run.status.replace(/[^a-z]/g, '');
    var progress = document.getElementById('progress');
    progress.max = Math.max(run.total, 1);
    progress.value = run.done;
    var text = run.done + ' of ' + run.total + ' generations (' + (100 * run.done / Math.max(run.total, 1)).toFixed(1) + '%)';
    if (run.status === 'running') {
      text += ' · ETA ' + duration(run.secondsLeft);
      if (run.secondsSinceUpdate !== null && run.secondsSinceUpdate > 300) text += ' · no progress for ' + duration(run.secondsSinceUpdate);
    }
    document.getElementById('progress-text').textContent = text;
    document.getElementById('report').hidden = !run.report;

    var latest = document.getElementById('latest');
    latest.replaceChildren(table(['arm', 'generation', 'replicates there', 'chains done'].concat(run.metrics),
      run.latest.map(function (a) {
        return [a.arm, a.generation < 0 ? '–' : a.generation, a.replicates, a.chainsDone + ' / ' + run.replicates]
          .concat(a.means.map(number));
      })));

    var alarms = document.getElementById('alarms');
    if (run.alarmCount > 0) {
      var note = el('p', run.alarmCount + ' alarm(s)' + (run.alarmCount > run.alarms.length ? '; the latest ' + run.alarms.length + ' shown' : ''));
      var scroll = el('div', null, 'scroll');
      scroll.appendChild(table(['arm', 'replicate', 'generation', 'signal', 'rule', 'value', 'threshold', 'action'],
        run.alarms.slice().reverse().map(function (a) {
          return [a.arm, a.replicate, a.generation, a.signal, a.rule, number(a.value), number(a.threshold), a.action];
        })));
      alarms.replaceChildren(note, scroll);
    }
  }

  function showCharts(charts) {
    var container = document.getElementById('charts');
    var jobs = charts.map(function (chart, i) {
      var text = JSON.stringify(chart.spec);
      var known = drawn[chart.name];
      if (!known) {
        var element = el('div', null, 'chart');
        element.setAttribute('data-chart', chart.name);
        element.setAttribute('role', 'img');
        element.setAttribute('aria-label', chart.name);
        container.appendChild(element);
        known = drawn[chart.name] = { text: null, view: null, element: element };
      }
      if (known.text === text) return Promise.resolve();
      known.text = text;
      var options = { mode: 'vega-lite', renderer: 'svg', actions: false };
      return vegaEmbed(known.element, chart.spec, options).then(function (result) {
        if (known.view) known.view.finalize();
        known.view = result.view;
      }, function (error) {
        console.error('chart ' + chart.name + ' could not be drawn: ' + error);
        known.element.textContent = 'This chart could not be drawn: ' + error;
      });
    });
    return Promise.all(jobs);
  }

  var source = new EventSource('/api/runs/' + encodeURIComponent(id) + '/events');
  var connection = document.getElementById('connection');
  source.addEventListener('open', function () { connection.textContent = 'live: updates as generations complete'; });
  source.addEventListener('error', function () { connection.textContent = 'disconnected; retrying…'; });
  source.addEventListener('update', function (event) {
    var data = JSON.parse(event.data);
    showRun(data.run);
    showCharts(data.charts).then(function () {
      updates++;
      body.setAttribute('data-updates', String(updates));
      body.setAttribute('data-version', String(data.run.version));
      body.setAttribute('data-charts', String(data.charts.length));
    });
  });
})();
