// Move focus to the main content as soon as the skip link is used. The browser's own jump to #main
// happens a moment later, so a keyboard user's next Tab could otherwise still start from the header.
document.addEventListener("click", (event) => {
  const link = event.target.closest && event.target.closest("a.skip-link");
  if (!link) return;
  const target = document.getElementById(link.hash.slice(1));
  if (target) target.focus();
});
