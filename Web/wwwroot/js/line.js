// Line view: line.html?scope=line:{enterprise}/{line}[&step=1m|1h|1d]. History charts (per bucket
// and cumulative) with the plan pace drawn in, the state timeline of the plant day from the
// snapshot's stateSince / timeInState, and the sensors. Live through the hub.

import {
  t, el, setText, setFill, initPage, scopeParam, loadRegistry, LiveFeed, scopeFailed, api, nameOf, pageUrl, params,
  fmtMoney, fmtUnits, fmtTons, fmtNumber, fmtCompact, fmtPct, fmtDuration, fmtTime, fmtDay, plantDay, addDays, zonedDay,
  stateLabel, renderFigures, DEFAULT_TIME_ZONE,
} from './common.js';
import { timeChart, legend, sparkline } from './charts.js';

const STEPS = {
  '1m': { ms: 60000, refreshMs: 60000 },
  '1h': { ms: 3600000, refreshMs: 300000 },
  '1d': { ms: 86400000, refreshMs: 900000 },
};
const STATES = ['running', 'idle', 'down', 'maintenance'];
const SENSOR_HISTORY = 240;

initPage();
const target = scopeParam(['line'], 'line.html?scope=line:joincare/api-line-2');
if (target) start(target);

async function start(target) {
  const registry = await loadRegistry();
  const timeZone = registry?.timeZone(target.scope) ?? DEFAULT_TIME_ZONE;
  const enterpriseScope = `enterprise:${target.enterprise}`;
  document.getElementById('plant-link').setAttribute('href', pageUrl('plant.html', enterpriseScope));
  document.getElementById('alerts-link').setAttribute('href', pageUrl('alerts.html', target.scope));

  let snapshot = null;
  let step = STEPS[params.get('step')] ? params.get('step') : '1m';
  let loaded = null; // the history series of the selected step
  let refreshTimer = null;
  const sensorValues = new Map();
  let chartsDue = false;

  const live = new LiveFeed({
    timeZone,
    onSnapshot: s => {
      if (s.scope !== target.scope) return;
      snapshot = s;
      for (const [name, value] of Object.entries(s.sensors ?? {})) {
        const values = sensorValues.get(name) ?? [];
        if (values.at(-1)?.asOf !== s.asOf) values.push({ asOf: s.asOf, value });
        if (values.length > SENSOR_HISTORY) values.shift();
        sensorValues.set(name, values);
      }
      renderSummary();
      renderStates();
      renderSensors();
      chartsDue = true; // the live point of today's cumulative line; drawn at most once a second
    },
    onScopeError: (scope, error) => scopeFailed(scope, error.message),
  });

  if (!(await live.open(target.scope))) return;
  live.start();

  for (const button of document.querySelectorAll('.step-button')) {
    button.addEventListener('click', () => selectStep(button.dataset.step));
  }
  selectStep(step);
  setInterval(() => {
    renderStates();
    if (chartsDue) { chartsDue = false; renderCharts(); }
  }, 1000);
  new ResizeObserver(() => renderCharts()).observe(document.getElementById('cumulative-chart'));
  document.addEventListener('om:lang', () => { renderSummary(); renderStates(); renderSensors(); renderCharts(); });

  function shipment() {
    return (snapshot?.kind ?? registry?.entry(target.scope)?.kind) === 'shipment';
  }

  function metric(value) {
    return shipment() ? Number(value.tons) : value.good;
  }

  function fmtMetric(value, compact = false) {
    return shipment() ? fmtTons(value, compact) : compact ? fmtCompact(value) : fmtUnits(value);
  }

  function selectStep(next) {
    step = next;
    if (params.get('step') !== next) {
      params.set('step', next);
      window.history.replaceState(null, '', `${location.pathname}?${params}`);
    }
    for (const button of document.querySelectorAll('.step-button')) button.setAttribute('aria-pressed', String(button.dataset.step === step));
    clearInterval(refreshTimer);
    refreshTimer = setInterval(loadHistory, STEPS[step].refreshMs);
    loadHistory();
  }

  /** The window of a step: today (1m), yesterday and today (1h), the last 31 plant days (1d). */
  function range() {
    const today = snapshot?.day ?? zonedDay(Date.now(), timeZone);
    const first = step === '1m' ? today : step === '1h' ? addDays(today, -1) : addDays(today, -30);
    const days = [];
    for (let day = first; day <= today; day = addDays(day, 1)) days.push({ day, ...plantDay(day, timeZone) });
    return { days, from: days[0].start, to: days.at(-1).end, today };
  }

  async function loadHistory() {
    const wanted = step;
    const { from } = range();
    try {
      const series = await api.history(target.scope, { step: wanted, from, to: Date.now() });
      if (wanted === step) loaded = series;
    } catch (error) {
      if (wanted === step) loaded = { points: [], error: error.message };
    }
    if (wanted === step) renderCharts();
  }

  function renderSummary() {
    const s = snapshot;
    setText(document.getElementById('title'), registry?.name(target.scope) ?? nameOf(s));
    document.title = `${nameOf(s)} · OutputMonitor`;
    const actual = metric(s.today);
    const plan = metric(s.plan);
    const { start, end } = plantDay(s.day, timeZone);
    const pace = Math.max(0, Math.min(1, (Date.now() - start) / (end - start)));
    const st = stateLabel(s.state);
    const made = s.today.good + s.today.scrap;
    renderFigures(document.getElementById('summary'), [
      { key: 'today', label: shipment() ? t('fig.tons') : t('fig.good'), value: fmtMetric(actual), note: plan ? `${t('fig.plan')} ${fmtMetric(plan)} · ${fmtPct(actual / plan)}` : t('fig.noPlan') },
      { key: 'pace', label: t('fig.pace'), value: plan ? fmtMetric(plan * pace) : fmtPct(pace, 0), note: `${fmtPct(pace, 0)} · ${s.day}` },
      { key: 'rate', label: t('fig.rate'), value: shipment() ? fmtNumber(s.ratePerHour.tons, 1) : fmtNumber(s.ratePerHour.good), note: `${t(shipment() ? 'unit.t' : 'unit.pcs')}${t('unit.perHour')}` },
      { key: 'state', label: st.text, value: s.stateSince ? fmtDuration((Date.now() - Date.parse(s.stateSince)) / 1000) : '–', note: [s.stateSince ? t('fig.since', { time: fmtTime(s.stateSince, timeZone, false) }) : '', s.lastSeen ? `${t('fig.lastSeen')} ${fmtTime(s.lastSeen, timeZone)}` : ''].filter(Boolean).join(' · ') },
      Number(s.today.valueCny) || !shipment() ? { key: 'value', label: t('fig.value'), value: fmtMoney(s.today.valueCny) } : null,
      s.oee ? { key: 'oee', label: t('fig.oee'), value: fmtPct(s.oee.oee), note: `${t('fig.availability')} ${fmtPct(s.oee.availability)} · ${t('fig.performance')} ${fmtPct(s.oee.performance)} · ${t('fig.quality')} ${fmtPct(s.oee.quality)}` } : null,
      shipment() ? null : { key: 'scrap', label: t('fig.scrap'), value: fmtUnits(s.today.scrap), note: made ? `${t('fig.scrapRate')} ${fmtPct(s.today.scrap / made, 2)}` : '' },
      { key: 'alerts', label: t('fig.alerts'), value: fmtNumber(s.activeAlerts), alarm: s.activeAlerts > 0, note: `${t('fig.seqGaps')} ${fmtNumber(s.seqGaps ?? 0)} · ${t('fig.duplicates')} ${fmtNumber(s.duplicates ?? 0)}` },
    ].filter(Boolean));
  }

  function renderCharts() {
    if (!snapshot || !loaded) return;
    const box = document.getElementById('cumulative-chart');
    const bucketsBox = document.getElementById('buckets-chart');
    const width = Math.max(320, Math.floor(box.clientWidth));
    const { days, from, to } = range();
    const stepMs = STEPS[step].ms;
    const planPerDay = metric(snapshot.plan);
    const points = loaded.points.map(p => [Date.parse(p.t), metric(p)]).filter(([tm]) => tm >= from).sort((a, b) => a[0] - b[0]);
    const now = Date.now();

    // Cumulative: within each plant day for 1m and 1h, over the whole window for 1d.
    const actual = [];
    const pace = [];
    if (step === '1d') {
      let sum = 0;
      actual.push([from, 0]);
      for (const day of days) {
        const inDay = points.filter(([tm]) => tm >= day.start && tm < day.end).reduce((a, [, v]) => a + v, 0);
        const isToday = day === days.at(-1);
        sum += isToday ? metric(snapshot.today) : inDay;
        actual.push([isToday ? Math.min(now, day.end) : day.end, sum]);
      }
      if (planPerDay) pace.push([from, 0], [to, planPerDay * days.length]);
    } else {
      for (const day of days) {
        const isToday = day === days.at(-1);
        let sum = 0;
        actual.push([day.start, 0]);
        for (const [tm, v] of points) {
          if (tm < day.start || tm >= day.end) continue;
          sum += v;
          actual.push([Math.min(tm + stepMs, now), sum]);
        }
        if (isToday) actual.push([now, metric(snapshot.today)]);
        actual.push([day.end, null]);
        if (planPerDay) pace.push([day.start, 0], [day.end, planPerDay], [day.end, null]);
      }
    }

    const xTicks = ticks(days, step);
    const yFormat = v => fmtCompact(v);
    setText(document.getElementById('cumulative-title'), step === '1d' ? t('line.cumulativeRange') : t('line.cumulative'));
    box.replaceChildren(timeChart({
      width, height: 260, from, to, xTicks, yFormat, marker: now,
      series: [
        { type: 'line', className: 'series-plan', points: pace },
        { type: 'line', className: 'series-actual', points: loaded.error ? [] : actual },
      ],
    }));
    document.getElementById('cumulative-legend').replaceChildren(legend([['series-actual', t('line.actual')], ['series-plan', t('line.planPace')]]));

    // Per bucket, with the plan's rate per bucket (the day plan spread evenly over the plant day).
    const bucketPlan = [];
    if (planPerDay) {
      for (const day of days) {
        const perBucket = step === '1d' ? planPerDay : planPerDay * stepMs / (day.end - day.start);
        bucketPlan.push([day.start, perBucket], [day.end, perBucket]);
      }
    }
    setText(document.getElementById('buckets-title'), t('line.perBucket', { step: t(`line.step.${step}`) }));
    bucketsBox.replaceChildren(points.length
      ? timeChart({
        width, height: 170, from, to, xTicks, yFormat, marker: now,
        series: [
          { type: 'bars', className: 'series-bars', points, width: stepMs },
          { type: 'line', className: 'series-bars-plan', points: bucketPlan },
        ],
      })
      : el('div', { class: 'no-data', text: loaded.error ? t('error.load', { reason: loaded.error }) : t('line.noData') }));
    document.getElementById('buckets-legend').replaceChildren(legend([['series-bars', t('line.actual')], ['series-bars-plan', t('line.planRate')]]));
  }

  function ticks(days, stepName) {
    const result = [];
    if (stepName === '1d') {
      const every = Math.ceil(days.length / 8);
      days.forEach((day, i) => { if (i % every === 0) result.push([day.start, fmtDay(day.start, timeZone)]); });
      return result;
    }
    const hours = stepName === '1m' ? 3 : 6;
    for (const day of days) {
      for (let h = 0; h < 24; h += hours) {
        const tm = day.start + h * 3600000;
        result.push([tm, h === 0 && stepName === '1h' ? fmtDay(tm, timeZone) : fmtTime(tm, timeZone, false)]);
      }
    }
    return result;
  }

  function renderStates() {
    const s = snapshot;
    const container = document.getElementById('states');
    if (!s) return;
    const { start } = plantDay(s.day, timeZone);
    const elapsed = Math.max(1, (Date.now() - start) / 1000);
    const seconds = { ...(s.timeInState ?? {}) };
    // The current state keeps counting between snapshots.
    if (s.state && s.timeInState) seconds[s.state] = (seconds[s.state] ?? 0) + Math.max(0, (Date.now() - Date.parse(s.asOf)) / 1000);
    const known = Object.values(seconds).reduce((a, b) => a + b, 0);
    const rows = [...STATES.filter(name => seconds[name] > 0).map(name => [name, seconds[name]])];
    if (elapsed - known > 60) rows.push(['unknown', elapsed - known]);

    let bar = container.querySelector('.state-bar');
    if (!bar) {
      bar = el('div', { class: 'state-bar', role: 'img' });
      container.replaceChildren(bar, el('ul', { class: 'state-legend' }), el('div', { class: 'state-current' }));
    }
    const total = Math.max(elapsed, known);
    bar.replaceChildren(...rows.map(([name, value]) => {
      const segment = el('div', { class: `state-segment ${stateLabel(name).className}`, title: `${stateLabel(name).text} ${fmtDuration(value)}` });
      setFill(segment, value / total);
      return segment;
    }));
    container.querySelector('.state-legend').replaceChildren(...(rows.length
      ? rows.map(([name, value]) => el('li', {},
        el('span', { class: `swatch ${stateLabel(name).className}` }),
        el('span', { text: stateLabel(name).text }),
        el('span', { text: fmtDuration(value) }),
        el('span', { class: 'count', text: fmtPct(value / total, 0) })))
      : [el('li', { class: 'empty', text: t('line.stateUnknown') })]));
    setText(container.querySelector('.state-current'), s.state && s.stateSince
      ? t('line.currentState', { state: stateLabel(s.state).text, time: fmtTime(s.stateSince, timeZone, false), duration: fmtDuration((Date.now() - Date.parse(s.stateSince)) / 1000) })
      : '');
  }

  function renderSensors() {
    const container = document.getElementById('sensors');
    const names = Object.keys(snapshot?.sensors ?? {}).sort();
    if (!names.length) {
      container.replaceChildren(el('p', { class: 'empty', text: t('line.noSensors') }));
      return;
    }
    container.replaceChildren(el('table', { class: 'sensor-table' },
      el('thead', {}, el('tr', {}, el('th', { text: t('line.sensor') }), el('th', { text: t('line.sensorValue') }), el('th', { text: t('line.sensorTrend') }))),
      el('tbody', {}, names.map(name => el('tr', { dataset: { sensor: name } },
        el('td', { text: name }),
        el('td', { class: 'num', text: fmtNumber(snapshot.sensors[name], 2) }),
        el('td', { class: 'spark-cell' }, sparklineOf(name)))))));
  }

  function sparklineOf(name) {
    const values = (sensorValues.get(name) ?? []).map(v => v.value);
    if (values.length < 2) return null;
    const min = Math.min(...values);
    return sparkline(values.map(v => v - min), { width: 200, height: 24 });
  }
}
