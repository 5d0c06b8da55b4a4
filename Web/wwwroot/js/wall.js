// Wall display: wall.html?scope=region:{id} (or chain:{id}) [&kiosk=1][&rotate=seconds][&staleAfter=seconds].
// Big figures (output value today against the plan's value, shipments against plan, each supply
// chain's year to date), output by city (the scope's children), by industry chain and the top
// enterprises (both from the enterprises in the scope: the children of every region below it),
// each shipment chain by stage, and a live alert ticker (each alert's status, who acknowledged it;
// read-only: a kiosk acknowledges nothing). Kiosk mode: full screen, dark, no controls, the
// right-hand panels rotate.

import {
  t, el, setText, setFill, initPage, scopeParam, loadRegistry, LiveFeed, scopeFailed, OpenAlerts, api, nameOf, pageUrl, params,
  fmtMoney, fmtTons, fmtPct, fmtTime, fmtDateTime, plantDay, zonedMidnight, alertLabels, alertItemProps, parseScope, DEFAULT_TIME_ZONE,
} from './common.js';

const TOP_ENTERPRISES = 10;
const YTD_REFRESH_MS = 10 * 60 * 1000;
const kiosk = params.get('kiosk') === '1';
const rotateSeconds = Math.max(3, Number(params.get('rotate')) || 15);

if (kiosk) document.body.classList.add('kiosk');
initPage();
const target = scopeParam(['region', 'chain'], 'wall.html?scope=region:henan');
if (target) start(target);

