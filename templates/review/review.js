// Progressive enhancement only: the page works without it.
document.addEventListener('DOMContentLoaded', () => {
  const all = document.querySelector('[data-select-all]');
  const boxes = () => [...document.querySelectorAll('input[name="id"][data-pending]')];
  if (all)
    all.addEventListener('change', () =>
      boxes().forEach((b) => {
        b.checked = all.checked;
      }),
    );
  for (const form of document.querySelectorAll('form[data-confirm]')) {
    form.addEventListener('submit', (e) => {
      if (!window.confirm(form.dataset.confirm)) e.preventDefault();
    });
  }
});
