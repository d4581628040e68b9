// Live job updates. EventSource cannot send the Authorization header, so the stream is read with fetch. When it drops
// (Hub restarted, network lost) it reconnects with back-off, shows "Reconnecting…", and polls the list meanwhile so the
// page stays current; a 401 signs out instead.
import { state, api } from './core.js';

const statusEl = () => document.getElementById('live-status');

function show(mode) {
  const s = statusEl();
  if (!s) return;
  s.dataset.mode = mode;
  s.textContent = { live: 'Live', reconnecting: 'Reconnecting…', polling: 'Updating every few seconds', off: '' }[mode] ?? '';
  s.hidden = mode === 'off';
}

/**
 * Follows an SSE path; calls onEvent(name, data) for each event and onResync() after every (re)connect and each poll
 * while disconnected, so the page can re-read what it missed. Returns a stop function.
 */
export function follow(path, onEvent, { onResync, pollMs = 5000, closesAtEnd = false } = {}) {
  let stopped = false, controller = null, delay = 1000, pollTimer = null, connectedOnce = false;

  const poll = () => {
    clearInterval(pollTimer);
    pollTimer = setInterval(() => { if (!stopped) onResync?.(); }, pollMs);
  };

  async function run() {
    while (!stopped) {
      controller = new AbortController();
      let ended = false;
      try {
        const res = await fetch(`/api/v1${path}`, { headers: { Authorization: `Bearer ${state.token}`, Accept: 'text/event-stream' }, signal: controller.signal });
        if (res.status === 401) { await api('/me'); return; } // api() signs out
        if (!res.ok || !res.body) throw new Error(`stream answered ${res.status}`);
        clearInterval(pollTimer);
        delay = 1000;
        show('live');
        if (connectedOnce) onResync?.(); // what changed while disconnected
        connectedOnce = true;
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value.replaceAll('\r\n', '\n');
          let cut;
          while ((cut = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, cut); buffer = buffer.slice(cut + 2);
            let event = 'message', data = '';
            for (const line of block.split('\n')) {
              if (line.startsWith('event:')) event = line.slice(6).trim();
              else if (line.startsWith('data:')) data += line.slice(5).trim();
            }
            if (!data) continue;
            const parsed = JSON.parse(data);
            onEvent(event, parsed);
            if (event === 'end' && closesAtEnd) ended = true;
          }
        }
        if (ended || closesAtEnd) { show('off'); return; }
      } catch (e) {
        if (stopped || e.name === 'AbortError') return;
      }
      if (stopped) return;
      // Lost: say so, poll meanwhile, and try again after a growing pause (1 s doubling to 30 s, with jitter).
      show(delay >= 8000 ? 'polling' : 'reconnecting');
      poll();
      await new Promise((r) => setTimeout(r, delay * (0.8 + Math.random() * 0.4)));
      delay = Math.min(delay * 2, 30000);
    }
  }
  run();
  return () => { stopped = true; controller?.abort(); clearInterval(pollTimer); show('off'); };
}