async function start(target) {
  const registry = await loadRegistry();
  const timeZone = registry?.timeZone(target.scope) ?? DEFAULT_TIME_ZONE;
  document.getElementById('alerts-link').setAttribute('href', pageUrl('alerts.html', target.scope));
  document.getElementById('kiosk-link').setAttribute('href', pageUrl('wall.html', target.scope, { kiosk: '1' }));
  if (target.kind === 'chain') document.getElementById('children-title').dataset.i18n = 'wall.top';

  const snapshots = new Map(); // region and enterprise snapshots by scope
  const enterprises = new Map(); // enterprise scope → its entry in a region's children (or a chain's)
  let main = null;
  const ytd = new Map(); // line scope → tons before today, this year
  let ytdYear = null;
  let alertList = [];
  let renderPending = false;

  const inScope = registry ? registry.enterprisesIn(target.scope) : [];
  const stageLines = shipmentStages(inScope);

  const alerts = new OpenAlerts(target.scope, list => { alertList = list; renderTicker(); });
  const live = new LiveFeed({
    timeZone,
    onSnapshot: snapshot => {
      snapshots.set(snapshot.scope, snapshot);
      if (snapshot.scope === target.scope) main = snapshot;
      const kind = parseScope(snapshot.scope)?.kind;
      if (kind === 'region' || kind === 'chain') {
        for (const child of snapshot.children) {
          if (child.scope.startsWith('enterprise:')) enterprises.set(child.scope, child);
        }
      }
      scheduleRender();
      if (main && ytdYear !== main.day.slice(0, 4)) loadYearToDate();
    },
    onAlert: alert => alerts.apply(alert),
    onScopeError: (scope, error) => { if (scope === target.scope) scopeFailed(scope, error.message); },
  });

  if (!(await live.open(target.scope))) return;

  // The scope, every region below it (their children are the enterprises), and the enterprises of
  // the shipment stages (their children are the stage lines, live).
  const scopes = new Set([target.scope]);
  if (target.kind === 'region' && registry) for (const region of registry.regionsUnder(target.id)) scopes.add(`region:${region.id}`);
  for (const stage of stageLines) scopes.add(`enterprise:${stage.enterprise.id}`);
  for (const scope of scopes) live.subscribe(scope);
  live.start();
  alerts.load();

  setInterval(() => loadYearToDate(), YTD_REFRESH_MS);
  setInterval(renderClock, 1000);
  renderClock();
  setupRotation();
  document.addEventListener('om:lang', () => { renderAll(); renderTicker(); renderClock(); });

  function scheduleRender() {
    if (renderPending) return;
    renderPending = true;
    requestAnimationFrame(() => { renderPending = false; renderAll(); });
  }

  function renderClock() {
    const now = Date.now();
    setText(document.getElementById('clock'), `${fmtDateTime(now, timeZone).replace(/\s?\d{2}:\d{2}$/, '')} ${fmtTime(now, timeZone)}`);
  }

  function dayFraction() {
    if (!main) return 0;
    const { start, end } = plantDay(main.day, timeZone);
    return Math.max(0, Math.min(1, (Date.now() - start) / (end - start)));
  }

  function yearBounds() {
    const year = Number(main.day.slice(0, 4));
    return { start: zonedMidnight(`${year}-01-01`, timeZone), end: zonedMidnight(`${year + 1}-01-01`, timeZone), year };
  }

  /** Tons of each stage line this year before today: its day history from 1 January (plant-local). */
  async function loadYearToDate() {
    if (!main || !stageLines.length) return;
    const { start, year } = yearBounds();
    ytdYear = String(year);
    const todayStart = plantDay(main.day, timeZone).start;
    await Promise.all(stageLines.map(async stage => {
      try {
        const series = await api.history(stage.scope, { step: '1d', from: start, to: Date.now() });
        ytd.set(stage.scope, series.points.filter(p => Date.parse(p.t) < todayStart).reduce((sum, p) => sum + Number(p.tons), 0));
      } catch {
        ytd.delete(stage.scope);
      }
    }));
    scheduleRender();
  }

  /** Today's tons of a stage line: its entry in its enterprise's children. */
  function stageToday(stage) {
    const enterprise = snapshots.get(`enterprise:${stage.enterprise.id}`);
    return Number(enterprise?.children.find(c => c.scope === stage.scope)?.today.tons ?? 0);
  }

  function renderAll() {
    if (!main) return;
    setText(document.getElementById('title'), nameOf(main));
    document.title = `${nameOf(main)} · ${t('nav.wall')} · OutputMonitor`;
    renderKpis();
    renderChildren();
    renderChains();
    renderTop();
    renderStages();
  }

  function renderKpis() {
    const pace = dayFraction();
    const planValue = registry ? registry.planValuePerDay(inScope) : 0;
    const cards = [
      {
        key: 'value', label: t('wall.valueToday'), value: fmtMoney(main.today.valueCny),
        note: planValue ? t('wall.valuePlan', { plan: fmtMoney(planValue), pct: fmtPct(main.today.valueCny / planValue, 0) }) : '',
        fraction: planValue ? main.today.valueCny / planValue : null, pace,
      },
      Number(main.plan.tons) || Number(main.today.tons) ? {
        key: 'tons', label: t('wall.tonsToday'), value: fmtTons(main.today.tons),
        note: Number(main.plan.tons) ? t('wall.tonsPlan', { plan: fmtTons(main.plan.tons), pct: fmtPct(main.today.tons / main.plan.tons, 0) }) : '',
        fraction: Number(main.plan.tons) ? main.today.tons / main.plan.tons : null, pace,
      } : null,
      ...chainsOfStages().map(chain => {
        const last = chain.stages.at(-1); // the chain's final stage: what leaves it (e.g. vessel loading)
        const done = (ytd.get(last.scope) ?? 0) + stageToday(last);
        const { start, end } = yearBounds();
        const yearPace = Math.max(0, Math.min(1, (Date.now() - start) / (end - start)));
        return {
          key: `ytd-${chain.id}`, label: t('wall.chainYtd', { chain: nameOf(last.line) }), title: chain.name, value: ytd.has(last.scope) ? fmtTons(done) : '–',
          note: t('wall.chainYtdPlan', { plan: fmtTons(last.line.plan.tonsPerYear), pct: fmtPct(done / last.line.plan.tonsPerYear, 1), pace: fmtPct(yearPace, 1) }),
          fraction: done / last.line.plan.tonsPerYear, pace: yearPace,
        };
      }),
      { key: 'alerts', label: t('wall.alerts'), value: String(main.activeAlerts), alarm: main.activeAlerts > 0 },
    ].filter(Boolean);

    const container = document.getElementById('kpis');
    const keys = cards.map(c => c.key).join(',');
    if (container.dataset.keys !== keys) {
      container.dataset.keys = keys;
      container.replaceChildren(...cards.map(card => el('div', { class: 'kpi', dataset: { key: card.key } },
        el('div', { class: 'kpi-label' }), el('div', { class: 'kpi-value' }), el('div', { class: 'kpi-note' }),
        el('div', { class: 'kpi-bar' }, el('div', { class: 'kpi-fill' }), el('div', { class: 'kpi-pace' })))));
    }
    for (const card of cards) {
      const node = container.querySelector(`[data-key="${card.key}"]`);
      setText(node.querySelector('.kpi-label'), card.label);
      setText(node.querySelector('.kpi-value'), card.value);
      setText(node.querySelector('.kpi-note'), card.note ?? '');
      node.classList.toggle('alarm', Boolean(card.alarm));
      node.title = card.title ?? '';
      const bar = node.querySelector('.kpi-bar');
      bar.hidden = card.fraction == null;
      if (card.fraction != null) {
        setFill(node.querySelector('.kpi-fill'), card.fraction);
        setFill(node.querySelector('.kpi-pace'), card.pace);
        bar.classList.toggle('is-behind', card.fraction < card.pace * 0.9);
      }
    }
  }

  /**
   * A list of horizontal bars: [{ key, label, value, text, note, href, expected }], all on one
   * scale; `expected` (the plan's value by now) is drawn as a tick on the bar.
   */
  function renderBars(container, rows) {
    const max = Math.max(...rows.map(r => Math.max(r.value, r.expected ?? 0)), 1e-9);
    const keys = rows.map(r => r.key).join(',');
    if (container.dataset.keys !== keys) {
      container.dataset.keys = keys;
      container.replaceChildren(...rows.map(row => el('li', { class: 'bar-row', dataset: { scope: row.key } },
        el(row.href && !kiosk ? 'a' : 'span', { class: 'bar-label', href: row.href && !kiosk ? row.href : null }),
        el('span', { class: 'bar-track' }, el('span', { class: 'bar-fill' }), el('span', { class: 'bar-pace' })),
        el('span', { class: 'bar-value' }),
        el('span', { class: 'bar-note' }))));
    }
    for (const row of rows) {
      const node = container.querySelector(`[data-scope="${CSS.escape(row.key)}"]`);
      setText(node.querySelector('.bar-label'), row.label);
      setFill(node.querySelector('.bar-fill'), row.value / max);
      const pace = node.querySelector('.bar-pace');
      pace.hidden = !row.expected;
      if (row.expected) setFill(pace, row.expected / max);
      node.classList.toggle('is-behind', Boolean(row.expected) && row.value < row.expected * 0.9);
      setText(node.querySelector('.bar-value'), row.text);
      setText(node.querySelector('.bar-note'), row.note ?? '');
    }
    if (!rows.length) container.replaceChildren(el('li', { class: 'empty', text: '–' }));
  }

  /** The plan's output value of some enterprises: its share done, and the value expected by now. */
  function planOf(valueCny, enterpriseList) {
    const plan = registry ? registry.planValuePerDay(enterpriseList) : 0;
    return plan ? { note: t('wall.ofPlanValue', { pct: fmtPct(valueCny / plan, 0) }), expected: plan * dayFraction() } : { note: '', expected: null };
  }

  function enterpriseEntries(scope) {
    return registry ? registry.enterprisesIn(scope) : [];
  }

  function renderChildren() {
    const rows = main.children
      .map(child => ({
        key: child.scope, label: nameOf(child), value: Number(child.today.valueCny), text: fmtMoney(child.today.valueCny),
        ...planOf(Number(child.today.valueCny), enterpriseEntries(child.scope)),
        href: child.scope.startsWith('enterprise:') ? pageUrl('plant.html', child.scope) : pageUrl('wall.html', child.scope),
      }))
      .sort((a, b) => b.value - a.value);
    renderBars(document.getElementById('children'), target.kind === 'chain' ? rows.slice(0, TOP_ENTERPRISES) : rows);
  }

  function renderChains() {
    const byChain = new Map();
    for (const [scope, child] of enterprises) {
      const entry = registry?.enterprises.get(scope.slice('enterprise:'.length));
      const chainId = entry?.chain ?? '';
      const group = byChain.get(chainId) ?? { value: 0, members: [] };
      group.value += Number(child.today.valueCny);
      if (entry) group.members.push(entry);
      byChain.set(chainId, group);
    }
    const rows = [...byChain.entries()]
      .filter(([, group]) => group.value > 0 || registry?.planValuePerDay(group.members) > 0)
      .map(([chainId, group]) => ({
        key: `chain:${chainId}`, label: chainId ? nameOf(registry?.chains.get(chainId)) || chainId : '—', value: group.value,
        text: fmtMoney(group.value), ...planOf(group.value, group.members),
        href: chainId ? pageUrl('alerts.html', `chain:${chainId}`) : null,
      }))
      .sort((a, b) => b.value - a.value);
    renderBars(document.getElementById('chains'), rows);
  }

  function renderTop() {
    const rows = [...enterprises.values()]
      .map(child => ({
        key: child.scope, label: nameOf(child), value: Number(child.today.valueCny), text: fmtMoney(child.today.valueCny),
        ...planOf(Number(child.today.valueCny), enterpriseEntries(child.scope)), href: pageUrl('plant.html', child.scope),
      }))
      .sort((a, b) => b.value - a.value)
      .slice(0, TOP_ENTERPRISES);
    renderBars(document.getElementById('top'), rows);
  }

  function chainsOfStages() {
    const chains = new Map();
    for (const stage of stageLines) {
      const id = stage.enterprise.chain ?? stage.enterprise.id;
      const chain = chains.get(id) ?? { id, name: nameOf(registry.chains.get(id)) || nameOf(stage.enterprise), stages: [] };
      chain.stages.push(stage);
      chains.set(id, chain);
    }
    return [...chains.values()];
  }

  function renderStages() {
    const chains = chainsOfStages();
    setText(document.getElementById('stages-title'), chains.length === 1 ? t('wall.stages', { chain: chains[0].name }) : t('wall.tab.stages'));
    const container = document.getElementById('stages');
    if (!chains.length) {
      container.replaceChildren(el('p', { class: 'empty', text: t('wall.noStages') }));
      return;
    }
    const { start, end } = yearBounds();
    const yearPace = Math.max(0, Math.min(1, (Date.now() - start) / (end - start)));
    const keys = stageLines.map(s => s.scope).join(',');
    if (container.dataset.keys !== keys) {
      container.dataset.keys = keys;
      container.replaceChildren(...chains.map(chain => el('section', { class: 'stage-chain', dataset: { chain: chain.id } },
        chains.length > 1 ? el('h3', { class: 'stage-chain-name' }) : null,
        chain.stages.map(stage => el('div', { class: 'stage', dataset: { scope: stage.scope } },
          el('div', { class: 'stage-name' }),
          el('div', { class: 'stage-value' }),
          el('div', { class: 'kpi-bar' }, el('div', { class: 'kpi-fill' }), el('div', { class: 'kpi-pace' })),
          el('div', { class: 'stage-note' }))))));
    }
    for (const chain of chains) setText(container.querySelector(`[data-chain="${CSS.escape(chain.id)}"] .stage-chain-name`), chain.name);
    for (const stage of stageLines) {
      const node = container.querySelector(`[data-scope="${CSS.escape(stage.scope)}"]`);
      const today = stageToday(stage);
      const done = (ytd.get(stage.scope) ?? 0) + today;
      const plan = stage.line.plan.tonsPerYear;
      setText(node.querySelector('.stage-name'), nameOf(stage.line));
      setText(node.querySelector('.stage-value'), ytd.has(stage.scope) ? `${fmtTons(done)} / ${fmtTons(plan)}` : '–');
      setFill(node.querySelector('.kpi-fill'), done / plan);
      setFill(node.querySelector('.kpi-pace'), yearPace);
      node.querySelector('.kpi-bar').classList.toggle('is-behind', done / plan < yearPace * 0.9);
      const dayPlan = Number(stage.line.plan.tonsPerDay ?? 0);
      setText(node.querySelector('.stage-note'), `${fmtPct(done / plan, 1)} · ${t('wall.stageToday', { value: fmtTons(today) })}${dayPlan ? ` / ${fmtTons(dayPlan)}` : ''}`);
    }
  }

  function renderTicker() {
    const ticker = document.getElementById('ticker');
    ticker.classList.toggle('is-empty', alertList.length === 0);
    if (!alertList.length) {
      ticker.replaceChildren(el('span', { class: 'ticker-item', text: alerts.available ? t('wall.noAlerts') : t('alerts.unavailable') }));
      ticker.style.removeProperty('--duration');
      return;
    }
    const items = alertList.map(alert => {
      const labels = alertLabels(alert, timeZone);
      return el('span', alertItemProps(alerts, alert, 'ticker-item'),
        el('b', { text: `${labels.severity} · ${labels.kind}` }), ' ',
        `${registry?.name(alert.scope) ?? alert.scope} — ${alert.message} (${fmtTime(alert.raisedAt, timeZone, false)}) `,
        el('span', { class: 'ticker-status', text: labels.status }));
    });
    ticker.replaceChildren(...items);
    ticker.style.setProperty('--duration', `${Math.max(20, alertList.length * 12)}s`);
  }

  function setupRotation() {
    const panels = [...document.querySelectorAll('#rotator > .wall-panel')];
    const dots = document.getElementById('rotator-dots');
    dots.replaceChildren(...panels.map(() => el('li')));
    let index = 0;
    const show = () => {
      panels.forEach((panel, i) => panel.classList.toggle('is-active', i === index));
      [...dots.children].forEach((dot, i) => dot.classList.toggle('is-active', i === index));
    };
    show();
    if (kiosk) setInterval(() => { index = (index + 1) % panels.length; show(); }, rotateSeconds * 1000);
  }
}

/** The shipment lines with a year plan among some enterprises, in registry order (mine → rail → wharf → vessel). */
function shipmentStages(enterprises) {
  const stages = [];
  for (const enterprise of enterprises) {
    for (const line of enterprise.lines) {
      if (line.kind === 'shipment' && line.plan?.tonsPerYear) stages.push({ scope: `line:${enterprise.id}/${line.id}`, enterprise, line });
    }
  }
  return stages;
}
