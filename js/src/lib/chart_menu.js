// A small popup menu (role=menu) for a chart: the mark's right-click menu and the toolbar's
// "Explain" list. Keyboard: the first item takes focus; arrows, Home and End move; Enter or Space
// picks; Escape or Tab closes and gives focus back. A click elsewhere closes it. Items only run
// the callbacks they were given (which send events to the kernel).
import { h } from "./dom.js";
import { injectExplainStyles } from "./chart_explain.js";

let open = null;

export function closeMenu(restoreFocus = false) {
  if (!open) return;
  const { node, returnTo, onOutside } = open;
  open = null;
  document.removeEventListener("pointerdown", onOutside, true);
  node.remove();
  if (restoreFocus && returnTo && returnTo.isConnected) returnTo.focus();
}

// items: [{label, action, onselect}]; at: {x, y} in viewport pixels; returnTo: where focus goes back
export function openMenu({ label, items, at, returnTo }) {
  closeMenu();
  if (!items.length) return null;
  injectExplainStyles();
  const buttons = items.map((it) => h("button", { type: "button", role: "menuitem", class: "bn-menu-item",
    tabindex: "-1", "data-action": it.action || "", "data-member": it.member === undefined ? null : String(it.member),
    onclick: () => { closeMenu(false); it.onselect(); } }, it.label));
  const node = h("div", { class: "bn-menu", role: "menu", "aria-label": label }, buttons);
  node.addEventListener("keydown", (event) => {
    const i = buttons.indexOf(document.activeElement);
    const move = { ArrowDown: i + 1, ArrowUp: i - 1, Home: 0, End: buttons.length - 1 }[event.key];
    if (move !== undefined) {
      event.preventDefault();
      buttons[(move + buttons.length) % buttons.length].focus();
    } else if (event.key === "Escape" || event.key === "Tab") {
      event.preventDefault();
      closeMenu(true);
    }
  });
  document.body.append(node);
  // keep it on screen: below-right of the point, moved back inside the viewport when it overflows
  const box = node.getBoundingClientRect();
  node.style.left = `${Math.max(4, Math.min(at.x, window.innerWidth - box.width - 4))}px`;
  node.style.top = `${Math.max(4, Math.min(at.y, window.innerHeight - box.height - 4))}px`;
  const onOutside = (event) => { if (!node.contains(event.target)) closeMenu(false); };
  document.addEventListener("pointerdown", onOutside, true);
  open = { node, returnTo, onOutside };
  buttons[0].focus();
  return node;
}
