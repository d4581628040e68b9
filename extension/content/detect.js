// Injected once into the page the user asked about (scripting.executeScript under activeTab): reads what media the
// page holds and returns it. It runs in an isolated world, sees no extension storage, and leaves nothing behind.
export function detectMedia() {
  const abs = (u) => { try { return u ? new URL(u, location.href).href : null; } catch { return null; } };
  const media = [...document.querySelectorAll('video, audio')].map((m) => ({
    kind: m.tagName.toLowerCase(),
    src: abs(m.currentSrc || m.getAttribute('src') || m.querySelector('source')?.getAttribute('src')),
    currentTime: Number.isFinite(m.currentTime) ? m.currentTime : 0,
    duration: Number.isFinite(m.duration) ? m.duration : null,
    paused: m.paused,
    poster: abs(m.getAttribute('poster')),
  })).filter((m) => m.src && /^https?:/.test(m.src));
  const mediaLink = /\.(mp4|m4v|mkv|webm|mov|avi|mp3|m4a|aac|ogg|oga|opus|flac|wav|torrent)([?#]|$)/i;
  const links = [...new Set([...document.querySelectorAll('a[href]')].map((a) => abs(a.getAttribute('href'))))]
    .filter((h) => h && /^https?:/.test(h) && mediaLink.test(h)).slice(0, 20);
  return { url: location.href, title: document.title, media, links };
}
