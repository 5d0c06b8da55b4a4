// Plant view: plant.html?scope=enterprise:{id}. Every line's output today against plan, rate,
// state and time in state, OEE and its factors, scrap, tons (shipment lines), a sparkline of the
// last 3 hours, the enterprise's open alerts (with their status and an acknowledge button on the
// active ones) and its dead-letter count. Live through the hub.

import {
  t, el, setText, initPage, scopeParam, loadRegistry, LiveFeed, scopeFailed, OpenAlerts, api, nameOf, pageUrl,
  fmtMoney, fmtUnits, fmtTons, fmtNumber, fmtPct, fmtDuration, fmtTime, fmtDateTime, plantDay, stateLabel, alertLabels,
  DEFAULT_TIME_ZONE, renderFigures, alertItemProps, ackButton, initAckControls,
} from './common.js';
import { sparkline, progressBar, updateProgress } from './charts.js';

const SPARK_HOURS = 3;
const SPARK_BIN_MINUTES = 5;
const SPARK_REFRESH_MS = 60000;
const DEAD_LETTER_LIMIT = 200;
const DEAD_LETTER_REFRESH_MS = 30000;

initPage();
initAckControls();
const target = scopeParam(['enterprise'], 'plant.html?scope=enterprise:joincare');
if (target) start(target);

