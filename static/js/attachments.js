// The attachments' upload form: say what was chosen, and send it once (a second tap while the
// photos are still uploading would only send them again).
(function () {
  "use strict";
  document.querySelectorAll("[data-attachment-upload]").forEach(function (form) {
    var chosen = form.querySelector("[data-attachment-chosen]");
    var inputs = form.querySelectorAll("[data-attachment-input]");
    function names() {
      var list = [];
      inputs.forEach(function (input) {
        Array.prototype.forEach.call(input.files || [], function (file) { list.push(file.name); });
      });
      return list;
    }
    inputs.forEach(function (input) {
      input.addEventListener("change", function () {
        var list = names();
        chosen.textContent = list.length ? list.length + " · " + list.join("，") : "";
      });
    });
    form.addEventListener("submit", function () {
      var button = form.querySelector("[data-attachment-submit]");
      window.setTimeout(function () { button.disabled = true; }, 0);
    });
  });
})();
