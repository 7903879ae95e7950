// "Add a row" for Django formsets: copies the empty form kept in a <template>.
(function () {
  "use strict";
  document.querySelectorAll("[data-formset]").forEach(function (fieldset) {
    var prefix = fieldset.dataset.formset;
    var total = fieldset.querySelector("#id_" + prefix + "-TOTAL_FORMS");
    var rows = fieldset.querySelector("[data-formset-rows]");
    var template = fieldset.querySelector("template[data-formset-template]");
    var button = fieldset.querySelector("[data-formset-add]");
    if (!total || !rows || !template || !button) {
      return;
    }
    button.addEventListener("click", function () {
      var index = parseInt(total.value, 10) || 0;
      var html = template.innerHTML.replace(/__prefix__/g, String(index));
      rows.insertAdjacentHTML("beforeend", html);
      total.value = String(index + 1);
      var added = rows.lastElementChild;
      var first = added && added.querySelector("input:not([type=hidden]), select, textarea");
      if (first) {
        first.focus();
      }
    });
  });
})();
