// While an organization's name is typed on the paper-entry page, name the sign-ons of this statement it looks
// like. Saving checks the same on the server and warns there, so the page works the same without this script.
(function () {
  "use strict";

  var form = document.querySelector("form[data-similar-url]");
  if (!form) { return; }
  var input = form.querySelector("#organization_name");
  var box = document.getElementById("paper-similar");
  var timer = null, asked = "";

  function show(names) {
    box.textContent = "";
    if (!names.length) { return; }
    var heading = document.createElement("p");
    heading.textContent = form.dataset.similarLabel;
    var list = document.createElement("ul");
    names.forEach(function (match) {
      var item = document.createElement("li");
      var name = document.createElement("bdi");
      name.textContent = match.name;
      item.appendChild(name);
      item.appendChild(document.createTextNode(" (" + match.reason + ")"));
      list.appendChild(item);
    });
    box.appendChild(heading);
    box.appendChild(list);
  }

  function ask() {
    var typed = input.value.trim();
    if (typed === asked) { return; }
    asked = typed;
    if (typed.length < 3) { show([]); return; }
    fetch(form.dataset.similarUrl + "?name=" + encodeURIComponent(typed), { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : { names: [] }; })
      .then(function (answer) { if (asked === typed) { show(answer.names); } })
      .catch(function () { /* offline or refused: the save still warns */ });
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(ask, 250);
  });
})();
