'use strict';
// PayRoute operations dashboard: reads /v1/analytics/* and /v1/admin/* with the admin key, every few seconds.
// The key is typed once and kept in sessionStorage (this tab only); nothing secret is in the page itself.
(() => {
  const KEY = 'payroute.adminKey';
  const REFRESH_MS = 5000;
  const PROVIDER_COLORS = {paystack: '#0ba4db', flutterwave: '#f5a623', stripe: '#635bff'};
  const SPARE_COLORS = ['#2f9e44', '#e8590c', '#c2255c', '#1098ad'];
  const charts = {};
  let timer = null;

  const $ = (id) => document.getElementById(id);

  /** An element with attributes and children (strings become text: nothing from the API is parsed as HTML). */
  function el(tag, attributes = {}, ...children) {
    const node = document.createElement(tag);
    Object.entries(attributes).forEach(([name, value]) => {
      if (name === 'onclick') {
        node.addEventListener('click', value);
      } else if (value !== null && value !== undefined) {
        node.setAttribute(name, value);
      }
    });
    children.flat().forEach((child) => node.append(child instanceof Node ? child : String(child ?? '')));
    return node;
  }

  const badge = (text) => el('span', {class: 'badge ' + text}, text);
  const percent = (rate) => (rate === null || rate === undefined ? '–' : (rate * 100).toFixed(1) + ' %');
  const time = (iso) => new Date(iso).toLocaleString([], {month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit'});

  function colorOf(provider, index) {
    return PROVIDER_COLORS[provider] || SPARE_COLORS[index % SPARE_COLORS.length];
  }

  function money(minor, currency) {
    const format = new Intl.NumberFormat(undefined, {style: 'currency', currency});
    return format.format(minor / 10 ** format.resolvedOptions().maximumFractionDigits);
  }

  class Unauthorized extends Error {}

  async function api(path, method = 'GET') {
    const response = await fetch(path, {method, headers: {Authorization: 'Bearer ' + sessionStorage.getItem(KEY)}});
    if (response.status === 401) {
      throw new Unauthorized();
    }
    if (!response.ok) {
      throw new Error(method + ' ' + path + ' answered HTTP ' + response.status);
    }
    return response.json();
  }

  function toast(message) {
    const box = $('toast');
    box.textContent = message;
    box.hidden = false;
    setTimeout(() => { box.hidden = true; }, 4000);
  }

  // ---- refresh -------------------------------------------------------------------------------------------------

  async function refresh() {
    const query = '?window=' + $('window').value;
    try {
      const [volume, providers, series, failures, recent, alerts, states, deadLetters] = await Promise.all([
        api('/v1/analytics/volume' + query),
        api('/v1/analytics/providers' + query),
        api('/v1/analytics/timeseries' + query),
        api('/v1/analytics/failures' + query),
        api('/v1/analytics/charges?limit=15'),
        api('/v1/admin/alerts?status=all&limit=10'),
        api('/v1/admin/providers'),
        api('/v1/admin/dead-letters?limit=1000'),
      ]);
      renderKpis(volume, alerts);
      renderAlerts(alerts);
      renderProviders(providers, states);
      renderTimeseries(series);
      renderRouting(providers);
      renderLatency(providers);
      renderFailures(failures);
      renderRecent(recent);
      renderDeadLetters(deadLetters);
      $('updated').textContent = 'updated ' + new Date().toLocaleTimeString();
    } catch (e) {
      if (e instanceof Unauthorized) {
        signOut('That key was refused.');
      } else {
        $('updated').textContent = 'update failed: ' + e.message;
      }
    }
  }

  function renderKpis(volume, alerts) {
    $('kpi-charges').textContent = volume.totals.charges.toLocaleString();
    $('kpi-success').textContent = percent(volume.totals.success_rate);
    const top = [...volume.data].sort((a, b) => b.charges - a.charges)[0];
    $('kpi-volume').replaceChildren(top ? money(top.succeeded_amount, top.key) : '–',
        volume.data.length > 1 ? el('span', {class: 'muted'}, ' and ' + (volume.data.length - 1) + ' more') : '');
    $('kpi-alerts').textContent = alerts.data.filter((a) => a.status === 'open').length;
  }

  function renderAlerts(alerts) {
    $('alerts').replaceChildren(...alerts.data.filter((a) => a.status === 'open' || Date.now() - Date.parse(a.resolved_at) < 3600e3)
        .map((a) => el('div', {class: 'alert ' + a.status, 'data-alert': a.id},
            el('strong', {}, a.status === 'open' ? 'Failure spike: ' : 'Resolved: '),
            `${a.dimension} ${a.value} at ${percent(a.current_rate)} over ${a.current_samples} outcomes, `
            + `against a baseline of ${percent(a.baseline_rate)} (${a.baseline_samples}); since ${time(a.opened_at)}`)));
  }

  function renderProviders(providers, states) {
    const health = Object.fromEntries(providers.data.map((p) => [p.provider, p]));
    $('providers').replaceChildren(...states.data.map((s) => {
      const p = health[s.provider] || {};
      return el('div', {class: 'provider', 'data-provider': s.provider},
          el('div', {class: 'name'}, s.provider, badge(s.circuit.state)),
          el('dl', {},
              el('dt', {}, 'Success rate'), el('dd', {}, percent(p.success_rate)),
              el('dt', {}, 'Attempts'), el('dd', {}, (p.attempts || 0).toLocaleString()),
              el('dt', {}, 'Latency p50 / p95'), el('dd', {}, p.latency_ms ? `${p.latency_ms.p50} / ${p.latency_ms.p95} ms` : '–'),
              el('dt', {}, 'Routing split'), el('dd', {}, percent(p.pick_share)),
              el('dt', {}, 'Breaker failure rate'), el('dd', {}, s.circuit.failure_rate === null ? '–' : s.circuit.failure_rate.toFixed(1) + ' %')));
    }));
  }

  /** Creates the chart on first use, then swaps its data in place (no flicker, no animation). */
  function draw(id, type, labels, datasets, options = {}) {
    if (!charts[id]) {
      charts[id] = new Chart($(id), {type, data: {labels, datasets},
        options: {animation: false, maintainAspectRatio: false, plugins: {legend: {position: 'bottom'}}, ...options}});
    } else {
      charts[id].data.labels = labels;
      charts[id].data.datasets = datasets;
      charts[id].update('none');
    }
  }

  function renderTimeseries(series) {
    const starts = [...new Set(series.data.map((p) => p.start))].sort();
    const providers = [...new Set(series.data.map((p) => p.provider))].sort();
    const datasets = providers.map((provider, i) => {
      const byStart = Object.fromEntries(series.data.filter((p) => p.provider === provider).map((p) => [p.start, p]));
      return {label: provider, borderColor: colorOf(provider, i), backgroundColor: colorOf(provider, i), spanGaps: true,
        tension: 0.2, pointRadius: 2,
        data: starts.map((start) => {
          const p = byStart[start];
          const all = p ? p.succeeded + p.declined + p.errors : 0;
          return all ? Math.round(1000 * p.succeeded / all) / 10 : null;
        })};
    });
    const label = series.bucket_seconds < 60 ? {hour: '2-digit', minute: '2-digit', second: '2-digit'}
      : series.bucket_seconds < 3600 ? {hour: '2-digit', minute: '2-digit'} : {month: 'short', day: 'numeric', hour: '2-digit'};
    draw('chart-timeseries', 'line', starts.map((s) => new Date(s).toLocaleString([], label)),
        datasets, {scales: {y: {min: 0, max: 100, title: {display: true, text: '% of attempts that took the money'}}}});
  }

  function renderRouting(providers) {
    const picked = providers.data.filter((p) => p.first_picks > 0);
    draw('chart-routing', 'doughnut', picked.map((p) => p.provider),
        [{data: picked.map((p) => p.first_picks), backgroundColor: picked.map((p, i) => colorOf(p.provider, i))}]);
  }

  function renderLatency(providers) {
    const buckets = providers.data.length ? providers.data[0].latency_histogram.map((b) => (b.le === null ? '> 5 s' : '≤ ' + b.le + ' ms')) : [];
    draw('chart-latency', 'bar', buckets, providers.data.map((p, i) => ({label: p.provider,
      backgroundColor: colorOf(p.provider, i), data: p.latency_histogram.map((b) => b.count)})),
    {scales: {y: {ticks: {precision: 0}}}});
  }

  function renderFailures(failures) {
    const top = failures.charges.slice(0, 8);
    draw('chart-failures', 'bar', top.map((r) => r.code || 'unknown'),
        [{label: 'failed charges', backgroundColor: '#d64545', data: top.map((r) => r.count)}],
        {indexAxis: 'y', plugins: {legend: {display: false}}, scales: {x: {ticks: {precision: 0}}}});
  }

  function renderRecent(recent) {
    $('recent').tBodies[0].replaceChildren(...recent.data.map((c) => el('tr', {'data-charge': c.id, onclick: () => openCharge(c.id)},
        el('td', {}, time(c.created_at)),
        el('td', {class: 'mono'}, c.id),
        el('td', {}, c.merchant_id),
        el('td', {class: 'num'}, money(c.amount, c.currency)),
        el('td', {}, c.method === 'card' && c.bank ? 'card · BIN ' + c.bank : c.method || '–'),
        el('td', {}, c.provider || '–'),
        el('td', {}, badge(c.status)),
        el('td', {}, c.failure_code || ''))));
  }

  /** The newest 50 (the API lists oldest first). */
  function renderDeadLetters(deadLetters) {
    const newest = deadLetters.data.slice(-50).reverse();
    $('dead-letters-count').textContent = deadLetters.data.length > newest.length
      ? `newest ${newest.length} of ${deadLetters.data.length}` : '';
    $('dead-letters').tBodies[0].replaceChildren(...(newest.length ? newest.map((d) => el('tr', {'data-dead-letter': d.id},
        el('td', {}, time(d.dead_lettered_at)),
        el('td', {}, d.code || ''),
        el('td', {}, d.reason || ''),
        el('td', {class: 'mono'}, d.charge_id || ''),
        el('td', {class: 'mono'}, d.original_address || ''),
        el('td', {}, el('button', {class: 'small replay', onclick: () => replay('/v1/admin/dead-letters/' + encodeURIComponent(d.id) + '/replay')}, 'Replay'))))
      : [el('tr', {}, el('td', {colspan: 6, class: 'muted'}, 'No dead letters.'))]));
  }

  async function replay(path) {
    try {
      const answer = await api(path, 'POST');
      toast('Replayed ' + answer.replayed + (answer.replayed === 1 ? ' message' : ' messages'));
      await refresh();
    } catch (e) {
      toast(e instanceof Unauthorized ? 'The admin key was refused' : 'Replay failed: ' + e.message);
    }
  }

  // ---- drill-down ----------------------------------------------------------------------------------------------

  async function openCharge(id) {
    let detail;
    try {
      detail = await api('/v1/analytics/charges/' + encodeURIComponent(id));
    } catch (e) {
      toast('Could not load ' + id + ': ' + e.message);
      return;
    }
    const c = detail.charge;
    $('drawer-title').replaceChildren(el('span', {class: 'mono'}, c.id), ' ', badge(c.status));
    const routing = c.routing || {candidates: [], failovers: []};
    $('drawer-body').replaceChildren(
        el('dl', {class: 'facts'},
            el('dt', {}, 'Amount'), el('dd', {}, money(c.amount, c.currency)),
            el('dt', {}, 'Merchant'), el('dd', {}, detail.merchant_id),
            el('dt', {}, 'Payment method'), el('dd', {}, c.payment_method.type + (c.payment_method.bin ? ' · BIN ' + c.payment_method.bin + ' · ' + c.payment_method.last4 : '')),
            el('dt', {}, 'Provider'), el('dd', {}, c.provider || '–'),
            el('dt', {}, 'Failure'), el('dd', {}, c.failure ? `${c.failure.code} (${c.failure.category}): ${c.failure.message}` : '–'),
            el('dt', {}, 'Created / updated'), el('dd', {}, time(c.created_at) + ' / ' + time(c.updated_at))),
        el('h3', {}, 'Attempts'),
        table(['#', 'Provider', 'Outcome', 'Code', 'Latency', 'HTTP', 'Reference'], c.attempts.map((a, i) => [i + 1, a.provider,
          badge(a.outcome), a.code || '', a.latency_ms === null ? '–' : a.latency_ms + ' ms', a.http_status || '', a.reference]), 'attempts'),
        el('h3', {}, 'Routing decision' + (routing.chosen ? ': ' + routing.chosen : '')),
        // smart's score is the merchant's expected net value of the charge at that provider, in its currency
        table(['Provider', 'Score', 'Success rate', 'Samples', 'p95', 'Fee', 'Circuit'], routing.candidates.map((r) => [r.provider,
          money(r.score, c.currency), percent(r.success_rate), r.success_rate_samples, r.latency_p95_ms ? r.latency_p95_ms + ' ms' : '–',
          money(r.fee, c.currency), badge(r.circuit)]), 'routing'),
        routing.failovers.length ? el('p', {class: 'muted'}, 'Failed over: ' + routing.failovers.map((f) => f.from + ' (' + f.reason + ')').join(', ')) : '',
        el('h3', {}, 'Events and webhook deliveries'),
        table(['Event', 'Type', 'At', 'Deliveries'], detail.events.map((e) => [e.id, e.type, time(e.created_at),
          e.deliveries.length ? e.deliveries.map((d) => `${d.status} → ${d.url} (${d.attempt_count} attempt${d.attempt_count === 1 ? '' : 's'}${d.last_status_code ? ', HTTP ' + d.last_status_code : ''})`).join('; ') : 'none']), 'events'));
    $('drawer').hidden = false;
  }

  function table(headings, rows, name) {
    return el('table', {class: 'table', 'data-table': name},
        el('thead', {}, el('tr', {}, headings.map((h) => el('th', {}, h)))),
        el('tbody', {}, rows.map((row) => el('tr', {}, row.map((cell) => el('td', {}, cell))))));
  }

  // ---- sign in / out -------------------------------------------------------------------------------------------

  function signOut(message) {
    sessionStorage.removeItem(KEY);
    clearInterval(timer);
    $('login-error').textContent = message || '';
    $('login-error').hidden = !message;
    $('login').hidden = false;
    $('login-key').focus();
  }

  function start() {
    $('login').hidden = true;
    refresh();
    clearInterval(timer);
    timer = setInterval(refresh, REFRESH_MS);
  }

  $('login-form').addEventListener('submit', (event) => {
    event.preventDefault();
    sessionStorage.setItem(KEY, $('login-key').value.trim());
    $('login-key').value = '';
    start();
  });
  $('sign-out').addEventListener('click', () => signOut());
  $('window').addEventListener('change', refresh);
  $('drawer-close').addEventListener('click', () => { $('drawer').hidden = true; });
  $('replay-all').addEventListener('click', () => {
    if (window.confirm('Send every dead letter back to where it came from?')) {
      replay('/v1/admin/dead-letters/replay');
    }
  });

  if (sessionStorage.getItem(KEY)) {
    start();
  } else {
    signOut();
  }
})();
