// Candor status banner, served as is. Docs: docs/embed.md in Candor's repository.
(() => {
  const script = /** @type {HTMLScriptElement | null} */ (
    document.currentScript || document.querySelector('script[src$="/embed.js"]')
  );
  if (!script) return;
  const root = new URL('.', script.src);
  const flag = `candor-embed:${root}`;
  const win = /** @type {Record<string, unknown>} */ (/** @type {unknown} */ (window));
  if (win[flag]) return;
  win[flag] = 1;

  /** @typedef {{id:string,name:string,status:string,impact?:string,updated_at?:string,scheduled_for?:string,scheduled_until?:string,incident_updates?:{updated_at?:string}[]}} Item */
  /** @type {Record<string, string>} */
  const words = {
    investigating: 'Investigating',
    identified: 'Identified',
    monitoring: 'Monitoring',
    in_progress: 'In progress',
    verifying: 'Verifying',
  };
  const css =
    ':host{all:initial!important;position:fixed!important;z-index:2147483647!important}' +
    '.b{position:fixed;bottom:16px;right:16px;box-sizing:border-box;display:flex;gap:8px;align-items:flex-start;width:max-content;max-width:min(360px,calc(100vw - 32px));padding:10px 6px 10px 12px;background:#fff;color:#16181d;border:1px solid #c5cad3;border-left:5px solid var(--t);border-radius:10px;box-shadow:0 4px 18px #0003;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;animation:i .25s ease-out;--t:#b34700;--a:#1d4ed8}' +
    '.l{left:16px;right:auto}.minor{--t:#9a6700}.critical{--t:#b3261e}.none,.maintenance{--t:#2456b8}' +
    'p{margin:0;flex:1;min-width:0;overflow-wrap:anywhere}a{color:var(--a);font-weight:600}span{display:block;color:#4b5260}' +
    'button{flex:none;width:32px;height:32px;margin:-4px 0;padding:0;border:0;border-radius:6px;background:none;color:inherit;font:22px/1 system-ui,sans-serif;cursor:pointer}button:hover{background:#8883}' +
    ':focus-visible{outline:3px solid var(--a);outline-offset:1px}' +
    '@keyframes i{from{opacity:0;transform:translateY(8px)}}' +
    '@media (prefers-reduced-motion:reduce){.b{animation:none}}' +
    '@media (prefers-color-scheme:dark){.b{background:#171a21;color:#e8eaee;border-color:#454b57;--t:#ff9a57;--a:#9bb8ff}.minor{--t:#f0b94b}.critical{--t:#ff7a70}.none,.maintenance{--t:#7aa7ff}span{color:#b4bac5}}' +
    '@media print{.b{display:none}}';

  const host = document.createElement('candor-status');
  const shadow = host.attachShadow({ mode: 'open' });
  // A constructed sheet, not a <style>: pages whose CSP forbids inline styles still style it.
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(css);
  shadow.adoptedStyleSheets = [sheet];
  // Empty until needed: a live region must exist before its content changes.
  const region = document.createElement('div');
  region.setAttribute('role', 'status');
  region.setAttribute('aria-live', 'polite');
  shadow.append(region);
  const mount = () => document.body.append(host);
  if (document.body) mount();
  else addEventListener('DOMContentLoaded', mount);

  /** @type {string[]} */
  const kept = [];
  /** @returns {string[]} */
  const stored = () => {
    try {
      const list = JSON.parse(localStorage.getItem(flag) || '[]');
      return Array.isArray(list) ? list : [];
    } catch {
      return [];
    }
  };
  // A new update or status makes a new key: a dismissed banner comes back for it.
  const keyOf = (/** @type {Item} */ item) =>
    `${item.id} ${item.status} ${item.incident_updates?.[0]?.updated_at || item.updated_at}`;

  /** @type {{incidents?: Item[], scheduled_maintenances?: Item[]} | undefined} */
  let summary;
  let shown = '';
  const render = () => {
    const now = Date.now();
    const gone = [...kept, ...stored()];
    /** @type {[Item, boolean][]} */
    const open = [];
    for (const item of summary?.incidents || []) {
      if (item.status !== 'resolved') open.push([item, false]);
    }
    for (const item of summary?.scheduled_maintenances || []) {
      const starts = Date.parse(item.scheduled_for || '');
      if (
        item.status === 'in_progress' ||
        item.status === 'verifying' ||
        (item.status === 'scheduled' &&
          starts - now < 36e5 &&
          Date.parse(item.scheduled_until || '') > now)
      ) {
        open.push([item, true]);
      }
    }
    const rest = open.filter(([item]) => !gone.includes(keyOf(item)));
    const first = rest[0];
    const key = first ? `${keyOf(first[0])} ${rest.length}` : '';
    // Unchanged: leave it, or it is announced again.
    if (key === shown) return;
    shown = key;
    region.replaceChildren();
    if (!first) return;
    const [item, maintenance] = first;
    const box = document.createElement('div');
    box.className = `b ${maintenance ? 'maintenance' : item.impact || 'none'}${script.dataset.position === 'bottom-left' ? ' l' : ''}`;
    const text = document.createElement('p');
    const link = document.createElement('a');
    link.href = new URL(
      `${maintenance ? 'maintenance' : 'incidents'}/${encodeURIComponent(item.id)}`,
      root,
    ).href;
    link.target = '_blank';
    link.rel = 'noopener';
    link.textContent = item.name;
    const line = document.createElement('span');
    const when =
      item.status === 'scheduled'
        ? `Starts ${new Date(item.scheduled_for || 0).toLocaleTimeString([], { hour: 'numeric', minute: '2-digit' })}`
        : words[item.status] || item.status;
    line.textContent = `${maintenance ? 'Maintenance' : 'Incident'} · ${when}${rest.length > 1 ? ` · ${rest.length - 1} more on the status page` : ''}`;
    text.append(link, line);
    const close = document.createElement('button');
    close.type = 'button';
    close.textContent = '×';
    close.setAttribute('aria-label', 'Dismiss status notice');
    close.onclick = () => {
      kept.push(keyOf(item));
      try {
        localStorage.setItem(flag, JSON.stringify([keyOf(item), ...stored()].slice(0, 50)));
      } catch {
        // storage refused: remembered for this page view only
      }
      render();
    };
    box.append(text, close);
    region.append(box);
  };

  const url = new URL('api/v2/summary.json', root);
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  let last = 0;
  const poll = async () => {
    clearTimeout(timer);
    last = Date.now();
    try {
      const response = await fetch(url, { credentials: 'omit' });
      if (response.ok) summary = await response.json();
      render();
    } catch {
      // offline or unexpected: keep what is shown, try again later
    }
    if (!document.hidden) timer = setTimeout(poll, 6e4);
  };
  // Every minute while visible; a tab coming back polls once due.
  document.addEventListener('visibilitychange', () => {
    clearTimeout(timer);
    if (!document.hidden) timer = setTimeout(poll, Math.max(0, last + 6e4 - Date.now()));
  });
  poll();
})();