async function start(target) {
  const registry = await loadRegistry();
  const timeZone = registry?.timeZone(target.scope) ?? DEFAULT_TIME_ZONE;
  const state = { enterprise: null, lines: new Map(), cards: new Map(), sparks: new Map(), deadLetters: null, alerts: [] };
  document.getElementById('alerts-link').setAttribute('href', pageUrl('alerts.html', target.scope));

  const alerts = new OpenAlerts(target.scope, list => { state.alerts = list; renderAlerts(); });
  const live = new LiveFeed({
    timeZone,
    onSnapshot: snapshot => {
      if (snapshot.scope === target.scope) {
        state.enterprise = snapshot;
        for (const child of snapshot.children) {
          if (!state.cards.has(child.scope)) addLine(child.scope);
        }
        renderSummary();
      } else {
        state.lines.set(snapshot.scope, snapshot);
      }
      renderLines();
    },
    onAlert: alert => alerts.apply(alert),
    // A line that cannot be subscribed (e.g. over the hub's per-connection limit) still shows its entry in the enterprise's children.
    onScopeError: (scope, error) => { if (scope === target.scope) scopeFailed(scope, error.message); },
  });

  function addLine(scope) {
    const card = lineCard(scope);
    state.cards.set(scope, card);
    document.getElementById('lines').append(card.root);
    live.subscribe(scope);
    live.fetchSnapshot(scope).catch(() => {});
    refreshSpark(scope);
  }

  // First paint over HTTP (also checks the scope), then the hub.
  if (!(await live.open(target.scope))) return;
  live.start();
  alerts.load();
  refreshDeadLetters();
  setInterval(refreshDeadLetters, DEAD_LETTER_REFRESH_MS);
  setInterval(() => { for (const scope of state.cards.keys()) refreshSpark(scope); }, SPARK_REFRESH_MS);
  setInterval(renderLines, 1000); // time in state and the pace marker move with the clock
  document.addEventListener('om:lang', () => { renderSummary(); renderLines(); renderAlerts(); });

  async function refreshDeadLetters() {
    try {
      const letters = await api.deadLetters(target.id, DEAD_LETTER_LIMIT);
      state.deadLetters = letters.length;
    } catch {
      state.deadLetters = null;
    }
    renderSummary();
  }

  async function refreshSpark(scope) {
    const to = Date.now();
    const from = to - SPARK_HOURS * 3600000;
    try {
      const history = await api.history(scope, { step: '1m', from, to });
      // Both measures: the line's kind may not be known yet (its snapshot can come later).
      const bins = { good: new Array((SPARK_HOURS * 60) / SPARK_BIN_MINUTES).fill(0), tons: new Array((SPARK_HOURS * 60) / SPARK_BIN_MINUTES).fill(0) };
      for (const point of history.points) {
        const index = Math.floor((Date.parse(point.t) - from) / (SPARK_BIN_MINUTES * 60000));
        if (index >= 0 && index < bins.good.length) {
          bins.good[index] += point.good;
          bins.tons[index] += Number(point.tons);
        }
      }
      state.sparks.set(scope, bins);
    } catch {
      state.sparks.delete(scope);
    }
    renderLines();
  }

  function dayFraction(snapshot) {
    if (!snapshot?.day) return null;
    const { start, end } = plantDay(snapshot.day, timeZone);
    return Math.max(0, Math.min(1, (Date.now() - start) / (end - start)));
  }

  function renderSummary() {
    const e = state.enterprise;
    if (!e) return;
    setText(document.getElementById('title'), nameOf(e));
    document.title = `${nameOf(e)} · ${t('nav.plant')} · OutputMonitor`;
    const enterprise = registry?.enterprises.get(target.id);
    const planValue = enterprise ? registry.planValuePerDay([enterprise]) : 0;
    const pace = dayFraction(e);
    const production = e.plan.good > 0 || e.today.good + e.today.scrap > 0 || planValue > 0;
    const figures = [
      production || Number(e.today.valueCny) ? { key: 'value', label: t('fig.value'), value: fmtMoney(e.today.valueCny), note: planValue ? `${t('fig.plan')} ${fmtMoney(planValue)} · ${fmtPct(e.today.valueCny / planValue)}` : '' } : null,
      e.plan.good || e.today.good ? { key: 'good', label: t('fig.good'), value: fmtUnits(e.today.good), note: e.plan.good ? `${t('fig.plan')} ${fmtUnits(e.plan.good)} · ${fmtPct(e.today.good / e.plan.good)}` : '' } : null,
      e.plan.tons || e.today.tons ? { key: 'tons', label: t('fig.tons'), value: fmtTons(e.today.tons), note: e.plan.tons ? `${t('fig.plan')} ${fmtTons(e.plan.tons)} · ${fmtPct(e.today.tons / e.plan.tons)}` : '' } : null,
      { key: 'pace', label: t('fig.pace'), value: fmtPct(pace, 0), note: e.day },
      e.oee ? { key: 'oee', label: t('fig.oee'), value: fmtPct(e.oee.oee), note: oeeFactors(e.oee) } : null,
      !production ? null : { key: 'scrap', label: t('fig.scrap'), value: fmtUnits(e.today.scrap), note: e.today.good + e.today.scrap ? `${t('fig.scrapRate')} ${fmtPct(e.today.scrap / (e.today.good + e.today.scrap), 2)}` : '' },
      { key: 'alerts', label: t('fig.alerts'), value: fmtNumber(e.activeAlerts), alarm: e.activeAlerts > 0 },
      { key: 'deadletters', label: t('fig.deadLetters'), value: state.deadLetters == null ? '–' : state.deadLetters >= DEAD_LETTER_LIMIT ? `≥${DEAD_LETTER_LIMIT}` : fmtNumber(state.deadLetters), alarm: state.deadLetters > 0, title: t('fig.deadLettersTitle') },
    ].filter(Boolean);
    renderFigures(document.getElementById('summary'), figures);
  }

  function renderLines() {
    const e = state.enterprise;
    if (!e) return;
    for (const child of e.children) {
      const card = state.cards.get(child.scope);
      if (card) card.update(state.lines.get(child.scope), child, state.sparks.get(child.scope));
    }
  }

  function renderAlerts() {
    const list = document.getElementById('alerts');
    setText(document.getElementById('alert-count'), alerts.available ? `(${state.alerts.length})` : '');
    list.replaceChildren(...(state.alerts.length
      ? state.alerts.map(alert => {
        const labels = alertLabels(alert, timeZone);
        return el('li', alertItemProps(alerts, alert, 'alert-item'),
          el('span', { class: 'alert-severity', text: labels.severity }),
          el('span', { class: 'alert-kind', text: labels.kind }),
          el('span', { class: 'alert-scope', text: registry?.name(alert.scope) ?? alert.scope }),
          el('span', { class: 'alert-message', text: alert.message }),
          el('time', { class: 'alert-time', datetime: alert.raisedAt, text: fmtDateTime(alert.raisedAt, timeZone) }),
          el('span', { class: 'alert-status', text: labels.status }),
          el('span', { class: 'alert-action' }, ackButton(alerts, alert)));
      })
      : [el('li', { class: 'empty', text: alerts.available ? t('plant.noAlerts') : t('alerts.unavailable') })]));
  }

  /** One line's card; update() re-renders it from the line's snapshot (or its entry in the enterprise's children). */
  function lineCard(scope) {
    const root = el('article', { class: 'line-card', dataset: { scope } });
    const title = el('a', { class: 'line-name', href: pageUrl('line.html', scope) });
    const kind = el('span', { class: 'tag' });
    const badge = el('span', { class: 'state-badge' });
    const since = el('span', { class: 'line-since' });
    const main = el('div', { class: 'figure-main' });
    const planText = el('div', { class: 'figure-plan' });
    const bar = progressBar({ fraction: 0 });
    const rate = el('dd', { class: 'fig-rate' });
    const scrap = el('dd', { class: 'fig-scrap' });
    const value = el('dd', { class: 'fig-value' });
    const alertsBadge = el('dd', { class: 'fig-alerts' });
    const oeeRow = el('div', { class: 'oee-row' });
    const spark = el('div', { class: 'spark-box', title: t('fig.trend') });
    root.append(
      el('header', { class: 'line-head' }, title, kind),
      el('div', { class: 'line-meta' }, badge, since),
      el('div', { class: 'figure-row' }, main, planText),
      bar,
      el('dl', { class: 'facts' },
        el('div', {}, el('dt', { dataset: { label: 'rate' } }), rate),
        el('div', { class: 'fact-scrap' }, el('dt', { dataset: { label: 'scrap' } }), scrap),
        el('div', { class: 'fact-value' }, el('dt', { dataset: { label: 'value' } }), value),
        el('div', {}, el('dt', { dataset: { label: 'alerts' } }), alertsBadge)),
      oeeRow,
      spark,
    );
    let lastSpark = null;

    function update(line, child, sparkValues) {
      const source = line ?? child;
      if (!source) return;
      const shipment = (line?.kind ?? registry?.entry(scope)?.kind) === 'shipment';
      setText(title, nameOf(source));
      setText(kind, t(shipment ? 'kind.shipment' : 'kind.production'));
      const st = stateLabel(source.state);
      setText(badge, st.text);
      badge.className = `state-badge ${st.className}`;
      root.dataset.state = source.state ?? 'unknown';

      if (line?.stateSince) {
        const seconds = (Date.now() - Date.parse(line.stateSince)) / 1000;
        setText(since, `${t('fig.since', { time: fmtTime(line.stateSince, timeZone, false) })} · ${t('fig.for', { duration: fmtDuration(seconds) })}`);
      } else {
        setText(since, line?.lastSeen ? `${t('fig.lastSeen')} ${fmtTime(line.lastSeen, timeZone)}` : '');
      }

      const actual = shipment ? Number(source.today.tons) : source.today.good;
      const plan = shipment ? Number(source.plan.tons) : source.plan.good;
      setText(main, shipment ? fmtTons(actual, false) : fmtUnits(actual));
      setText(planText, plan ? `/ ${shipment ? fmtTons(plan, false) : fmtUnits(plan)} · ${fmtPct(actual / plan)}` : t('fig.noPlan'));
      updateProgress(bar, { fraction: plan ? actual / plan : 0, pace: plan ? dayFraction(line ?? state.enterprise) : null });

      label(root, 'rate', t('fig.rate'));
      setText(rate, line ? `${shipment ? fmtTons(line.ratePerHour.tons, false) : fmtNumber(line.ratePerHour.good)}${t('unit.perHour')}` : '–');
      label(root, 'scrap', t('fig.scrap'));
      const made = source.today.good + source.today.scrap;
      setText(scrap, shipment ? '–' : `${fmtNumber(source.today.scrap)}${made ? ` (${fmtPct(source.today.scrap / made, 2)})` : ''}`);
      root.querySelector('.fact-scrap').hidden = shipment;
      label(root, 'value', t('fig.lineValue'));
      setText(value, fmtMoney(source.today.valueCny));
      root.querySelector('.fact-value').hidden = shipment && !Number(source.today.valueCny);
      setText(oeeRow, line?.oee ? `${t('fig.oee')} ${fmtPct(line.oee.oee)} · ${oeeFactors(line.oee)}` : '');
      oeeRow.hidden = !line?.oee;
      label(root, 'alerts', t('fig.alerts'));
      setText(alertsBadge, fmtNumber(source.activeAlerts));
      alertsBadge.classList.toggle('alarm', source.activeAlerts > 0);

      const sparkSeries = sparkValues?.[shipment ? 'tons' : 'good'];
      if (sparkSeries && sparkSeries !== lastSpark) {
        lastSpark = sparkSeries;
        spark.replaceChildren(sparkline(sparkSeries, { width: 300, height: 40 }));
      }
      spark.title = t('fig.trend');
      title.setAttribute('href', pageUrl('line.html', scope));
    }

    return { root, update };
  }
}

function label(root, key, text) {
  setText(root.querySelector(`dt[data-label="${key}"]`), text);
}

function oeeFactors(oee) {
  return `${t('fig.availability')} ${fmtPct(oee.availability)} · ${t('fig.performance')} ${fmtPct(oee.performance)} · ${t('fig.quality')} ${fmtPct(oee.quality)}`;
}
