// How a job looks in lists (dashboard, jobs page): a card that is a table row on wide screens.
import { el, post, act, fmtBytes, fmtDuration, stateBadge, doorName, timeEl, libraryName, TERMINAL } from './core.js';

export function progressText(job) {
  const parts = [];
  if (job.bytesTotal) parts.push(`${fmtBytes(job.bytesDone)} of ${fmtBytes(job.bytesTotal)}`);
  else if (job.bytesDone) parts.push(fmtBytes(job.bytesDone));
  if (job.speedBps && !TERMINAL.includes(job.state)) parts.push(`${fmtBytes(job.speedBps)}/s`);
  if (job.etaSeconds != null && !TERMINAL.includes(job.state) && job.etaSeconds > 0) parts.push(`${fmtDuration(job.etaSeconds)} left`);
  const s = job.swarm;
  if (s) parts.push(s.seeding ? `seeding to ${s.peers} peers` : `${s.peers} peers (${s.seeders} seeding)`);
  return parts.join(' · ');
}

/** True when the job ended by finding the file already in the library (its result says so). */
export const isDuplicate = (job) => !!(job.result && (job.result.duplicate || job.result.existing || job.result.reused));

export function jobActions(job, refresh) {
  const out = [];
  if (!TERMINAL.includes(job.state)) {
    out.push(el('button', { type: 'button', class: 'secondary', onclick: (e) => act(e.currentTarget, () => post(`/jobs/${job.id}/cancel`), 'Cancel requested').then(refresh) }, 'Cancel'));
  }
  if (job.state === 'failed' || job.state === 'cancelled') {
    out.push(el('button', { type: 'button', onclick: (e) => act(e.currentTarget, () => post(`/jobs/${job.id}/retry`), 'Back in line').then(refresh) }, 'Retry'));
  }
  if (job.entryId) out.push(el('a', { class: 'button secondary', href: `#entry/${job.entryId}` }, isDuplicate(job) ? 'Already in the library' : 'Open'));
  return out;
}

export function jobCard(job, refresh) {
  const pct = Math.max(0, Math.min(100, job.progress || 0));
  const running = !TERMINAL.includes(job.state);
  const title = job.title || job.source || job.kind;
  return el('article', { class: `job-card${job.system ? ' system' : ''}`, 'data-job': job.id, 'data-state': job.state },
    el('div', { class: 'job-main' },
      el('a', { class: 'job-title remote', href: `#job/${job.id}` }, title),
      el('div', { class: 'job-meta' }, stateBadge(job.state), ' ', doorName(job.door),
        job.libraryId ? ` · ${libraryName(job.libraryId)}` : '', ' · ', timeEl(job.updatedAt))),
    el('div', { class: 'job-progress' },
      running || pct > 0 ? el('progress', { max: '100', value: String(pct), 'aria-label': `Progress of ${title}` }) : '',
      el('span', { class: 'job-numbers' }, running ? `${pct.toFixed(0)}% ` : '', progressText(job)),
      job.error ? el('span', { class: 'job-error' }, job.errorKind ? `${job.errorKind}: ` : '', job.error) : ''),
    el('div', { class: 'job-actions' }, ...jobActions(job, refresh)));
}
