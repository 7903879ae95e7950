// The activity form: host group first, quick search, "select all of group", live person-times,
// and the cancel reason shown only for a cancelled activity. No server round trip.
(function () {
  "use strict";
  var form = document.querySelector("[data-activity-form]");
  if (!form) {
    return;
  }
  var list = form.querySelector("[data-attendance-list]");
  var groupSelect = form.querySelector("select[name=group]");
  var statusSelect = form.querySelector("[data-status-select]");
  var cancelReason = form.querySelector("[data-cancel-reason]");
  var others = form.querySelector("[data-other-participants]");
  var checkedOut = form.querySelector("[data-checked-count]");
  var personTimes = form.querySelector("[data-person-times]");
  var search = form.querySelector("[data-attendee-search]");
  var noMatch = form.querySelector("[data-no-match]");

  function boxes(scope) {
    return Array.prototype.slice.call(
      (scope || list).querySelectorAll("input[type=checkbox][name=attendees]")
    );
  }

  function updateCounts() {
    var checked = boxes().filter(function (box) { return box.checked; }).length;
    var extra = parseInt(others && others.value, 10);
    if (isNaN(extra) || extra < 0) {
      extra = 0;
    }
    checkedOut.textContent = String(checked);
    personTimes.textContent = String(checked + extra);
  }

  function moveHostFirst() {
    if (!groupSelect) {
      return;
    }
    var host = groupSelect.value;
    list.querySelectorAll("section[data-group]").forEach(function (section) {
      var isHost = host !== "" && section.dataset.group === host;
      var badge = section.querySelector("[data-host-badge]");
      if (badge) {
        badge.hidden = !isHost;
      }
      if (isHost) {
        list.insertBefore(section, list.firstElementChild);
      }
    });
  }

  function toggleCancelReason() {
    if (statusSelect && cancelReason) {
      var hasError = cancelReason.querySelector(".is-invalid");
      cancelReason.hidden = statusSelect.value !== "cancelled" && !hasError;
    }
  }

  function filterMembers() {
    var words = (search.value || "").trim().toLowerCase().split(/\s+/).filter(Boolean);
    var shown = 0;
    list.querySelectorAll("section[data-group]").forEach(function (section) {
      var visible = 0;
      section.querySelectorAll("li[data-search]").forEach(function (item) {
        var text = item.dataset.search.toLowerCase();
        var match = words.every(function (word) { return text.indexOf(word) !== -1; });
        item.hidden = !match;
        if (match) {
          visible += 1;
        }
      });
      section.hidden = visible === 0;
      shown += visible;
    });
    if (noMatch) {
      noMatch.hidden = shown !== 0;
    }
  }

  list.addEventListener("change", updateCounts);
  list.addEventListener("click", function (event) {
    var button = event.target.closest("[data-select-all]");
    if (!button) {
      return;
    }
    var section = button.closest("section");
    var items = boxes(section).filter(function (box) { return !box.closest("li").hidden; });
    var all = items.every(function (box) { return box.checked; });
    items.forEach(function (box) { box.checked = !all; });
    updateCounts();
  });
  if (others) {
    others.addEventListener("input", updateCounts);
  }
  if (groupSelect) {
    groupSelect.addEventListener("change", moveHostFirst);
  }
  if (statusSelect) {
    statusSelect.addEventListener("change", toggleCancelReason);
  }
  if (search) {
    search.addEventListener("input", filterMembers);
    // Enter in the search box must not submit the whole form.
    search.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();
      }
    });
  }
  moveHostFirst();
  toggleCancelReason();
  updateCounts();
})();
