// A country chosen by typing: a box before each select marked data-find-label offers the select's own
// country names as suggestions (accents and case ignored) and sets the select when one is chosen or when
// what is typed names just one country. The select stays visible and is what the form sends, so the page
// works the same without this script.
(function () {
  "use strict";

  function folded(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().trim();
  }

  function matches(options, typed) {
    var start = [], inside = [];
    options.forEach(function (option) {
      var name = folded(option.text);
      if (name.indexOf(typed) === 0) { start.push(option); } else if (name.indexOf(typed) > 0) { inside.push(option); }
    });
    return start.length ? start : inside;
  }

  function enhance(select, number) {
    var options = Array.prototype.filter.call(select.options, function (option) { return option.value; });
    var list = document.createElement("datalist");
    list.id = "country-suggestions-" + number;
    options.forEach(function (option) {
      var suggestion = document.createElement("option");
      suggestion.value = option.text;
      list.appendChild(suggestion);
    });
    var box = document.createElement("input");
    box.type = "text";
    box.id = select.id + "-find";
    box.setAttribute("list", list.id);
    box.setAttribute("autocomplete", "off");
    box.className = "country-find";
    var label = document.createElement("label");
    label.htmlFor = box.id;
    label.className = "country-find-label";
    label.textContent = select.dataset.findLabel;
    box.addEventListener("input", function () {
      var typed = folded(box.value);
      if (!typed) { return; }
      var exact = options.filter(function (option) { return folded(option.text) === typed; });
      var found = exact.length === 1 ? exact : matches(options, typed);
      if (found.length === 1 && select.value !== found[0].value) {
        select.value = found[0].value;
        select.dispatchEvent(new Event("change", { bubbles: true }));
      }
    });
    select.parentNode.insertBefore(label, select);
    select.parentNode.insertBefore(box, select);
    select.parentNode.insertBefore(list, select);
  }

  Array.prototype.forEach.call(document.querySelectorAll("select[data-find-label]"), enhance);
})();
