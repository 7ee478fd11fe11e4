// Behaviour that would otherwise be inline script (the Content-Security-Policy forbids it).
// Search form (library/search.html): after an in-place update that removed the focused element,
// move the focus to the new results' summary; when the in-place request fails, load the same
// address as a page so the reader sees the result or a real error page.
document.addEventListener("htmx:afterSettle", function (event) {
  if (!event.target.closest || !event.target.closest("#search-form")) return;
  if (!document.activeElement || document.activeElement === document.body) {
    const summary = document.getElementById("results-count");
    if (summary) {
      summary.focus({ preventScroll: true });
      summary.scrollIntoView({ block: "nearest" });
    }
  }
});

function loadAsPage(event) {
  if (!event.target.closest || !event.target.closest("#search-form")) return;
  window.location.assign(event.detail.pathInfo.finalRequestPath);
}
document.addEventListener("htmx:responseError", loadAsPage);
document.addEventListener("htmx:sendError", loadAsPage);

// Search filters (library/includes/search_region.html): the "Filters (n)" disclosure and each
// facet's "more" are <details> inside the region that htmx replaces. Those the reader had open
// stay open after an in-place update, and the focus returns to the control that had it (htmx
// cannot focus it while its disclosure is still closed).
let openDisclosures = [];
let focusedId = "";
document.addEventListener("htmx:beforeSwap", function (event) {
  const region = event.detail.target;
  if (!region || region.id !== "search-region") return;
  openDisclosures = Array.from(region.querySelectorAll("details[id][open]"), (d) => d.id);
  const active = document.activeElement;
  focusedId = active && region.contains(active) ? active.id : "";
});
document.addEventListener("htmx:afterSwap", function (event) {
  const region = event.detail.target;
  if (!region || region.id !== "search-region") return;
  openDisclosures.forEach(function (id) {
    const details = document.getElementById(id);
    if (details) details.open = true;
  });
  openDisclosures = [];
  const active = document.activeElement;
  if (focusedId && (!active || active === document.body)) {
    const control = document.getElementById(focusedId);
    if (control) control.focus({ preventScroll: true });
  }
  focusedId = "";
});

// Where the stylesheet cannot show closed <details> content (no ::details-content), open the
// filters on a wide screen so they sit beside the results as before.
function openFiltersOnWideScreens() {
  if (window.CSS && CSS.supports && CSS.supports("selector(::details-content)")) return;
  if (!window.matchMedia("(min-width: 48.01rem)").matches) return;
  const filters = document.getElementById("filters-disclosure");
  if (filters) filters.open = true;
}
document.addEventListener("DOMContentLoaded", openFiltersOnWideScreens);
document.addEventListener("htmx:afterSettle", openFiltersOnWideScreens);
