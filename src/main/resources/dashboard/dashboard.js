// The live dashboard: polls GET /api/stats about once a second with the admin key that the operator typed, and
// draws its columns (docs/api.md) with uPlot. The key lives in this tab's sessionStorage only; it never goes into
// a URL. Everything written into the page is text (textContent), never HTML.
'use strict';

(function () {
  const KEY = 'agentstore.dashboard.key';
  const POLL_MS = 1000;
  const $ = (id) => document.getElementById(id);

  const charts = new Map(); // element id -> uPlot
  const databases = new Set();
  let timer = null;
  let generation = 0;

  function setStatus(text, error) {
    $('status').textContent = text;
    $('status').classList.toggle('error', Boolean(error));
  }

  function showLogin(message) {
    $('board').hidden = true;
    $('forget').hidden = true;
    $('login').hidden = false;
    $('login-error').textContent = message || '';
    setStatus('not connected');
    $('key').focus();
  }

  function showBoard() {
    $('login').hidden = true;
    $('board').hidden = false;
    $('forget').hidden = false;
  }

  function stop() {
    generation++;
    if (timer !== null) {
      clearTimeout(timer);
      timer = null;
    }
  }

  function start() {
    stop();
    poll(generation);
  }

  async function problemDetail(response) {
    try {
      const body = await response.json();
      return body && typeof body.detail === 'string' ? body.detail : response.statusText;
    } catch (e) {
      return response.statusText;
    }
  }

  async function poll(gen) {
    const key = sessionStorage.getItem(KEY);
    if (!key) {
      showLogin();
      return;
    }
    let next = POLL_MS;
    try {
      const response = await fetch('/api/stats', {
        headers: { Authorization: 'Bearer ' + key },
        cache: 'no-store',
        credentials: 'omit',
      });
      if (gen !== generation) {
        return;
      }
      if (response.status === 401 || response.status === 403) {
        sessionStorage.removeItem(KEY);
        const detail = await problemDetail(response);
        showLogin((response.status === 401 ? 'The server does not take this key: ' : 'This key is not enough: ')
          + detail);
        return;
      }
      if (!response.ok) {
        const retry = Number(response.headers.get('Retry-After'));
        next = retry > 0 ? retry * 1000 : POLL_MS;
        setStatus(response.status + ': ' + await problemDetail(response), true);
      } else {
        const stats = await response.json();
        if (gen !== generation) {
          return;
        }
        showBoard();
        render(stats);
        setStatus('updated ' + new Date().toLocaleTimeString());
      }
    } catch (e) {
      setStatus('the server does not answer (' + e.message + '); trying again', true);
    }
    if (gen === generation) {
      timer = setTimeout(() => poll(gen), next);
    }
  }

  // ---- formatting

  function last(column) {
    return column && column.length ? column[column.length - 1] : null;
  }

  function number(v, digits) {
    if (v === null || v === undefined || Number.isNaN(v)) {
      return '-';
    }
    return Number.isInteger(v) ? String(v) : v.toFixed(digits === undefined ? 1 : digits);
  }

  function bytes(v) {
    if (v === null || v === undefined) {
      return '-';
    }
    const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    let i = 0;
    while (v >= 1024 && i < units.length - 1) {
      v /= 1024;
      i++;
    }
    return (i === 0 ? String(v) : v.toFixed(1)) + ' ' + units[i];
  }

  /** A number shown, with the raw value in data-value (for tests and for copying). */
  function show(id, value, text) {
    const el = $(id);
    el.textContent = text === undefined ? number(value) : text;
    el.dataset.value = value === null || value === undefined ? '' : String(value);
  }

  // ---- charts

  const COLORS = ['#2563eb', '#dc2626', '#d97706', '#059669', '#7c3aed'];

  function chart(id, labels, time, columns) {
    const data = [time.map((t) => t / 1000)].concat(columns);
    let plot = charts.get(id);
    if (!plot) {
      const el = $(id);
      plot = new uPlot({
        width: Math.max(200, el.clientWidth),
        height: 200,
        series: [{}].concat(labels.map((label, i) => ({ label: label, stroke: COLORS[i % COLORS.length], width: 2 }))),
        scales: { x: { time: true } },
        axes: [{}, { size: 60 }],
      }, data, el);
      charts.set(id, plot);
    } else {
      plot.setData(data);
    }
  }

  window.addEventListener('resize', () => {
    for (const [id, plot] of charts) {
      plot.setSize({ width: Math.max(200, $(id).clientWidth), height: 200 });
    }
  });

  // ---- the page's parts

  function render(stats) {
    const http = stats.http;
    const time = stats.time_ms;
    show('rps', last(http.requests_per_s));
    show('latency', last(http.p99_ms), number(last(http.p50_ms), 2) + ' / ' + number(last(http.p99_ms), 2));
    show('requests-total', http.requests_total);
    show('errors-total', http.errors_5xx_total);
    show('unavailable-total', http.unavailable_503_total);
    chart('chart-requests', ['requests/s', '5xx/s', '503/s'], time,
      [http.requests_per_s, http.errors_5xx_per_s, http.unavailable_503_per_s]);
    chart('chart-latency', ['p50 ms', 'p99 ms'], time, [http.p50_ms, http.p99_ms]);
    operations(http.operations);
    for (const [name, db] of Object.entries(stats.databases)) {
      database(name, db, time);
    }
  }

  function operations(ops) {
    const rows = Object.entries(ops)
      .sort((a, b) => b[1].requests_total - a[1].requests_total);
    const body = document.createElement('tbody');
    for (const [name, op] of rows) {
      const tr = document.createElement('tr');
      tr.dataset.operation = name;
      const cells = [name, number(last(op.requests_per_s)), number(last(op.p50_ms), 2), number(last(op.p99_ms), 2),
        String(op.requests_total), String(op.errors_5xx_total)];
      for (const text of cells) {
        const td = document.createElement('td');
        td.textContent = text;
        tr.appendChild(td);
      }
      body.appendChild(tr);
    }
    $('operations').replaceChild(body, $('operations').tBodies[0]);
  }

  const DB_TILES = [
    ['active', 'connections in use'], ['idle', 'connections idle'], ['awaiting', 'reads awaiting a connection'],
    ['queue', 'writer queue'], ['writes', 'writes/s'], ['commits', 'commits/s'], ['batch', 'mean batch'],
    ['commit-p99', 'commit p99 ms'], ['main', 'file'], ['wal', 'WAL'],
  ];
  const DB_CHARTS = [
    ['pool', 'Read pool: connections active, idle; reads awaiting one'],
    ['writer', 'Writer: requests queued; mean requests per transaction'],
    ['throughput', 'Writer: write requests and transactions committed per second'],
    ['files', 'Files, MiB: database, WAL'],
  ];

  function databaseSection(id, name) {
    const section = document.createElement('section');
    section.className = 'database';
    section.id = id;
    const h2 = document.createElement('h2');
    h2.textContent = 'Database ' + name;
    section.appendChild(h2);
    const tiles = document.createElement('div');
    tiles.className = 'tiles';
    for (const [key, label] of DB_TILES) {
      const tile = document.createElement('div');
      tile.className = 'tile';
      const l = document.createElement('span');
      l.className = 'label';
      l.textContent = label;
      const v = document.createElement('span');
      v.className = 'value';
      v.id = id + '-' + key;
      v.textContent = '-';
      tile.append(l, v);
      tiles.appendChild(tile);
    }
    section.appendChild(tiles);
    const row = document.createElement('div');
    row.className = 'charts';
    for (const [key, caption] of DB_CHARTS) {
      const figure = document.createElement('figure');
      const c = document.createElement('figcaption');
      c.textContent = caption;
      const div = document.createElement('div');
      div.className = 'chart';
      div.id = id + '-chart-' + key;
      figure.append(c, div);
      row.appendChild(figure);
    }
    section.appendChild(row);
    $('databases').appendChild(section);
  }

  function database(name, db, time) {
    const id = 'db-' + name.replace(/[^A-Za-z0-9_-]/g, '_');
    if (!databases.has(id)) {
      databases.add(id);
      databaseSection(id, name);
    }
    const pool = db.pool;
    const writer = db.writer;
    const files = db.files;
    show(id + '-active', last(pool.active), number(last(pool.active)) + ' / ' + number(pool.max));
    show(id + '-idle', last(pool.idle));
    show(id + '-awaiting', last(pool.awaiting));
    show(id + '-queue', last(writer.queue_depth), number(last(writer.queue_depth)) + ' / ' + number(writer.queue_capacity));
    show(id + '-writes', last(writer.writes_per_s));
    show(id + '-commits', last(writer.commits_per_s));
    show(id + '-batch', last(writer.batch_size_mean));
    show(id + '-commit-p99', last(writer.commit_p99_ms), number(last(writer.commit_p99_ms), 2));
    show(id + '-main', last(files.main_bytes), bytes(last(files.main_bytes)));
    show(id + '-wal', last(files.wal_bytes), bytes(last(files.wal_bytes)));
    const mib = (column) => column.map((v) => (v === null ? null : v / 1048576));
    chart(id + '-chart-pool', ['active', 'idle', 'awaiting'], time, [pool.active, pool.idle, pool.awaiting]);
    chart(id + '-chart-writer', ['queued', 'mean batch'], time, [writer.queue_depth, writer.batch_size_mean]);
    chart(id + '-chart-throughput', ['writes/s', 'commits/s'], time, [writer.writes_per_s, writer.commits_per_s]);
    chart(id + '-chart-files', ['database MiB', 'WAL MiB'], time, [mib(files.main_bytes), mib(files.wal_bytes)]);
  }

  // ---- wiring

  $('login').addEventListener('submit', (event) => {
    event.preventDefault();
    const key = $('key').value.trim();
    $('key').value = '';
    if (!key) {
      showLogin('Type a key.');
      return;
    }
    sessionStorage.setItem(KEY, key);
    setStatus('connecting');
    start();
  });

  $('forget').addEventListener('click', () => {
    stop();
    sessionStorage.removeItem(KEY);
    showLogin();
  });

  if (sessionStorage.getItem(KEY)) {
    start();
  } else {
    showLogin();
  }
})();
