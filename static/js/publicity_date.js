// A publicity report is dated the activity's day unless the user types another date: the
// date fills in when a channel is chosen, and follows the activity's date while it matched
// it. Rows without a channel are left alone, so an untouched extra row stays empty. The
// server does the same for a report left undated (activities.services.activity_record).
(function () {
  "use strict";
  var form = document.querySelector("[data-activity-form]");
  if (!form) return;
  var activityDate = form.querySelector("#id_date");
  var publicity = form.querySelector('[data-formset="publicity"]');
  if (!activityDate || !publicity) return;

  function rowParts(row) {
    return {
      channel: row.querySelector('select[name$="-channel"]'),
      date: row.querySelector('input[type="date"][name$="-date"]'),
    };
  }

  var previous = activityDate.value;
  activityDate.addEventListener("change", function () {
    publicity.querySelectorAll("[data-formset-row]").forEach(function (row) {
      var parts = rowParts(row);
      if (parts.channel && parts.channel.value && parts.date && previous &&
          parts.date.value === previous) {
        parts.date.value = activityDate.value;
      }
    });
    previous = activityDate.value;
  });

  publicity.addEventListener("change", function (event) {
    var target = event.target;
    if (!target.matches('select[name$="-channel"]') || !target.value) return;
    var row = target.closest("[data-formset-row]");
    var parts = row ? rowParts(row) : {};
    if (parts.date && !parts.date.value && activityDate.value) {
      parts.date.value = activityDate.value;
    }
  });
})();
