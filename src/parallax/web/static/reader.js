// Parallax reader: a little progressive enhancement.  Every page works without
// this file; with it, story lists grow in place ("More stories" loads the next
// page below, and does so by itself when it scrolls into view), "/" jumps to
// the search box, and a jump link opens the folded section it points at.  No
// build step, no dependencies.
"use strict";

(function () {
  function loadMore(link) {
    if (link.dataset.loading) return;
    link.dataset.loading = "1";
    const pager = link.closest(".pager");
    const list = pager && pager.previousElementSibling;
    if (!list || !list.matches("[data-list]")) return;
    link.textContent = "Loading…";
    link.setAttribute("aria-busy", "true");
    fetch(link.href, { headers: { Accept: "text/html" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.text();
      })
      .then(function (html) {
        const page = new DOMParser().parseFromString(html, "text/html");
        const items = Array.from(page.querySelectorAll("[data-list] > li"));
        const hadFocus = document.activeElement === link;
        items.forEach(function (item) { list.appendChild(document.adoptNode(item)); });
        const next = page.querySelector("a[data-more]");
        if (next) {
          pager.replaceWith(document.adoptNode(next.closest(".pager")));
          watch();
        } else {
          pager.remove();
        }
        // Keyboard and screen-reader users carry on from the first new story.
        const firstLink = items.length && items[0].querySelector("h2 a, h3 a");
        if (hadFocus && firstLink) firstLink.focus({ preventScroll: true });
      })
      .catch(function () {
        // Fall back to the plain link: the next page in full.
        window.location.href = link.href;
      });
  }

  let observer = null;
  function watch() {
    const link = document.querySelector("a[data-more]");
    if (!link) return;
    if ("IntersectionObserver" in window) {
      if (observer) observer.disconnect();
      observer = new IntersectionObserver(function (entries) {
        if (entries.some(function (e) { return e.isIntersecting; })) loadMore(link);
      }, { rootMargin: "400px 0px" });
      observer.observe(link);
    }
  }

  document.addEventListener("click", function (event) {
    const link = event.target.closest && event.target.closest("a[data-more]");
    if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
    event.preventDefault();
    loadMore(link);
  });

  // Escape hides a citation's revealed sentence without moving focus (WCAG
  // 1.4.13); it shows again the next time the citation is pointed at or focused.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    document.querySelectorAll(".cite:hover, .cite:focus-within").forEach(function (cite) {
      cite.classList.add("cite-closed");
    });
  });
  ["focusout", "mouseout"].forEach(function (type) {
    document.addEventListener(type, function (event) {
      const cite = event.target.closest && event.target.closest(".cite-closed");
      if (cite && !cite.contains(event.relatedTarget)) cite.classList.remove("cite-closed");
    });
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.metaKey || event.ctrlKey || event.altKey) return;
    const active = document.activeElement;
    if (active && (active.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(active.tagName))) return;
    const box = document.querySelector("input[type=search]");
    if (box) {
      event.preventDefault();
      box.focus();
      box.select();
    }
  });

  // A jump link to a folded section opens it (without this file the link
  // still scrolls there, and the section opens with a click).
  function openTarget() {
    let id = "";
    try {
      id = decodeURIComponent(window.location.hash.slice(1));
    } catch (error) {
      return; // a malformed fragment names nothing on the page
    }
    const target = id && document.getElementById(id);
    let shut = false;
    for (let fold = target && target.closest("details"); fold; fold = fold.parentElement.closest("details")) {
      shut = shut || !fold.open;
      fold.open = true;
    }
    if (shut) target.scrollIntoView();
  }
  window.addEventListener("hashchange", openTarget);
  document.addEventListener("click", function (event) {
    const link = event.target.closest && event.target.closest("a[href^='#']");
    // Following the same fragment twice fires no hashchange: open it here too.
    if (link && link.getAttribute("href") === window.location.hash) openTarget();
  });
  openTarget();

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", watch);
  } else {
    watch();
  }
})();
