// Light, dark or the system's choice, remembered in localStorage and applied as <html data-theme>.
const KEY = 'hub.theme';

export function applyTheme(choice = localStorage.getItem(KEY) || 'system') {
  const dark = choice === 'dark' || (choice === 'system' && matchMedia('(prefers-color-scheme: dark)').matches);
  document.documentElement.dataset.theme = dark ? 'dark' : 'light';
  return choice;
}

export function initTheme(select) {
  select.value = applyTheme();
  select.addEventListener('change', () => { localStorage.setItem(KEY, select.value); applyTheme(select.value); });
  matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => applyTheme());
}
