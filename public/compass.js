// Compass: a link to one of this app's conversations (the landing page's "continue where you left off") opens it
// in this tab. Chainlit opens every markdown link in a new tab, which would leave this one on an empty chat.
document.addEventListener("click", (event) => {
  const link = event.target instanceof Element ? event.target.closest("a[href]") : null;
  if (!link) return;
  const url = new URL(link.getAttribute("href"), window.location.href);
  if (url.origin === window.location.origin && /\/thread\/[0-9a-f-]{36}$/.test(url.pathname)) {
    event.preventDefault();
    event.stopPropagation();
    window.location.assign(url.href);
  }
}, true);
