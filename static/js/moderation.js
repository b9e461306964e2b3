// Keyboard shortcuts on the moderation queue: j/k move between sign-ons, x ticks one, a approves it,
// r rejects it, e opens its correction. Every shortcut presses a control the page has anyway (the row's
// own buttons and box), so without this script nothing is lost but the speed.
(function () {
  "use strict";

  var rows = Array.prototype.slice.call(document.querySelectorAll("[data-signon-row]"));
  var help = document.getElementById("moderation-shortcuts");
  if (!rows.length) {
    return;
  }
  if (help) {
    help.hidden = false; // the shortcuts are told of only where they work
  }

  function current() {
    return rows.indexOf(document.activeElement && document.activeElement.closest("[data-signon-row]"));
  }

  function move(step) {
    var index = current();
    var next = index < 0 ? 0 : Math.min(rows.length - 1, Math.max(0, index + step));
    rows[next].focus();
    rows[next].scrollIntoView({block: "nearest"});
  }

  function press(selector) {
    var row = rows[current()];
    var control = row && row.querySelector(selector);
    if (control) {
      control.click();
    }
  }

  function typing(target) {
    // letters typed into a field (the note, the search box) are words, not shortcuts
    return target.isContentEditable || /^(INPUT|SELECT|TEXTAREA)$/.test(target.tagName) &&
      !(target.type === "checkbox" || target.type === "radio");
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) {
      return;
    }
    var actions = {
      j: function () { move(1); },
      k: function () { move(-1); },
      x: function () { press("input[type=checkbox]"); },
      a: function () { press("[data-shortcut=approve]"); },
      r: function () { press("[data-shortcut=reject]"); },
      e: function () { press("[data-shortcut=edit]"); }
    };
    var action = actions[event.key];
    if (action) {
      event.preventDefault();
      action();
    }
  });
}());
